// Mirror metrics: Counter, Gauge, Meter and Histogram whose values are the last MetricDump received from a worker.

import type { Counter } from './counter.ts';
import type { Gauge } from './gauge.ts';
import type { Histogram, HistogramStatistics } from './histogram.ts';
import type { Meter } from './meter.ts';
import type { Metric } from './metric.ts';
import type { HistogramDump, MetricDump } from './metric-dump.ts';

/** A metric that shows a remote metric's last dumped value; reporters read it like any other. */
export interface MirroredMetric {
  /** Takes the values of a newer dump of the same metric. */
  apply(dump: MetricDump): void;
}

/** Mirrors a remote Counter; `inc`/`dec` change only the local copy until the next dump. */
export class MirroredCounter implements Counter, MirroredMetric {
  #count = 0;
  inc(n = 1): void {
    this.#count += n;
  }
  dec(n = 1): void {
    this.#count -= n;
  }
  getCount(): number {
    return this.#count;
  }
  apply(dump: MetricDump): void {
    this.#count = dump.count ?? 0;
  }
}

/** Mirrors a remote Gauge: its value is a number, a string (JSON for objects), or undefined. */
export class MirroredGauge implements Gauge<number | string | undefined>, MirroredMetric {
  #value: number | string | undefined;
  getValue(): number | string | undefined {
    return this.#value;
  }
  apply(dump: MetricDump): void {
    this.#value = dump.value;
  }
}

/** Mirrors a remote Meter: its rate and count as of the last dump. */
export class MirroredMeter implements Meter, MirroredMetric {
  #count = 0;
  #rate = 0;
  markEvent(n = 1): void {
    this.#count += n;
  }
  getRate(): number {
    return this.#rate;
  }
  getCount(): number {
    return this.#count;
  }
  apply(dump: MetricDump): void {
    this.#count = dump.count ?? 0;
    this.#rate = dump.rate ?? 0;
  }
}

const EMPTY: HistogramDump = Object.freeze({ count: 0, min: 0, max: 0, mean: 0, stddev: 0, quantiles: {} });

/** Mirrors a remote Histogram: statistics as dumped; other quantiles are interpolated, `getValues()` is empty. */
export class MirroredHistogram implements Histogram, MirroredMetric {
  #count = 0;
  #stats: HistogramDump = EMPTY;
  update(_value: number): void {
    this.#count++;
  }
  getCount(): number {
    return this.#count;
  }
  getStatistics(): HistogramStatistics {
    return new DumpedStatistics(this.#stats);
  }
  apply(dump: MetricDump): void {
    this.#count = dump.count ?? 0;
    this.#stats = dump.histogram ?? EMPTY;
  }
}

class DumpedStatistics implements HistogramStatistics {
  readonly #d: HistogramDump;
  readonly #points: ReadonlyArray<readonly [number, number]>;
  constructor(d: HistogramDump) {
    this.#d = d;
    const points: Array<readonly [number, number]> = [[0, d.min]];
    for (const [q, v] of Object.entries(d.quantiles)) points.push([Number(q), v]);
    points.push([1, d.max]);
    this.#points = points.sort((a, b) => a[0] - b[0]);
  }
  getQuantile(quantile: number): number {
    if (this.#d.count === 0) return 0;
    const q = Math.min(Math.max(quantile, 0), 1);
    for (let i = 1; i < this.#points.length; i++) {
      const [q1, v1] = this.#points[i]!;
      if (q <= q1) {
        const [q0, v0] = this.#points[i - 1]!;
        return q1 === q0 ? v1 : v0 + ((q - q0) / (q1 - q0)) * (v1 - v0);
      }
    }
    return this.#d.max;
  }
  getValues(): number[] {
    return [];
  }
  size(): number {
    return this.#d.count;
  }
  getMean(): number {
    return this.#d.mean;
  }
  getStdDev(): number {
    return this.#d.stddev;
  }
  getMax(): number {
    return this.#d.max;
  }
  getMin(): number {
    return this.#d.min;
  }
}

/** A new mirror for a dump's type, already holding the dump's values. */
export function createMirror(dump: MetricDump): Metric & MirroredMetric {
  const mirror =
    dump.type === 'counter'
      ? new MirroredCounter()
      : dump.type === 'meter'
        ? new MirroredMeter()
        : dump.type === 'histogram'
          ? new MirroredHistogram()
          : new MirroredGauge();
  mirror.apply(dump);
  return mirror;
}
