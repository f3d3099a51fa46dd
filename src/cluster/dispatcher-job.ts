// What the Dispatcher keeps of one job: its JobMaster, where it came from, its savepoints and last I/O counts.

import type { Pipeline } from '../api/executor.ts';
import type { CompletedCheckpoint } from '../checkpoint/checkpoint-coordinator.ts';
import type { ConfigValue } from '../config/configuration.ts';
import type { JobStatus } from '../core/job-status.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import type { JobMaster } from '../runtime/job-master.ts';

/** The bundle, entry, arguments and request overrides a job was started with (rescaling starts it again). */
export interface JobOrigin {
  readonly bundleId: string;
  readonly moduleUrl: string;
  readonly entry: string;
  readonly args: readonly string[];
  /** Overrides of the cluster configuration from the run request (`parallelism.default`, ...). */
  readonly overrides: Readonly<Record<string, ConfigValue>>;
}

/** Records in and out of one subtask, as last seen in the metrics (Flink's IOMetricsInfo counts). */
export interface SubtaskIo {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly bytesOut: number;
}

/** One vertex's I/O summed over its subtasks. */
export interface VertexIo {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly bytesOut: number;
}

/**
 * One job of the session cluster, running or archived. The I/O counts are sampled from the metrics while the
 * job runs and when each of its tasks ends, so a finished job still shows what it processed.
 */
export class DispatcherJob {
  readonly jobId: string;
  readonly name: string;
  /** Savepoints taken through the Dispatcher (trigger, cancel/stop, rescale), oldest first. */
  readonly savepoints: CompletedCheckpoint[] = [];
  /** When the job reached a terminal state (ms), once it has. */
  endTime: number | undefined;
  /** The job that continues this one after a rescale. */
  rescaledTo: string | undefined;
  readonly #io = new Map<string, Map<number, SubtaskIo>>();

  constructor(
    readonly master: JobMaster,
    readonly pipeline: Pipeline,
    readonly origin: JobOrigin | undefined,
  ) {
    this.jobId = master.jobId;
    this.name = master.jobName;
  }

  get status(): JobStatus {
    return this.master.status;
  }

  /** The savepoint or checkpoint the job started from (`execution.savepoint.path`), if any. */
  get restoredFrom(): string | undefined {
    const path = this.pipeline.configuration.getRaw('execution.savepoint.path');
    return typeof path === 'string' && path !== '' ? path : undefined;
  }

  /** Takes the current task counters of this job from `store` (subtasks without metrics keep their last values). */
  sampleIo(store: MetricStore): void {
    for (const vertex of this.pipeline.jobGraph.vertices) {
      let subtasks = this.#io.get(vertex.id);
      if (subtasks === undefined) this.#io.set(vertex.id, (subtasks = new Map()));
      for (const index of store.getSubtaskIndices(this.jobId, vertex.id)) {
        const m = store.getSubtaskMetrics(this.jobId, vertex.id, index);
        if (m === undefined) continue;
        const num = (name: string): number => {
          const v = Number(m.get(name) ?? 0);
          return Number.isFinite(v) ? v : 0;
        };
        subtasks.set(index, { recordsIn: num('numRecordsIn'), recordsOut: num('numRecordsOut'), bytesOut: num('numBytesOut') });
      }
    }
  }

  /** I/O of a vertex summed over its subtasks (zeros before any sample). */
  vertexIo(vertexId: string): VertexIo {
    let recordsIn = 0;
    let recordsOut = 0;
    let bytesOut = 0;
    for (const s of this.#io.get(vertexId)?.values() ?? []) {
      recordsIn += s.recordsIn;
      recordsOut += s.recordsOut;
      bytesOut += s.bytesOut;
    }
    return { recordsIn, recordsOut, bytesOut };
  }

  /** I/O of one subtask, if sampled. */
  subtaskIo(vertexId: string, subtask: number): SubtaskIo | undefined {
    return this.#io.get(vertexId)?.get(subtask);
  }
}
