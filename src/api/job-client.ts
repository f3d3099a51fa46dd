// JobClient and JobExecutionResult: what a client holds of a submitted job.

import type { JobStatus } from '../core/job-status.ts';

/** The outcome of a finished job. */
export class JobExecutionResult {
  constructor(
    private readonly jobId: string,
    private readonly netRuntimeMs: number,
  ) {}
  getJobID(): string {
    return this.jobId;
  }
  /** Milliseconds from submission to the end of the job. */
  getNetRuntime(): number {
    return this.netRuntimeMs;
  }
}

/** Flink's back-pressure levels: ok <= 0.10 < low <= 0.5 < high (share of time waiting for output). */
export type BackPressureLevel = 'ok' | 'low' | 'high';

/** Where one subtask's time goes, in ms per second, and how full its queues are. */
export interface SubtaskLoad {
  readonly subtask: number;
  readonly busyTimeMsPerSecond: number;
  readonly idleTimeMsPerSecond: number;
  readonly backPressuredTimeMsPerSecond: number;
  readonly backpressureLevel: BackPressureLevel;
  readonly inputQueueLength: number;
  readonly outputQueueLength: number;
}

/**
 * One vertex's load: its subtasks and their worst back-pressure level. The bottleneck is the busiest vertex
 * whose upstream is back-pressured.
 */
export interface VertexLoad {
  readonly vertexId: string;
  readonly name: string;
  readonly parallelism: number;
  readonly backpressureLevel: BackPressureLevel;
  readonly busyTimeMsPerSecond: number;
  readonly subtasks: SubtaskLoad[];
}

/** A handle on a running job (Flink's JobClient). */
export interface JobClient {
  getJobID(): string;
  getJobStatus(): Promise<JobStatus>;
  cancel(): Promise<void>;
  /** Per vertex (topological order), where the time goes and how back-pressured it is; empty once the job ended. */
  getVertexLoads(): Promise<VertexLoad[]>;
  /** Resolves when the job finishes; rejects with the job's failure. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
  /**
   * Takes a savepoint into `savepointDirectory` (default `state.savepoints.dir`); resolves with the path of its
   * `savepoint-<jobid6>-<hex>` directory once it is complete.
   */
  triggerSavepoint(savepointDirectory?: string): Promise<string>;
  /**
   * Stops the job with a savepoint (it ends FINISHED); resolves with the savepoint's path. With `drain`
   * (Flink's `--drain`, advanceToEndOfEventTime) sources end first and the maximum watermark fires every
   * event-time window and timer before the savepoint.
   */
  stopWithSavepoint(savepointDirectory?: string, drain?: boolean): Promise<string>;
}
