// MetricGroup: what user functions and the runtime register metrics on (Flink's MetricGroup).

import type { CharacterFilter } from './character-filter.ts';
import type { Counter } from './counter.ts';
import type { Gauge } from './gauge.ts';
import type { Histogram } from './histogram.ts';
import type { Meter } from './meter.ts';

/**
 * A named scope that holds metrics and subgroups. Registering a second metric under a name already taken logs a
 * warning and keeps the first (the second is returned but not reported); adding a group twice returns the same
 * group. Metrics registered after the group is closed are returned but not reported.
 *
 * @example
 * const group = getRuntimeContext().getMetricGroup().addGroup('cache');
 * const hits = group.counter('hits');
 * group.gauge('size', () => cache.size);
 * group.addGroup('region', 'eu').counter('misses'); // variable <region> = "eu"
 */
export interface MetricGroup {
  /** Registers and returns a new SimpleCounter. */
  counter(name: string): Counter;
  /** Registers the given counter and returns it. */
  counter<C extends Counter>(name: string, counter: C): C;
  /** Registers a gauge (an object with `getValue()`, or a function read on demand) and returns it. */
  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T>;
  histogram<H extends Histogram>(name: string, histogram: H): H;
  meter<M extends Meter>(name: string, meter: M): M;
  /** A subgroup named `name` (Flink's GenericMetricGroup). */
  addGroup(name: string | number): MetricGroup;
  /**
   * A key/value subgroup: `key` joins the logical scope, `value` the scope, and the variable `<key>` = `value`
   * is added (so Prometheus shows a label `key="value"`).
   */
  addGroup(key: string, value: string): MetricGroup;
  /** The scope of this group, one entry per component (e.g. `['localhost', 'taskmanager', 'tm-1']`). */
  getScopeComponents(): readonly string[];
  /** Every variable of this group and its parents, keys with angle brackets: `{ '<host>': 'localhost' }`. */
  getAllVariables(): Readonly<Record<string, string>>;
  /** The fully qualified name of a metric: scope components and name joined by the delimiter, filtered. */
  getMetricIdentifier(metricName: string, filter?: CharacterFilter): string;
  /** The logical scope, independent of variable values (e.g. `taskmanager.job.task.operator`). */
  getLogicalScope(filter?: CharacterFilter, delimiter?: string): string;
  /** The logical scope as components (e.g. `['taskmanager', 'job', 'task', 'operator']`). */
  getLogicalScopeComponents(): readonly string[];
}
