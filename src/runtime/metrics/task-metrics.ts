// Registers a task's system metrics (Flink's names) on its metric groups; values are read from the counts the
// task keeps on its hot path, so nothing is done per record here.

import type { Counter } from '../../metrics/counter.ts';
import { HdrHistogram } from '../../metrics/hdr-histogram.ts';
import type { Histogram } from '../../metrics/histogram.ts';
import type { MetricGroup } from '../../metrics/metric-group.ts';
import type { LatencyMarker } from '../../core/stream-element.ts';
import { MeterView } from '../../metrics/meter-view.ts';
import type { OperatorMetricGroup } from '../../metrics/operator-metric-group.ts';
import type { TaskMetricGroup } from '../../metrics/task-metric-group.ts';
import type { OperatorChain } from '../operator-chain.ts';
import type { Task } from '../task.ts';

/** A Counter whose count is read from elsewhere (the hot path's plain fields). */
function readCounter(read: () => number): Counter {
  return {
    inc() {},
    dec() {},
    getCount: read,
  };
}

/** Registers the task and operator metrics of a task whose chain has just been built. */
export function registerTaskMetrics(
  task: Task,
  chain: OperatorChain,
  taskGroup: TaskMetricGroup,
  operatorGroup: (operatorId: string, name: string) => OperatorMetricGroup,
  now: () => number,
  latency?: { readonly granularity: 'single' | 'operator' | 'subtask'; readonly wallClock: () => number },
): void {
  for (const [index, member] of chain.members.entries()) {
    const io = member.io;
    const group = operatorGroup(io.operatorId, io.operatorName);
    // Sources emit markers; every other operator records how long they took to reach it.
    if (latency !== undefined && !(index === 0 && chain.isSourceChain)) {
      io.onLatencyMarker = latencyRecorder(group, latency.granularity, latency.wallClock);
    }
    const recordsIn = group.counter('numRecordsIn', readCounter(() => io.recordsIn));
    const recordsOut = group.counter('numRecordsOut', readCounter(() => io.recordsOut));
    group.meter('numRecordsInPerSecond', new MeterView(recordsIn));
    group.meter('numRecordsOutPerSecond', new MeterView(recordsOut));
    group.gauge('currentInputWatermark', { getValue: () => io.inputWatermark });
    group.gauge('currentOutputWatermark', { getValue: () => io.outputWatermark });
  }

  const head = chain.members[0]!.io;
  const recordsIn = taskGroup.counter('numRecordsIn', readCounter(() => head.recordsIn));
  const recordsOut = taskGroup.counter('numRecordsOut', readCounter(() => chain.networkRecordsOut));
  taskGroup.meter('numRecordsInPerSecond', new MeterView(recordsIn));
  taskGroup.meter('numRecordsOutPerSecond', new MeterView(recordsOut));
  taskGroup.counter('numBytesOut', readCounter(() => chain.networkBytesOut));
  // Flink's checkpointAlignmentTime is in nanoseconds: the time the last barrier alignment held channels back.
  taskGroup.gauge('checkpointAlignmentTime', { getValue: () => Math.round(task.lastAlignmentMs * 1e6) });

  // The three time gauges share one sample per read cycle (a reporter reads them together).
  let last = { at: -Infinity, busy: 0, idle: 0, backPressured: 0 };
  const sample = (): typeof last => {
    const t = now();
    if (t - last.at >= 500) last = { at: t, ...task.time.sample(t) };
    return last;
  };
  taskGroup.gauge('busyTimeMsPerSecond', { getValue: () => sample().busy });
  taskGroup.gauge('idleTimeMsPerSecond', { getValue: () => sample().idle });
  taskGroup.gauge('backPressuredTimeMsPerSecond', { getValue: () => sample().backPressured });
  taskGroup.gauge('isBackPressured', { getValue: () => task.time.backPressured });
  taskGroup.gauge('buffers.outputQueueLength', { getValue: () => chain.queuedOutputBuffers });
}

/**
 * Records a marker's age in a histogram per source, as Flink's latency tracking does, at the chosen
 * granularity: one histogram per operator (single), per source operator (operator) or per source subtask.
 */
function latencyRecorder(
  group: MetricGroup,
  granularity: 'single' | 'operator' | 'subtask',
  wallClock: () => number,
): (marker: LatencyMarker) => void {
  const histograms = new Map<string, Histogram>();
  return (marker) => {
    const key = granularity === 'single' ? '' : granularity === 'operator' ? marker.operatorId : `${marker.operatorId}/${marker.subtaskIndex}`;
    let histogram = histograms.get(key);
    if (histogram === undefined) {
      let scope = group.addGroup('latency');
      if (granularity !== 'single') scope = scope.addGroup('source_id', marker.operatorId);
      if (granularity === 'subtask') scope = scope.addGroup('source_subtask_index', String(marker.subtaskIndex));
      histogram = scope.histogram('latency', new HdrHistogram());
      histograms.set(key, histogram);
    }
    histogram.update(Math.max(0, wallClock() - marker.markedTime));
  };
}
