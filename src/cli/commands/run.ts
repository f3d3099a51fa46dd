// `sluice run`: on the cluster at -m / rest.address:rest.port when one answers, else on an embedded mini cluster.

import type { Command } from 'commander';
import { CheckpointingOptions } from '../../config/checkpointing-options.ts';
import { CoreOptions } from '../../config/options.ts';
import { positiveInt } from '../cli-arguments.ts';
import { parseDefines, restEndpoint } from '../cli-configuration.ts';
import { clusterPath, connect, usageError, withClientOptions, type CliIo, type ClientOptions } from '../cli-context.ts';
import { ClusterUnreachableError } from '../rest-client.ts';
import { clusterAnswers, runRemote } from './run-remote.ts';

interface RunFlags extends ClientOptions {
  detached?: boolean;
  parallelism?: number;
  entry: string;
  fromSavepoint?: string;
  allowNonRestoredState?: boolean;
}

/** Option names that, after the job file, go to the job rather than to sluice (a likely mistake, warned about). */
const SLUICE_OPTION = /^(-[dpcsnmDv]|--(detached|parallelism|entry|fromSavepoint|allowNonRestoredState|jobmanager|verbose))(=|$)/;

export function registerRun(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description(
      'run a job module (TypeScript or JavaScript): on the cluster named by -m or rest.address/rest.port if one ' +
        'answers, else on an embedded mini cluster in this process',
    )
    .argument('<job>', 'job module: exports (env, args) => ... as default, or by name with -c')
    .argument('[args...]', 'arguments passed to the job function')
    .option('-d, --detached', 'submit to the cluster and return without waiting for the job to end')
    .option('-p, --parallelism <n>', 'default parallelism of the job', positiveInt)
    .option('-c, --entry <name>', "the job module's export to run (Flink's entry class)", 'default')
    .option('-s, --fromSavepoint <savepointPath>', 'start the job from this savepoint (or retained checkpoint)')
    .option('-n, --allowNonRestoredState', 'skip savepoint state that maps to no operator of the job (with -s)')
    .passThroughOptions();
  withClientOptions(command).action(async (job: string, args: string[], flags: RunFlags) => {
    if (flags.allowNonRestoredState && flags.fromSavepoint === undefined) {
      usageError(command, '-n/--allowNonRestoredState applies only together with -s/--fromSavepoint <savepointPath>');
    }
    const misplaced = args.filter((a) => SLUICE_OPTION.test(a));
    if (misplaced.length > 0) {
      io.err(`warning: ${misplaced.join(', ')} after the job file is passed to the job; put sluice options before it`);
    }
    const { configuration, rest } = await connect(flags);
    const savepointPath = flags.fromSavepoint === undefined ? undefined : clusterPath(flags.fromSavepoint);

    const onCluster = flags.jobmanager !== undefined || (await clusterAnswers(rest));
    if (onCluster) {
      await runRemote(
        rest,
        {
          job,
          entry: flags.entry,
          args,
          parallelism: flags.parallelism,
          savepointPath,
          allowNonRestoredState: flags.allowNonRestoredState === true,
          detached: flags.detached === true,
          flinkConfiguration: parseDefines(flags.D),
        },
        io,
      );
      return;
    }
    if (flags.detached) {
      throw new ClusterUnreachableError(
        restEndpoint(configuration, undefined).url,
        'run -d needs a running cluster; without one the job would run in this process and end with it',
      );
    }
    if (flags.parallelism !== undefined) configuration.set(CoreOptions.DEFAULT_PARALLELISM, flags.parallelism);
    if (savepointPath !== undefined) {
      configuration.set(CheckpointingOptions.SAVEPOINT_PATH, savepointPath);
      configuration.set(CheckpointingOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, flags.allowNonRestoredState === true);
    }
    // Loaded only here: commands that talk to a cluster do not pay for the runtime.
    const [{ LoggerFactory }, { runEmbedded }] = await Promise.all([
      import('../../logging/logger-factory.ts'),
      import('./run-embedded.ts'),
    ]);
    LoggerFactory.configure(configuration, { role: 'embedded' });
    await runEmbedded({ job, entry: flags.entry, args, configuration }, io.err);
  });
}
