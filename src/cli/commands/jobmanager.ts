// `sluice jobmanager` runs a JobManager (with its TaskManagers as worker threads) in the foreground;
// `sluice taskmanager` runs a TaskManager process that registers with it.

import type { Command } from 'commander';
import { SluiceError } from '../../core/errors.ts';
import { join } from 'node:path';
import { loadCliConfiguration, logDirectory } from '../cli-configuration.ts';
import { withConfigOptions, type CliIo } from '../cli-context.ts';

/** The line `jobmanager` prints once its REST endpoint listens; `cluster start` waits for it. */
export const REST_LISTENING = 'Rest endpoint listening at ';

export function registerJobManager(program: Command, io: CliIo): void {
  const command = program
    .command('jobmanager')
    .description(
      'run a JobManager in the foreground: dispatcher, REST API and web UI on rest.address:rest.port, with ' +
        'cluster.taskmanagers TaskManagers of taskmanager.numberOfTaskSlots slots as worker threads, and ' +
        'jobmanager.rpc.port for TaskManager processes (sluice taskmanager) to register on',
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

export function registerTaskManager(program: Command, io: CliIo): void {
  const command = program
    .command('taskmanager')
    .description(
      'run a TaskManager process in the foreground: registers with the JobManager at ' +
        'jobmanager.rpc.address:jobmanager.rpc.port with taskmanager.numberOfTaskSlots slots and runs the tasks it ' +
        'deploys; exits on SIGTERM/SIGINT or when the cluster shuts down',
    );
  withConfigOptions(command).action(async (flags: { D: string[] }) => {
    const configuration = await loadCliConfiguration(flags.D);
    const [{ checkTaskManagerConfiguration, resourceIdOf, fileNameOf, startTaskManager }, { LoggerFactory }] = await Promise.all([
      import('../../cluster/task-manager-process.ts'),
      import('../../logging/logger-factory.ts'),
    ]);
    checkTaskManagerConfiguration(configuration);
    const resourceId = resourceIdOf(configuration);
    // JSON log file <env.log.dir>/taskmanager-<id>.log (several TaskManagers may share a host and a directory).
    LoggerFactory.configure(configuration, {
      role: 'taskmanager',
      file: join(logDirectory(configuration), `taskmanager-${fileNameOf(resourceId)}.log`),
    });
    const taskManager = await startTaskManager({ configuration, resourceId, out: (line) => io.out(line) });
    const stop = (): void => void taskManager.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const exit = await taskManager.terminated.finally(() => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    });
    if (exit.reason === 'refused') throw new SluiceError('ILLEGAL_STATE', exit.message);
    io.out(exit.reason === 'shutdown' ? 'TaskManager stopped: the cluster shut down.' : 'TaskManager stopped.');
  });
}
