// `sluice stop [-p [targetDirectory]] [-d|--drain] <jobId>`: stop a job with a savepoint (drain: windows fire first).

import type { Command } from 'commander';
import { isJobId } from '../cli-arguments.ts';
import { clusterPath, connect, inContext, usageError, withClientOptions, type CliIo, type ClientOptions } from '../cli-context.ts';
import { stopWithSavepoint } from '../job-operations.ts';

interface StopFlags extends ClientOptions {
  savepointPath?: string | true;
  drain?: boolean;
}

export function registerStop(program: Command, io: CliIo): void {
  const command = program
    .command('stop')
    .description('stop a job with a savepoint (sources end, the savepoint is the last snapshot)')
    .argument('[jobId]', 'the job to stop')
    .option('-p, --savepointPath [targetDirectory]', 'where the savepoint goes (default: state.savepoints.dir)')
    .option('-d, --drain', 'emit the maximum watermark first, so every event-time window and timer fires');
  withClientOptions(command).action(async (job: string | undefined, flags: StopFlags) => {
    // As Flink: with `-p <jobId>` and no other argument, the option's value is the job id.
    let target = typeof flags.savepointPath === 'string' ? flags.savepointPath : undefined;
    if (job === undefined && target !== undefined) [job, target] = [target, undefined];
    if (job === undefined) usageError(command, 'missing JobID: specify the job to stop');
    if (!isJobId(job)) usageError(command, `expected a job id of 32 hex characters, got '${job}'`);
    const jobId = job.toLowerCase();
    const drain = flags.drain === true;
    const { rest, timeoutMs } = await connect(flags);
    io.out(`${drain ? 'Draining' : 'Suspending'} job "${jobId}" with a savepoint.`);
    const directory = target === undefined ? undefined : clusterPath(target);
    const location = await inContext(`could not stop with a savepoint job "${jobId}"`, () =>
      stopWithSavepoint(rest, jobId, directory, drain, timeoutMs),
    );
    io.out(`Savepoint completed. Path: ${location}`);
  });
}
