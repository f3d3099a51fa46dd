// startJobManager: the session cluster's JobManager in this process — TaskManager threads, the port TaskManager
// processes register on, Dispatcher, REST + UI.

import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Configuration } from '../config/configuration.ts';
import { RestOptions } from '../config/rest-options.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { createRestServer } from '../rest/rest-server.ts';
import { createConsoleLogger } from '../runtime/console-logger.ts';
import { Dispatcher } from './dispatcher.ts';
import { JobBundles } from './job-bundles.ts';
import { SessionCluster } from './session-cluster.ts';

export interface StartJobManagerOptions {
  readonly configuration: Configuration;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Shut down cleanly on SIGINT/SIGTERM (default false: the caller, e.g. `sluice jobmanager`, decides). */
  readonly handleSignals?: boolean;
}

/** A JobManager that runs: where its REST API listens, how to stop it, and when it has stopped. */
export interface RunningJobManager {
  /** e.g. `http://127.0.0.1:8081` */
  readonly restUrl: string;
  readonly port: number;
  /** The port TaskManager processes register on (`jobmanager.rpc.port`; the one bound when it was 0). */
  readonly rpcPort: number;
  readonly dispatcher: Dispatcher;
  /** Cancels every job, stops the TaskManagers (threads and processes) and closes the servers; idempotent. */
  shutdown(): Promise<void>;
  /** Resolves once the JobManager has shut down (by `shutdown()`, `DELETE /cluster` or a signal). */
  readonly terminated: Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The log directory `/jobmanager/logs` lists (`env.log.dir`, default `<os tmp>/sluice-logs`). */
export function logDirectory(configuration: Configuration): string {
  const dir = configuration.getRaw('env.log.dir');
  return typeof dir === 'string' && dir !== '' ? dir : join(tmpdir(), 'sluice-logs');
}

/**
 * Starts a session cluster's JobManager in this process: `cluster.taskmanagers` worker-thread TaskManagers with
 * `taskmanager.numberOfTaskSlots` slots each, `jobmanager.rpc.port` for TaskManager processes to register on
 * (`sluice taskmanager`), the Dispatcher, and the REST API and web UI on `rest.address:rest.port` (port 0: any
 * free port). Bundles are stored under `web.upload.dir`.
 *
 * @example
 * const jm = await startJobManager({ configuration: new Configuration({ 'rest.port': 0 }) });
 * console.log(`REST at ${jm.restUrl}`);
 * await jm.terminated; // until DELETE /cluster or jm.shutdown()
 */
export async function startJobManager(options: StartJobManagerOptions): Promise<RunningJobManager> {
  const configuration = options.configuration;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createConsoleLogger(process.env['SLUICE_LOG_LEVEL']);
  const uploadDir = configuration.get(RestOptions.UPLOAD_DIR) || join(tmpdir(), 'sluice-jars');
  const bundles = await JobBundles.open(uploadDir, configuration.get(RestOptions.UPLOAD_MAX_BYTES));
  const cluster = new SessionCluster(configuration, clock, logger, { bundleDirectory: bundles.directory });
  let rpcPort: number;
  try {
    await cluster.ready();
    rpcPort = await cluster.listen();
  } catch (error) {
    await cluster.shutdown();
    throw error;
  }
  const dispatcher = new Dispatcher(cluster, bundles, configuration, clock, logger);

  let resolveTerminated!: () => void;
  const terminated = new Promise<void>((resolve) => (resolveTerminated = resolve));
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('JobManager shutting down');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      try {
        await dispatcher.shutdown();
      } finally {
        await app.close();
        resolveTerminated();
      }
    })();
    return stopping;
  };
  const onSignal = (): void => void shutdown();

  const app = await createRestServer(dispatcher, {
    authToken: configuration.get(RestOptions.AUTH_TOKEN),
    uploadMaxBytes: configuration.get(RestOptions.UPLOAD_MAX_BYTES),
    logDirectory: logDirectory(configuration),
    version: VERSION,
    clock,
    logger,
    onShutdownRequested: () => void shutdown(),
  });
  const host = configuration.get(RestOptions.ADDRESS);
  try {
    await app.listen({ host, port: configuration.get(RestOptions.PORT) });
  } catch (error) {
    await dispatcher.shutdown();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : configuration.get(RestOptions.PORT);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const restUrl = `http://${urlHost}:${port}`;
  if (options.handleSignals === true) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  logger.info('JobManager running', { restUrl, rpcPort, taskManagers: cluster.taskManagers.length, slots: cluster.slotPool.totalSlots });
  return { restUrl, port, rpcPort, dispatcher, shutdown, terminated };
}
