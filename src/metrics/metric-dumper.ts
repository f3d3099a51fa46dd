// dumpMetrics: a snapshot of every metric of a registry (or below a group) as MetricDump[], taken off the hot path.

import type { AbstractMetricGroup } from './abstract-metric-group.ts';
import type { Counter } from './counter.ts';
import type { Gauge } from './gauge.ts';
import type { Histogram } from './histogram.ts';
import type { Meter } from './meter.ts';
import { DUMP_QUANTILES, type HistogramDump, type MetricDump } from './metric-dump.ts';
import type { MetricRegistry, RegisteredMetric } from './metric-registry.ts';

/**
 * Dumps every metric registered in `registry`, or only those of `under` and its subgroups. Cost: one read per metric
 * (a histogram's statistics once), no per-record work; call it every second or so and post the array to the main
 * thread, which hands it to `RemoteMetrics.applyDumps`. A gauge that throws is left out.
 *
 * @example
 * parentPort.postMessage({ kind: 'metrics', source: taskManagerId, dumps: dumpMetrics(workerRegistry) });
 */
export function dumpMetrics(registry: MetricRegistry, under?: AbstractMetricGroup): MetricDump[] {
  const out: MetricDump[] = [];
  for (const registered of registry.getRegisteredMetrics()) {
    if (under !== undefined && !isWithin(registered.group, under)) continue;
    const dump = dumpMetric(registered);
    if (dump !== undefined) out.push(dump);
  }
  return out;
}

function isWithin(group: AbstractMetricGroup, ancestor: AbstractMetricGroup): boolean {
  for (let g: AbstractMetricGroup | undefined = group; g !== undefined; g = g.parent) if (g === ancestor) return true;
  return false;
}

/** One registered metric as a dump; undefined if its gauge throws. */
export function dumpMetric({ metric, name, group, type }: RegisteredMetric): MetricDump | undefined {
  const base = {
    scope: [...group.getScopeComponents()],
    logicalScope: [...group.getLogicalScopeComponents()],
    userScope: [...group.getUserScopeComponents()],
    variables: { ...group.getAllVariables() },
    name,
    type,
  };
  switch (type) {
    case 'counter':
      return { ...base, count: (metric as Counter).getCount() };
    case 'meter':
      return { ...base, count: (metric as Meter).getCount(), rate: (metric as Meter).getRate() };
    case 'histogram':
      return { ...base, count: (metric as Histogram).getCount(), histogram: dumpHistogram(metric as Histogram) };
    case 'gauge': {
      let value: unknown;
      try {
        value = (metric as Gauge<unknown>).getValue();
      } catch {
        return undefined;
      }
      const dumped = gaugeValue(value);
      return dumped === undefined ? base : { ...base, value: dumped };
    }
  }
}

function dumpHistogram(histogram: Histogram): HistogramDump {
  const s = histogram.getStatistics();
  const quantiles: Record<string, number> = {};
  for (const q of DUMP_QUANTILES) quantiles[String(q)] = s.getQuantile(q);
  return { count: s.size(), min: s.getMin(), max: s.getMax(), mean: s.getMean(), stddev: s.getStdDev(), quantiles };
}

/** A gauge value as a dump carries it: numbers as numbers, strings as is, anything else as JSON. */
export function gaugeValue(value: unknown): number | string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
