// `sluice savepoint <jobId> [targetDirectory]` triggers a savepoint; `sluice savepoint -d <path>` disposes of one.

import type { Command } from 'commander';
import { isJobId } from '../cli-arguments.ts';
import { clusterPath, connect, inContext, usageError, withClientOptions, type CliIo, type ClientOptions } from '../cli-context.ts';
import { disposeSavepoint, takeSavepoint } from '../job-operations.ts';

interface SavepointFlags extends ClientOptions {
  dispose?: string;
}

export function registerSavepoint(program: Command, io: CliIo): void {
  const command = program
    .command('savepoint')
    .description('trigger a savepoint of a running job, or dispose of one with -d')
    .argument('[jobId]', 'the job to take a savepoint of')
    .argument('[targetDirectory]', 'where the savepoint goes (default: state.savepoints.dir of the cluster)')
    .option('-d, --dispose <savepointPath>', 'dispose of the savepoint at this path');
  withClientOptions(command).action(async (job: string | undefined, target: string | undefined, flags: SavepointFlags) => {
    if (flags.dispose !== undefined) {
      if (job !== undefined) usageError(command, `savepoint -d takes only the savepoint path, not also '${job}'`);
      const path = clusterPath(flags.dispose);
      const { rest, timeoutMs } = await connect(flags);
      io.out(`Disposing savepoint '${path}'.`);
      io.out('Waiting for response...');
      await inContext(`failed to dispose the savepoint '${path}'`, () => disposeSavepoint(rest, path, timeoutMs));
      io.out(`Savepoint '${path}' disposed.`);
      return;
    }
    if (job === undefined) usageError(command, 'missing JobID: specify the job to take a savepoint of');
    if (!isJobId(job)) usageError(command, `expected a job id of 32 hex characters, got '${job}'`);
    const jobId = job.toLowerCase();
    const { rest, timeoutMs } = await connect(flags);
    io.out(`Triggering savepoint for job ${jobId}.`);
    io.out('Waiting for response...');
    const directory = target === undefined ? undefined : clusterPath(target);
    const location = await inContext(`failed to trigger a savepoint for the job ${jobId}`, () =>
      takeSavepoint(rest, jobId, directory, false, timeoutMs),
    );
    io.out(`Savepoint completed. Path: ${location}`);
    io.out('You can resume your program from this savepoint with the run command.');
  });
}
