// LogReporter: writes every metric to the log as one readable block per interval (Flink's Slf4jReporter).

import type { Logger } from '../core/logger.ts';
import { NO_OP_FILTER } from './character-filter.ts';
import type { Counter } from './counter.ts';
import type { Gauge } from './gauge.ts';
import type { Histogram } from './histogram.ts';
import type { Meter } from './meter.ts';
import type { MetricConfig } from './metric-config.ts';
import type { MetricGroup } from './metric-group.ts';
import type { MetricReporter, Scheduled } from './metric-reporter.ts';
import { metricTypeOf, type Metric } from './metric.ts';

const LINE = '\n';

/**
 * Logs all metrics at info level every `metrics.reporter.<name>.interval` (default 10 s), one line per metric,
 * by identifier: counters (count), gauges (value), meters (rate), histograms (count, min, max, mean, stddev,
 * p50 .. p999).
 */
export class LogReporter implements MetricReporter, Scheduled {
  readonly #logger: Logger;
  readonly #counters = new Map<Counter, string>();
  readonly #gauges = new Map<Gauge<unknown>, string>();
  readonly #meters = new Map<Meter, string>();
  readonly #histograms = new Map<Histogram, string>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  open(_config: MetricConfig): void {}

  close(): void {
    this.#counters.clear();
    this.#gauges.clear();
    this.#meters.clear();
    this.#histograms.clear();
  }

  notifyOfAddedMetric(metric: Metric, metricName: string, group: MetricGroup): void {
    const id = group.getMetricIdentifier(metricName, NO_OP_FILTER);
    this.#mapOf(metric).set(metric as never, id);
  }

  notifyOfRemovedMetric(metric: Metric, _metricName: string, _group: MetricGroup): void {
    this.#mapOf(metric).delete(metric as never);
  }

  #mapOf(metric: Metric): Map<Metric, string> {
    switch (metricTypeOf(metric)) {
      case 'counter':
        return this.#counters as Map<Metric, string>;
      case 'meter':
        return this.#meters as Map<Metric, string>;
      case 'histogram':
        return this.#histograms as Map<Metric, string>;
      default:
        return this.#gauges as Map<Metric, string>;
    }
  }

  /** The report block, as `report()` logs it. */
  formatReport(): string {
    const b: string[] = [LINE, '=========================== Starting metrics report ===========================', LINE];
    b.push(LINE, '-- Counters -------------------------------------------------------------------', LINE);
    for (const [c, id] of this.#counters) b.push(`${id}: ${c.getCount()}`, LINE);
    b.push(LINE, '-- Gauges ---------------------------------------------------------------------', LINE);
    for (const [g, id] of this.#gauges) b.push(`${id}: ${formatValue(safeRead(() => g.getValue()))}`, LINE);
    b.push(LINE, '-- Meters ---------------------------------------------------------------------', LINE);
    for (const [m, id] of this.#meters) b.push(`${id}: ${m.getRate()}`, LINE);
    b.push(LINE, '-- Histograms -----------------------------------------------------------------', LINE);
    for (const [h, id] of this.#histograms) {
      const s = h.getStatistics();
      b.push(
        `${id}: count=${h.getCount()}, min=${s.getMin()}, max=${s.getMax()}, mean=${s.getMean()}, ` +
          `stddev=${s.getStdDev()}, p50=${s.getQuantile(0.5)}, p75=${s.getQuantile(0.75)}, ` +
          `p95=${s.getQuantile(0.95)}, p98=${s.getQuantile(0.98)}, p99=${s.getQuantile(0.99)}, ` +
          `p999=${s.getQuantile(0.999)}`,
        LINE,
      );
    }
    b.push(LINE, '=========================== Finished metrics report ===========================', LINE);
    return b.join('');
  }

  report(): void {
    this.#logger.info(this.formatReport());
  }
}

function safeRead(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    return `<error: ${error instanceof Error ? error.message : String(error)}>`;
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
