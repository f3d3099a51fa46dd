// The four kinds of metric as one union, and how to tell which kind a registered metric is.

import type { Counter } from './counter.ts';
import type { Gauge } from './gauge.ts';
import type { Histogram } from './histogram.ts';
import type { Meter } from './meter.ts';

/** Any metric a group can hold. */
export type Metric = Counter | Gauge<unknown> | Histogram | Meter;

/** The kind of a metric, as reporters and dumps name it. */
export type MetricType = 'counter' | 'gauge' | 'meter' | 'histogram';

/**
 * The kind of a metric, by its methods (TypeScript interfaces have no runtime identity): a histogram has
 * `getStatistics`, a meter `markEvent` and `getRate`, a counter `inc` and `getCount`, a gauge `getValue`.
 */
export function metricTypeOf(metric: Metric): MetricType {
  const m = metric as unknown as Record<string, unknown>;
  if (typeof m['getStatistics'] === 'function') return 'histogram';
  if (typeof m['markEvent'] === 'function' && typeof m['getRate'] === 'function') return 'meter';
  if (typeof m['inc'] === 'function' && typeof m['getCount'] === 'function') return 'counter';
  return 'gauge';
}
