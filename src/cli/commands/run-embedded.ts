// `sluice run` without a cluster: the job module runs on an embedded mini cluster in this process.

import type { Pipeline, PipelineExecutor, SubmittedJob } from '../../api/executor.ts';
import type { JobClient } from '../../api/job-client.ts';
import { SluiceError } from '../../core/errors.ts';
import type { Configuration } from '../../config/configuration.ts';
import { EmbeddedExecutor } from '../../runtime/embedded-executor.ts';
import { runJobModule } from '../../runtime/job-module.ts';

/** Reports submission and completion the way Flink's client does, and keeps the jobs to cancel on a signal. */
class ReportingExecutor implements PipelineExecutor {
  readonly #running = new Set<JobClient>();

  constructor(
    private readonly inner: PipelineExecutor,
    private readonly report: (line: string) => void,
  ) {}

  /** Jobs submitted and not yet ended. */
  get running(): readonly JobClient[] {
    return [...this.#running];
  }

  async submit(pipeline: Pipeline): Promise<SubmittedJob> {
    const submitted = await this.inner.submit(pipeline);
    const client = submitted.client;
    this.#running.add(client);
    void client.getJobExecutionResult().then(
      () => this.#running.delete(client),
      () => this.#running.delete(client),
    );
    const jobId = client.getJobID();
    this.report(`Job has been submitted with JobID ${jobId}`);
    submitted.client.getJobExecutionResult().then(
      (result) => this.report(`Job with JobID ${jobId} has finished.\nJob Runtime: ${result.getNetRuntime()} ms`),
      () => {},
    );
    return submitted;
  }
}

export interface EmbeddedRun {
  readonly job: string;
  readonly entry: string;
  readonly args: readonly string[];
  readonly configuration: Configuration;
}

/**
 * Runs the job module here. Status lines go to `report` (stderr: the job's print sinks own stdout); resolves when
 * the job function returns, rejects with its failure.
 */
export async function runEmbedded(run: EmbeddedRun, report: (line: string) => void): Promise<void> {
  const executor = new ReportingExecutor(new EmbeddedExecutor(), report);
  // SIGINT/SIGTERM (Ctrl-C, `docker stop`, a Kubernetes pod ending) cancel the running jobs, so their tasks close
  // their files and state cleanly, and the command then exits 128 + the signal number; a second signal exits at once.
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) process.exit(128 + SIGNAL_NUMBERS[signal]);
    received = signal;
    const jobs = executor.running;
    report(`Received ${signal}: cancelling ${jobs.length === 1 ? 'the running job' : `${jobs.length} running jobs`} (again to exit at once)`);
    for (const job of jobs) job.cancel().catch(() => {});
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runJobModule(run.job, { entry: run.entry, args: run.args, configuration: run.configuration, executor });
  } catch (error) {
    if (received !== undefined) throw new InterruptedError(received, error);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (received !== undefined) throw new InterruptedError(received, undefined);
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };

/** The run ended because of a signal: its exit code is 128 + the signal number, as a shell reports it. */
export class InterruptedError extends SluiceError {
  readonly exitCode: number;
  constructor(signal: NodeJS.Signals, cause: unknown) {
    super('JOB_CANCELLED', `interrupted by ${signal}: the job was cancelled`, cause === undefined ? undefined : { cause });
    this.exitCode = 128 + (SIGNAL_NUMBERS[signal] ?? 0);
  }
}
