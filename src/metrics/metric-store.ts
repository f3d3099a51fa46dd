// MetricStore: metrics by JobManager, TaskManager, job, vertex and subtask, fed by dumps, for the REST layer (Flink's MetricStore).

import { DEFAULT_FILTER } from './character-filter.ts';
import type { MetricDump } from './metric-dump.ts';
import { ScopeVariables as V } from './scope-variables.ts';

/** A metric's value as the REST API returns it. */
export type MetricValue = number | string;

/** Metrics of one component by name (Flink's ComponentMetricStore). */
export type ComponentMetrics = ReadonlyMap<string, MetricValue>;

/** Aggregations of `?agg=` (Flink's `min,max,sum,avg`). */
export type MetricAggregation = 'min' | 'max' | 'sum' | 'avg';

/** One entry of a metrics response: `{ id }` for a listing, `{ id, value }` for `?get=`, aggregates for `?agg=`. */
export interface MetricQueryResult {
  readonly id: string;
  readonly value?: string;
  readonly min?: number;
  readonly max?: number;
  readonly sum?: number;
  readonly avg?: number;
}

const HISTOGRAM_FIELDS: ReadonlyArray<readonly [suffix: string, quantile: string | undefined]> = [
  ['_median', '0.5'],
  ['_p75', '0.75'],
  ['_p90', '0.9'],
  ['_p95', '0.95'],
  ['_p98', '0.98'],
  ['_p99', '0.99'],
  ['_p999', '0.999'],
];

interface JobMetrics {
  readonly metrics: Map<string, MetricValue>;
  /** By vertex id: metrics named `<subtask>.<name>` (as Flink's TaskMetricStore). */
  readonly tasks: Map<string, { readonly metrics: Map<string, MetricValue>; readonly subtasks: Map<number, Map<string, MetricValue>> }>;
}

/**
 * Metric values keyed the way the REST API asks for them, from the variables of each dump: JobManager metrics,
 * TaskManager metrics by `<tm_id>`, job metrics by `<job_id>`, and task metrics by job, vertex (`<task_id>`) and
 * `<subtask_index>`. Operator metrics are named `<operator_name>.<name>` and user groups add their names
 * (`<operator_name>.cache.hits`), as Flink does; histograms become `name_min`, `_max`, `_mean`, `_median`, `_stddev`,
 * `_p75` .. `_p999`.
 *
 * @example
 * store.update(dumpMetrics(mainRegistry)); // every few seconds
 * queryMetrics(store.getTaskMetrics(jobId, vertexId), ['0.numRecordsIn']);
 * aggregateMetrics(store.getSubtaskMetricsList(jobId, vertexId), ['numRecordsIn'], ['min', 'max', 'sum']);
 */
export class MetricStore {
  #jobManager = new Map<string, MetricValue>();
  #taskManagers = new Map<string, Map<string, MetricValue>>();
  #jobs = new Map<string, JobMetrics>();

  /** Replaces everything with these dumps (a complete snapshot). */
  update(dumps: readonly MetricDump[]): void {
    this.clear();
    this.add(dumps);
  }

  /** Adds (or overwrites) metrics from dumps. */
  add(dumps: readonly MetricDump[]): void {
    for (const dump of dumps) this.#add(dump);
  }

  clear(): void {
    this.#jobManager = new Map();
    this.#taskManagers = new Map();
    this.#jobs = new Map();
  }

  #add(dump: MetricDump): void {
    const vars = dump.variables;
    const user = dump.userScope.map(DEFAULT_FILTER);
    const base = [...user, dump.name].join('.');
    const component = dump.logicalScope[0];
    const jobId = vars[V.JOB_ID];
    if (component === 'jobmanager') {
      put(jobId === undefined ? this.#jobManager : this.#job(jobId).metrics, base, dump);
      return;
    }
    if (component !== 'taskmanager') return;
    const taskId = vars[V.TASK_ID];
    const subtask = vars[V.SUBTASK_INDEX];
    if (jobId !== undefined && taskId !== undefined && subtask !== undefined) {
      const operator = vars[V.OPERATOR_NAME];
      const name = operator === undefined ? base : `${DEFAULT_FILTER(operator)}.${base}`;
      const index = Number(subtask);
      const task = this.#task(jobId, taskId);
      let sub = task.subtasks.get(index);
      if (sub === undefined) task.subtasks.set(index, (sub = new Map()));
      put(sub, name, dump);
      put(task.metrics, `${index}.${name}`, dump);
      return;
    }
    if (jobId !== undefined) {
      put(this.#job(jobId).metrics, base, dump);
      return;
    }
    const tmId = vars[V.TM_ID];
    if (tmId === undefined) return;
    let tm = this.#taskManagers.get(tmId);
    if (tm === undefined) this.#taskManagers.set(tmId, (tm = new Map()));
    put(tm, base, dump);
  }

  #job(jobId: string): JobMetrics {
    let job = this.#jobs.get(jobId);
    if (job === undefined) this.#jobs.set(jobId, (job = { metrics: new Map(), tasks: new Map() }));
    return job;
  }

