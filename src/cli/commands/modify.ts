// `sluice modify <jobId> -p N`: rescale a running job (savepoint, cancel, resubmit at N from the savepoint).

import type { Command } from 'commander';
import { jobId as jobIdArgument, positiveInt } from '../cli-arguments.ts';
import { connect, inContext, withClientOptions, type CliIo, type ClientOptions } from '../cli-context.ts';
import { rescaleJob } from '../job-operations.ts';

interface ModifyFlags extends ClientOptions {
  parallelism: number;
}

export function registerModify(program: Command, io: CliIo): void {
  const command = program
    .command('modify')
    .description('rescale a running job: savepoint, cancel, and run it again at the new parallelism from the savepoint')
    .argument('<jobId>', 'the job to rescale', jobIdArgument)
    .requiredOption('-p, --parallelism <n>', 'the new parallelism', positiveInt);
  withClientOptions(command).action(async (jobId: string, flags: ModifyFlags) => {
    const { rest, timeoutMs } = await connect(flags);
    io.out(`Modify job ${jobId}.`);
    const newJobId = await inContext(`could not rescale job ${jobId}`, () => rescaleJob(rest, jobId, flags.parallelism, timeoutMs));
    io.out(`Rescaled job ${jobId}. Its new parallelism is ${flags.parallelism}.`);
    if (newJobId !== undefined && newJobId !== jobId) io.out(`The job runs on with JobID ${newJobId}.`);
  });
}
