// MetricDump: the plain-data form of one metric's current value, the only form that crosses a thread boundary.

import type { MetricType } from './metric.ts';

/** Quantiles a dump carries, keyed by `String(q)`: Prometheus' six plus 0.9 for the REST store's `_p90`. */
export const DUMP_QUANTILES: readonly number[] = Object.freeze([0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.999]);

/** A histogram's statistics in a dump. */
export interface HistogramDump {
  /** How many values the statistics describe. */
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
  /** By quantile as a string: `{ '0.5': 12, '0.99': 40 }`. */
  readonly quantiles: Readonly<Record<string, number>>;
}

/**
 * One metric as plain data (structured-clone and JSON safe). Counters carry `count`; gauges `value` (numbers as
 * numbers, strings as is, anything else as JSON; absent for undefined); meters `count` and `rate`; histograms `count`
 * (updates in total) and `histogram`.
 */
export interface MetricDump {
  /** Scope components of the group (e.g. `['localhost', 'taskmanager', 'tm-1', 'job', 'Map', '0']`). */
  readonly scope: readonly string[];
  /** Logical scope components (e.g. `['taskmanager', 'job', 'task', 'operator']`). */
  readonly logicalScope: readonly string[];
  /** Names of user groups below the nearest component group (see `getUserScopeComponents`). */
  readonly userScope: readonly string[];
  /** All variables of the group, keys with angle brackets. */
  readonly variables: Readonly<Record<string, string>>;
  readonly name: string;
  readonly type: MetricType;
  readonly count?: number;
  readonly value?: number | string;
  readonly rate?: number;
  readonly histogram?: HistogramDump;
}