  #task(jobId: string, vertexId: string): JobMetrics['tasks'] extends Map<string, infer T> ? T : never {
    const job = this.#job(jobId);
    let task = job.tasks.get(vertexId);
    if (task === undefined) job.tasks.set(vertexId, (task = { metrics: new Map(), subtasks: new Map() }));
    return task;
  }

  getJobManagerMetrics(): ComponentMetrics {
    return this.#jobManager;
  }

  getTaskManagerIds(): string[] {
    return [...this.#taskManagers.keys()];
  }

  getTaskManagerMetrics(taskManagerId: string): ComponentMetrics | undefined {
    return this.#taskManagers.get(taskManagerId);
  }

  getJobIds(): string[] {
    return [...this.#jobs.keys()];
  }

  getJobMetrics(jobId: string): ComponentMetrics | undefined {
    return this.#jobs.get(jobId)?.metrics;
  }

  /** Metrics of a vertex, named `<subtask>.<name>` (Flink's `/jobs/:id/vertices/:vid/metrics`). */
  getTaskMetrics(jobId: string, vertexId: string): ComponentMetrics | undefined {
    return this.#jobs.get(jobId)?.tasks.get(vertexId)?.metrics;
  }

  getSubtaskMetrics(jobId: string, vertexId: string, subtaskIndex: number): ComponentMetrics | undefined {
    return this.#jobs.get(jobId)?.tasks.get(vertexId)?.subtasks.get(subtaskIndex);
  }

  /** Subtask indices of a vertex that have metrics. */
  getSubtaskIndices(jobId: string, vertexId: string): number[] {
    return [...(this.#jobs.get(jobId)?.tasks.get(vertexId)?.subtasks.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Metrics of the given subtasks (all when `subtasks` is undefined), for `subtasks/metrics?agg=`. */
  getSubtaskMetricsList(jobId: string, vertexId: string, subtasks?: readonly number[]): ComponentMetrics[] {
    const all = this.#jobs.get(jobId)?.tasks.get(vertexId)?.subtasks;
    if (all === undefined) return [];
    const indices = subtasks ?? [...all.keys()].sort((a, b) => a - b);
    return indices.flatMap((i) => {
      const m = all.get(i);
      return m === undefined ? [] : [m];
    });
  }
}

function put(target: Map<string, MetricValue>, name: string, dump: MetricDump): void {
  switch (dump.type) {
    case 'counter':
      target.set(name, dump.count ?? 0);
      return;
    case 'meter':
      target.set(name, dump.rate ?? 0);
      return;
    case 'gauge':
      if (dump.value !== undefined) target.set(name, dump.value);
      return;
    case 'histogram': {
      const h = dump.histogram;
      if (h === undefined) return;
      target.set(`${name}_min`, h.min);
      target.set(`${name}_max`, h.max);
      target.set(`${name}_mean`, h.mean);
      target.set(`${name}_stddev`, h.stddev);
      for (const [suffix, q] of HISTOGRAM_FIELDS) if (q !== undefined && h.quantiles[q] !== undefined) target.set(name + suffix, h.quantiles[q]);
      return;
    }
  }
}

/**
 * Flink's `GET .../metrics` semantics: without names, every metric as `{ id }`; with names, `{ id, value }` for those
 * that exist (values as strings, as Flink returns them).
 */
export function queryMetrics(metrics: ComponentMetrics | undefined, names?: readonly string[]): MetricQueryResult[] {
  if (metrics === undefined) return [];
  if (names === undefined || names.length === 0) return [...metrics.keys()].sort().map((id) => ({ id }));
  return names.flatMap((id) => {
    const value = metrics.get(id);
    return value === undefined ? [] : [{ id, value: String(value) }];
  });
}

/**
 * Flink's aggregated metrics (`subtasks/metrics?get=a,b&agg=min,max`): for each name found in any component, the
 * requested aggregates over the numeric values; without names, every name as `{ id }`.
 */
export function aggregateMetrics(
  components: readonly ComponentMetrics[],
  names?: readonly string[],
  aggregations: readonly MetricAggregation[] = ['min', 'max', 'sum', 'avg'],
): MetricQueryResult[] {
  if (names === undefined || names.length === 0) {
    const all = new Set<string>();
    for (const c of components) for (const k of c.keys()) all.add(k);
    return [...all].sort().map((id) => ({ id }));
  }
  const out: MetricQueryResult[] = [];
  for (const id of names) {
    const values: number[] = [];
    for (const c of components) {
      const v = c.get(id);
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isFinite(n)) values.push(n);
    }
    if (values.length === 0) continue;
    const sum = values.reduce((a, b) => a + b, 0);
    const result: { id: string; min?: number; max?: number; sum?: number; avg?: number } = { id };
    for (const agg of aggregations) {
      if (agg === 'min') result.min = Math.min(...values);
      else if (agg === 'max') result.max = Math.max(...values);
      else if (agg === 'sum') result.sum = sum;
      else if (agg === 'avg') result.avg = sum / values.length;
    }
    out.push(result);
  }
  return out;
}
