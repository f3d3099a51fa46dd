// `sluice info`: the execution plan (JSON) of a job module, built here without running the job.

import type { Command } from 'commander';
import { CoreOptions } from '../../config/options.ts';
import { positiveInt } from '../cli-arguments.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { withConfigOptions, type CliIo } from '../cli-context.ts';

interface InfoFlags {
  entry: string;
  parallelism?: number;
  D: string[];
}

export function registerInfo(program: Command, io: CliIo): void {
  const command = program
    .command('info')
    .description("print a job's execution plan (JSON) without running it")
    .argument('<job>', 'job module')
    .argument('[args...]', 'arguments passed to the job function')
    .option('-c, --entry <name>', "the job module's export", 'default')
    .option('-p, --parallelism <n>', 'default parallelism of the job', positiveInt)
    .passThroughOptions();
  withConfigOptions(command).action(async (job: string, args: string[], flags: InfoFlags) => {
    const configuration = await loadCliConfiguration(flags.D);
    if (flags.parallelism !== undefined) configuration.set(CoreOptions.DEFAULT_PARALLELISM, flags.parallelism);
    const [{ executionPlan }, { replayJobModule, toModuleUrl }] = await Promise.all([
      import('../../graph/execution-plan.ts'),
      import('../../runtime/job-module.ts'),
    ]);
    const graph = await replayJobModule({ url: toModuleUrl(job), entry: flags.entry, args }, configuration.toMap());
    io.out(JSON.stringify(executionPlan(graph), null, 2));
  });
}
