// Where each vertex's time goes, from the task metrics: the one query that names a job's bottleneck.

import type { BackPressureLevel, SubtaskLoad, VertexLoad } from '../../api/job-client.ts';
import type { JobGraph } from '../../graph/job-graph.ts';
import { dumpMetrics } from '../../metrics/metric-dumper.ts';
import type { MetricRegistry } from '../../metrics/metric-registry.ts';
import { MetricStore } from '../../metrics/metric-store.ts';

/** Flink's thresholds on the share of time a subtask waited for output credit. */
export function backpressureLevel(backPressuredTimeMsPerSecond: number): BackPressureLevel {
  const ratio = backPressuredTimeMsPerSecond / 1000;
  return ratio <= 0.1 ? 'ok' : ratio <= 0.5 ? 'low' : 'high';
}

const LEVELS: readonly BackPressureLevel[] = ['ok', 'low', 'high'];

export function vertexLoads(graph: JobGraph, registry: MetricRegistry): VertexLoad[] {
  const store = new MetricStore();
  store.update(dumpMetrics(registry));
  return graph.vertices.map((vertex) => {
    const subtasks: SubtaskLoad[] = [];
    for (let i = 0; i < vertex.parallelism; i++) {
      const m = store.getSubtaskMetrics(graph.jobId, vertex.id, i);
      const num = (name: string): number => Number(m?.get(name) ?? 0);
      const backPressured = num('backPressuredTimeMsPerSecond');
      subtasks.push({
        subtask: i,
        busyTimeMsPerSecond: num('busyTimeMsPerSecond'),
        idleTimeMsPerSecond: num('idleTimeMsPerSecond'),
        backPressuredTimeMsPerSecond: backPressured,
        backpressureLevel: backpressureLevel(backPressured),
        inputQueueLength: num('buffers.inputQueueLength'),
        outputQueueLength: num('buffers.outputQueueLength'),
      });
    }
    const worst = subtasks.reduce((w, s) => Math.max(w, LEVELS.indexOf(s.backpressureLevel)), 0);
    return {
      vertexId: vertex.id,
      name: vertex.name,
      parallelism: vertex.parallelism,
      backpressureLevel: LEVELS[worst]!,
      busyTimeMsPerSecond: Math.max(0, ...subtasks.map((s) => s.busyTimeMsPerSecond)),
      subtasks,
    };
  });
}
