// A TaskManager's metrics: its group (with Node's counterparts of Flink's JVM status metrics) and its tasks' groups.

import { hostname } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricRegistry } from '../../metrics/metric-registry.ts';
import { TaskManagerMetricGroup } from '../../metrics/task-manager-metric-group.ts';
import type { TaskMetricGroup } from '../../metrics/task-metric-group.ts';
import type { TaskSpec } from '../protocol.ts';

export class TaskManagerMetrics {
  readonly group: TaskManagerMetricGroup;
  readonly #delay: IntervalHistogram;
  #elu: EventLoopUtilization;

  /** Heap, event-loop utilisation and delay are those of the calling thread: create it in the TaskManager's thread. */
  constructor(
    readonly registry: MetricRegistry,
    readonly taskManagerId: string,
  ) {
    this.group = new TaskManagerMetricGroup(registry, hostname(), taskManagerId);
    const status = this.group.addGroup('Status').addGroup('Node');
    const heap = status.addGroup('Memory').addGroup('Heap');
    heap.gauge('Used', { getValue: () => getHeapStatistics().used_heap_size });
    heap.gauge('Committed', { getValue: () => getHeapStatistics().total_heap_size });
    heap.gauge('Max', { getValue: () => getHeapStatistics().heap_size_limit });
    this.#elu = performance.eventLoopUtilization();
    const loop = status.addGroup('EventLoop');
    loop.gauge('Utilization', {
      getValue: () => {
        const now = performance.eventLoopUtilization();
        const delta = performance.eventLoopUtilization(now, this.#elu);
        this.#elu = now;
        return Math.round(delta.utilization * 1000) / 1000;
      },
    });
    this.#delay = monitorEventLoopDelay({ resolution: 10 });
    this.#delay.enable();
    loop.gauge('DelayMeanMs', { getValue: () => (this.#delay.count > 0 ? this.#delay.mean / 1e6 : 0) });
    loop.gauge('DelayP99Ms', { getValue: () => (this.#delay.count > 0 ? this.#delay.percentile(99) / 1e6 : 0) });
    loop.gauge('DelayMaxMs', { getValue: () => (this.#delay.count > 0 ? this.#delay.max / 1e6 : 0) });
  }

  taskGroup(spec: TaskSpec): TaskMetricGroup {
    return this.group.addJob(spec.jobId, spec.jobName).addTask({
      vertexId: spec.vertexId,
      attemptId: attemptId(spec),
      taskName: spec.vertexName,
      subtaskIndex: spec.subtaskIndex,
      attemptNumber: spec.attemptNumber,
    });
  }

  close(): void {
    this.#delay.disable();
    this.group.close();
  }
}

/** Flink's execution attempt id stands in for a subtask's attempt: vertex, subtask and attempt number. */
export function attemptId(spec: TaskSpec): string {
  return `${spec.vertexId}_${spec.subtaskIndex}_${spec.attemptNumber}`;
}
