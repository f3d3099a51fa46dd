// `sluice run` without a cluster: the job module runs on an embedded mini cluster in this process.

import type { Pipeline, PipelineExecutor, SubmittedJob } from '../../api/executor.ts';
import type { Configuration } from '../../config/configuration.ts';
import { EmbeddedExecutor } from '../../runtime/embedded-executor.ts';
import { runJobModule } from '../../runtime/job-module.ts';

/** Reports submission and completion the way Flink's client does. */
class ReportingExecutor implements PipelineExecutor {
  constructor(
    private readonly inner: PipelineExecutor,
    private readonly report: (line: string) => void,
  ) {}
  async submit(pipeline: Pipeline): Promise<SubmittedJob> {
    const submitted = await this.inner.submit(pipeline);
    const jobId = submitted.client.getJobID();
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
  await runJobModule(run.job, {
    entry: run.entry,
    args: run.args,
    configuration: run.configuration,
    executor: new ReportingExecutor(new EmbeddedExecutor(), report),
  });
}
