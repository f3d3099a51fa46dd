// startTaskManager: a TaskManager process (`sluice taskmanager`) — registers with the JobManager and runs the
// subtasks it deploys on a worker thread of its own.

import { randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterOptions, readHeartbeatSettings, readRegistrationBackoff } from '../config/cluster-options.ts';
import type { Configuration } from '../config/configuration.ts';
import { TaskManagerOptions } from '../config/options.ts';
import type { Logger } from '../core/logger.ts';
import { createConsoleLogger } from '../runtime/console-logger.ts';
import { TaskExecutor, type TaskExecutorExit } from '../runtime/remote/task-executor.ts';

export interface StartTaskManagerOptions {
  readonly configuration: Configuration;
  readonly logger?: Logger;
  /** Where the registration line goes (`TaskManager <id> registered at <jobmanager> with N slots`). */
  readonly out?: (line: string) => void;
  /** The resource id, when the caller already chose one (default: `resourceIdOf(configuration)`). */
  readonly resourceId?: string;
}

/** A TaskManager process that runs: its id, its data port, how to stop it, and when it has stopped. */
export interface RunningTaskManager {
  readonly resourceId: string;
  readonly dataPort: number;
  /** Cancels its tasks, leaves the JobManager and stops; idempotent. */
  stop(): Promise<void>;
  /** Resolves once it stopped: by `stop()`, a shutdown from the JobManager (`DELETE /cluster`), or a refusal. */
  readonly terminated: Promise<TaskExecutorExit>;
}

/** The line printed on every registration. */
export const REGISTERED = /^TaskManager (\S+) registered at (\S+) with (\d+) slots?$/;

/** `taskmanager.resource-id`, or `<hostname>-<random hex>` when it is not set. */
export function resourceIdOf(configuration: Configuration): string {
  const configured = configuration.get(ClusterOptions.RESOURCE_ID).trim();
  return configured !== '' ? configured : `${hostname()}-${randomBytes(3).toString('hex')}`;
}

/** Checks the keys a TaskManager process reads whose values depend on each other (throws a ConfigurationError). */
export function checkTaskManagerConfiguration(configuration: Configuration): void {
  readHeartbeatSettings(configuration);
  readRegistrationBackoff(configuration);
}

/** A resource id as a file name part. */
export function fileNameOf(resourceId: string): string {
  return resourceId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Starts a TaskManager in this process: binds `taskmanager.bind-host:taskmanager.data.port` for data channels
 * from other processes, then connects to `jobmanager.rpc.address:jobmanager.rpc.port` and registers with
 * `taskmanager.numberOfTaskSlots` slots, retrying with backoff (`cluster.registration.*`) while the JobManager
 * is unreachable. Job bundles shipped to it are kept under `<os tmp>/sluice-tm-<id>/`.
 *
 * @example
 * const tm = await startTaskManager({ configuration: new Configuration({ 'jobmanager.rpc.address': 'jobmanager' }) });
 * await tm.terminated; // until the cluster shuts down or tm.stop()
 */
export async function startTaskManager(options: StartTaskManagerOptions): Promise<RunningTaskManager> {
  const conf = options.configuration;
  const logger = options.logger ?? createConsoleLogger(process.env['SLUICE_LOG_LEVEL']);
  const resourceId = options.resourceId ?? resourceIdOf(conf);
  const slots = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
  const host = conf.get(ClusterOptions.TASK_MANAGER_HOST).trim();
  const executor = await TaskExecutor.start({
    jobManager: { host: conf.get(ClusterOptions.RPC_ADDRESS), port: conf.get(ClusterOptions.RPC_PORT) },
    resourceId,
    slots,
    host: host === '' ? undefined : host,
    bindHost: conf.get(ClusterOptions.TASK_MANAGER_BIND_HOST),
    dataPort: conf.get(ClusterOptions.DATA_PORT),
    backoff: readRegistrationBackoff(conf),
    heartbeatTimeoutMs: readHeartbeatSettings(conf).timeoutMs,
    workDirectory: join(tmpdir(), `sluice-tm-${fileNameOf(resourceId)}`),
    logger,
    onRegistered: (r) => options.out?.(`TaskManager ${r.taskManagerId} registered at ${r.jobManager} with ${r.slots} slot${r.slots === 1 ? '' : 's'}`),
  });
  logger.info('TaskManager started', { resourceId, slots, dataPort: executor.dataPort });
  return {
    resourceId,
    dataPort: executor.dataPort,
    stop: () => executor.stop(),
    terminated: executor.terminated,
  };
}
