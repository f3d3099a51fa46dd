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

/** A handle on a running job (Flink's JobClient). */
export interface JobClient {
  getJobID(): string;
  getJobStatus(): Promise<JobStatus>;
  cancel(): Promise<void>;
  /** Resolves when the job finishes; rejects with the job's failure. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
}
