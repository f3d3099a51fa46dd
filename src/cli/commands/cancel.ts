// `sluice cancel [-s [targetDirectory]] <jobId>`: cancel a job, with a savepoint first when -s is given.

import type { Command } from 'commander';
import { isJobId } from '../cli-arguments.ts';
import { clusterPath, connect, inContext, usageError, withClientOptions, type CliIo, type ClientOptions } from '../cli-context.ts';
import { cancelJob, takeSavepoint } from '../job-operations.ts';

interface CancelFlags extends ClientOptions {
  withSavepoint?: string | true;
}

export function registerCancel(program: Command, io: CliIo): void {
  const command = program
    .command('cancel')
    .description('cancel a running job (with -s: take a savepoint, then cancel)')
    .argument('[jobId]', 'the job to cancel')
    .option('-s, --withSavepoint [targetDirectory]', 'take a savepoint first (default directory: state.savepoints.dir)');
  withClientOptions(command).action(async (job: string | undefined, flags: CancelFlags) => {
    // As Flink: with `-s <jobId>` and no other argument, the option's value is the job id.
    let target = typeof flags.withSavepoint === 'string' ? flags.withSavepoint : undefined;
    if (job === undefined && target !== undefined) [job, target] = [target, undefined];
    if (job === undefined) usageError(command, 'missing JobID: specify the job to cancel');
    if (!isJobId(job)) usageError(command, `expected a job id of 32 hex characters, got '${job}'`);
    const jobId = job.toLowerCase();
    const { rest, timeoutMs } = await connect(flags);
    if (flags.withSavepoint === undefined) {
      io.out(`Cancelling job ${jobId}.`);
      await inContext(`could not cancel job ${jobId}`, () => cancelJob(rest, jobId, timeoutMs));
      io.out(`Cancelled job ${jobId}.`);
      return;
    }
    const directory = target === undefined ? undefined : clusterPath(target);
    io.out(`Cancelling job ${jobId} with savepoint to ${directory ?? 'default savepoint directory'}.`);
    const location = await inContext(`could not cancel job ${jobId}`, () => takeSavepoint(rest, jobId, directory, true, timeoutMs));
    io.out(`Cancelled job ${jobId}. Savepoint stored in ${location}.`);
  });
}
