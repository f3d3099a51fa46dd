// `sluice jobmanager` runs a JobManager (with its TaskManagers as worker threads) in the foreground;
// `sluice taskmanager` says why there is no separate TaskManager process.

import type { Command } from 'commander';
import { SluiceError } from '../../core/errors.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { withConfigOptions, type CliIo } from '../cli-context.ts';

/** The line `jobmanager` prints once its REST endpoint listens; `cluster start` waits for it. */
export const REST_LISTENING = 'Rest endpoint listening at ';

export function registerJobManager(program: Command, io: CliIo): void {
  const command = program
    .command('jobmanager')
    .description(
      'run a JobManager in the foreground: dispatcher, REST API and web UI on rest.address:rest.port, with ' +
        'cluster.taskmanagers TaskManagers of taskmanager.numberOfTaskSlots slots as worker threads',
    );
  withConfigOptions(command).action(async (flags: { D: string[] }) => {
    const configuration = await loadCliConfiguration(flags.D);
    // Loaded only here: client commands do not pay for the cluster's code.
    const [{ startJobManager }, { LoggerFactory }] = await Promise.all([
      import('../../cluster/job-manager-process.ts'),
      import('../../logging/logger-factory.ts'),
    ]);
    // JSON log file <env.log.dir>/jobmanager.log, levels from logging.*; worker threads inherit it.
    LoggerFactory.configure(configuration, { role: 'jobmanager' });
    const jobManager = await startJobManager({ configuration });
    io.out(`${REST_LISTENING}${jobManager.restUrl}`);
    let stopping: Promise<void> | undefined;
    const stop = (): void => {
      stopping ??= jobManager.shutdown();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await jobManager.terminated;
      await stopping;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    io.out('JobManager stopped.');
  });
}

export function registerTaskManager(program: Command): void {
  const command = program
    .command('taskmanager')
    .description('(not available: TaskManagers run as worker threads inside the JobManager process)');
  withConfigOptions(command).action(() => {
    throw new SluiceError(
      'ILLEGAL_STATE',
      'separate TaskManager processes are not supported yet: the JobManager runs its TaskManagers as worker ' +
        "threads. Start it with 'sluice jobmanager' or 'sluice cluster start', and size it with " +
        'cluster.taskmanagers and taskmanager.numberOfTaskSlots',
    );
  });
}
