// The heart of a TaskManager process (Flink's TaskExecutor): registers with the JobManager, answers its
// heartbeats, runs the subtasks it deploys on one worker thread, and registers again when the connection drops.

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { JobModuleRef } from '../../api/executor.ts';
import { JobModuleError, serializeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import {
  CLUSTER_PROTOCOL_VERSION,
  type ControlMessage,
  type DataAddress,
  type DeployedJobModule,
  type JobManagerMessage,
  type TaskManagerMessage,
  type TaskResult,
} from '../protocol.ts';
import type { RunningTask } from '../task-manager.ts';
import type { TaskEventListener } from '../task.ts';
import { ThreadTaskManager } from '../thread-task-manager.ts';
import { BundleCache } from './bundle-cache.ts';
import { DataServer } from './data-server.ts';
import { FrameType } from './frame-codec.ts';
import { connectFramed, FramedConnection, listenFramed, type FramedListener } from './framed-connection.ts';
import { RemoteChannels } from './remote-channels.ts';

export interface TaskExecutorOptions {
  /** Where the JobManager listens (`jobmanager.rpc.address:jobmanager.rpc.port`). */
  readonly jobManager: DataAddress;
  readonly resourceId: string;
  readonly slots: number;
  /** The address other processes reach the data port at; undefined: the local address of the JobManager connection. */
  readonly host: string | undefined;
  readonly bindHost: string;
  readonly dataPort: number;
  /** Waits between attempts to reach the JobManager: from `initialMs`, doubling, up to `maxMs`. */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** Silence from the JobManager after which it is taken for lost (until it says otherwise at registration). */
  readonly heartbeatTimeoutMs: number;
  /** Where shipped job bundles are kept (`<tmpdir>/sluice-tm-<id>`), removed when the process stops. */
  readonly workDirectory: string;
  readonly logger: Logger;
  /** Called on every successful registration. */
  readonly onRegistered?: (registration: { readonly taskManagerId: string; readonly jobManager: string; readonly slots: number }) => void;
}

/** Why a TaskExecutor ended. */
export type TaskExecutorExit =
  | { readonly reason: 'shutdown' }
  | { readonly reason: 'stopped' }
  | { readonly reason: 'refused'; readonly message: string };

/** One registration: the connection and what was deployed over it. */
interface Session {
  readonly connection: FramedConnection;
  readonly deployments: Map<number, Promise<RunningTask | undefined>>;
}

/**
 * A TaskManager process's executor. It binds its data port first, then connects to the JobManager and registers
 * (resource id, slots, data address); while the JobManager is unreachable it retries with backoff and logs each
 * attempt. Deployed subtasks run on one worker thread with `slots` slots (a `ThreadTaskManager`, exactly like an
 * embedded TaskManager); their channels to other processes are bridged in this (main) thread. When the connection
 * drops or the JobManager goes silent, the running subtasks are cancelled (the JobManager fails them over) and the
 * executor registers again. It ends on `stop()` or when the JobManager tells it to shut down.
 *
 * @example
 * const executor = await TaskExecutor.start({ jobManager: { host: 'jobmanager', port: 6123 }, resourceId, ... });
 * const exit = await executor.terminated;
 */
export class TaskExecutor {
  readonly #options: TaskExecutorOptions;
  readonly #dataServer: DataServer;
  readonly #remoteChannels: RemoteChannels;
  readonly #bundles: BundleCache;
  readonly #tasks = new Set<RunningTask>();
  #listener!: FramedListener;
  #threads: ThreadTaskManager | undefined;
  #session: Session | undefined;
  #stopping: Promise<void> | undefined;
  #exit: TaskExecutorExit = { reason: 'stopped' };
  #wake: () => void = () => {};
  readonly terminated: Promise<TaskExecutorExit>;
  #resolveTerminated!: (exit: TaskExecutorExit) => void;

  private constructor(options: TaskExecutorOptions) {
    this.#options = options;
    this.#dataServer = new DataServer(options.logger);
    this.#remoteChannels = new RemoteChannels(this.#dataServer, options.logger);
    this.#bundles = new BundleCache(options.workDirectory);
    this.terminated = new Promise((resolve) => (this.#resolveTerminated = resolve));
  }

  static async start(options: TaskExecutorOptions): Promise<TaskExecutor> {
    const executor = new TaskExecutor(options);
    executor.#listener = await listenFramed(
      options.bindHost,
      options.dataPort,
      (connection, type, payload) => {
        if (type !== FrameType.OPEN) throw new Error(`a data port connection opened with frame type ${type}`);
        executor.#dataServer.adopt(connection, payload);
      },
      options.logger,
    );
    void executor.#run();
    return executor;
  }

  get resourceId(): string {
    return this.#options.resourceId;
  }

  /** The data port bound. */
  get dataPort(): number {
    return this.#listener.port;
  }

  /** Subtasks running now. */
  get runningTasks(): number {
    return this.#tasks.size;
  }

  /** Cancels every subtask, leaves the JobManager, stops the worker thread and the data port; idempotent. */
  stop(exit: TaskExecutorExit = { reason: 'stopped' }): Promise<void> {
    this.#stopping ??= (async () => {
      this.#exit = exit;
      this.#wake();
      await this.#cancelAll();
      this.#session?.connection.end();
      await this.#threads?.shutdown();
      await this.#listener.close();
      this.#dataServer.close();
      await this.#bundles.clear().catch(() => {});
      this.#resolveTerminated(this.#exit);
    })();
    return this.#stopping;
  }

  async #run(): Promise<void> {
    const { jobManager, backoff, logger } = this.#options;
    const where = `${jobManager.host}:${jobManager.port}`;
    let wait = backoff.initialMs;
    while (this.#stopping === undefined) {
      let connection: FramedConnection;
      try {
        connection = await connectFramed(jobManager.host, jobManager.port, Math.max(1000, this.#options.heartbeatTimeoutMs));
      } catch (error) {
        if (this.#stopping !== undefined) break;
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        logger.warn(`JobManager at ${where} is unreachable (${code}); trying again in ${wait} ms`, { jobManager: where });
        await this.#sleep(wait);
        wait = Math.min(wait * 2, backoff.maxMs);
        continue;
      }
      if (this.#stopping !== undefined) {
        connection.destroy();
        break;
      }
      const registered = await this.#serve(connection, where);
      if (registered) wait = backoff.initialMs;
      if (this.#stopping !== undefined) break;
      logger.warn(`lost the connection to the JobManager at ${where}; cancelled the running tasks, registering again`, {
        jobManager: where,
      });
      await this.#sleep(wait);
      wait = Math.min(wait * 2, backoff.maxMs);
    }
    await this.stop(this.#exit);
  }

  /** Registers over `connection` and serves it until it closes; resolves whether it was registered. */
  async #serve(connection: FramedConnection, where: string): Promise<boolean> {
    const options = this.#options;
    const session: Session = { connection, deployments: new Map() };
    let registered = false;
    let timeoutMs = options.heartbeatTimeoutMs;
    let lastHeard = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - lastHeard > timeoutMs) {
        options.logger.warn(`no heartbeat from the JobManager at ${where} for ${Date.now() - lastHeard} ms`, { jobManager: where });
        connection.destroy();
      }
    }, Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4))));
    watchdog.unref();
    connection.onFrame = (type, payload) => {
      if (type !== FrameType.CONTROL) {
        connection.destroy();
        return;
      }
      lastHeard = Date.now();
      const message = FramedConnection.decode<JobManagerMessage>(payload);
      switch (message.type) {
        case 'registered':
          registered = true;
          timeoutMs = message.heartbeatTimeoutMs;
          this.#threads ??= new ThreadTaskManager(
            options.resourceId,
            options.slots,
            options.logger,
            message.metricSettings,
            {
              applyDumps: (source, dumps) => this.#send({ type: 'metrics', metrics: { kind: 'metrics', source, dumps: [...dumps] } }),
              removeSource: () => {},
            },
            { remoteChannels: this.#remoteChannels },
          );
          this.#session = session;
          options.logger.info('registered at the JobManager', { jobManager: where, taskManager: message.taskManagerId });
          options.onRegistered?.({ taskManagerId: message.taskManagerId, jobManager: where, slots: options.slots });
          break;
        case 'refused':
          options.logger.error(`the JobManager at ${where} refused this TaskManager: ${message.reason}`);
          void this.stop({ reason: 'refused', message: `the JobManager at ${where} refused this TaskManager: ${message.reason}` });
          connection.end();
          break;
        case 'heartbeat':
          this.#send({ type: 'heartbeat' }, session);
          break;
        case 'bundle':
          this.#bundles.store(message.bundleId, message.files).catch((error: unknown) =>
            options.logger.error('could not store a job bundle', { bundle: message.bundleId, error: String(error) }),
          );
          break;
        case 'deploy':
          this.#deploy(session, message);
          break;
        case 'control':
          void session.deployments.get(message.deploymentId)?.then((task) => task !== undefined && control(task, message.message));
          break;
        case 'shutdown':
          options.logger.info('the JobManager shuts the cluster down');
          void this.stop({ reason: 'shutdown' });
          break;
      }
    };
    connection.send({
      type: 'register',
      protocolVersion: CLUSTER_PROTOCOL_VERSION,
      resourceId: options.resourceId,
      slots: options.slots,
      dataAddress: { host: options.host ?? localHost(connection), port: this.dataPort },
      hostname: hostname(),
      pid: process.pid,
    } satisfies TaskManagerMessage);
    await connection.closed;
    clearInterval(watchdog);
    if (this.#session === session) this.#session = undefined;
    // The JobManager fails these over; nothing they send can reach it any more.
    await this.#cancelAll();
    return registered;
  }

  #deploy(session: Session, message: Extract<JobManagerMessage, { type: 'deploy' }>): void {
    const { deploymentId, task: spec } = message;
    const send = (m: TaskManagerMessage): void => this.#send(m, session);
    const events: TaskEventListener = {
      acknowledgeCheckpoint: (checkpointId, state) => send({ type: 'taskEvent', deploymentId, event: { kind: 'acknowledgeCheckpoint', checkpointId, state } }),
      declineCheckpoint: (checkpointId, error) =>
        send({ type: 'taskEvent', deploymentId, event: { kind: 'declineCheckpoint', checkpointId, error: serializeError(error) } }),
      endOfInput: () => send({ type: 'taskEvent', deploymentId, event: { kind: 'endOfInput' } }),
      running: () => send({ type: 'taskEvent', deploymentId, event: { kind: 'running' } }),
    };
    const report = (result: TaskResult): void => send({ type: 'taskResult', deploymentId, result: plainResult(result) });
    const deployed = this.#moduleRef(message.module).then(
      (ref): RunningTask | undefined => {
        if (this.#stopping !== undefined || !session.connection.open || this.#threads === undefined) {
          report({ status: 'CANCELED' });
          return undefined;
        }
        const running = this.#threads.run(spec, ref, events);
        this.#tasks.add(running);
        void running.result.then((result) => {
          this.#tasks.delete(running);
          report(result);
        });
        return running;
      },
      (error: unknown): undefined => {
        report({ status: 'FAILED', error: serializeError(error), operatorName: undefined });
        return undefined;
      },
    );
    session.deployments.set(deploymentId, deployed);
    void deployed.then((running) => {
      if (running === undefined) session.deployments.delete(deploymentId);
      else void running.result.then(() => session.deployments.delete(deploymentId));
    });
  }

  /** The module to import here: this process's copy of a shipped bundle, or the URL as given if it can be read. */
  async #moduleRef(module: DeployedJobModule): Promise<JobModuleRef> {
    if (module.bundle !== undefined) {
      await this.#bundles.ready(module.bundle.id);
      return { ...module.ref, url: this.#bundles.moduleUrl(module.bundle.id, module.bundle.modulePath) };
    }
    const url = module.ref.url;
    if (url.startsWith('file:')) {
      const path = fileURLToPath(url);
      try {
        await access(path, constants.R_OK);
      } catch (error) {
        throw new JobModuleError(
          'JOB_MODULE_INVALID',
          `the job module ${path} is not readable on TaskManager ${this.#options.resourceId} ` +
            `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). A TaskManager process imports the ` +
            `job module itself: put it on a path every TaskManager can read (the same host or a shared volume), or ` +
            `upload it to the cluster as a bundle (sluice run -m <jobmanager> job.ts), which is shipped to them.`,
          { cause: error },
        );
      }
    }
    return module.ref;
  }

  #send(message: TaskManagerMessage, session: Session | undefined = this.#session): void {
    session?.connection.send(message);
  }

  /** Cancels every running subtask and waits (bounded) until they ended. */
  async #cancelAll(): Promise<void> {
    const tasks = [...this.#tasks];
    if (tasks.length === 0) return;
    for (const task of tasks) task.cancel();
    const bound = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
    await Promise.race([Promise.all(tasks.map((t) => t.result)), bound]);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function control(task: RunningTask, m: ControlMessage): void {
  switch (m.type) {
    case 'cancel':
      task.cancel();
      break;
    case 'triggerCheckpoint':
      task.triggerCheckpoint(m.checkpointId, m.timestamp, m.checkpointType, m.targetLocation, m.final);
      break;
    case 'notifyCheckpointComplete':
      task.notifyCheckpointComplete(m.checkpointId);
      break;
    case 'notifyCheckpointAborted':
      task.notifyCheckpointAborted(m.checkpointId);
      break;
    case 'drain':
      task.drain();
      break;
    case 'finish':
      task.finish();
      break;
  }
}

/** A result without in-process extras (the original error object). */
function plainResult(result: TaskResult & { original?: unknown }): TaskResult {
  if (!('original' in result)) return result;
  const { original: _original, ...rest } = result;
  return rest as TaskResult;
}

/** The local address of the connection to the JobManager, as other processes on that network reach this one. */
function localHost(connection: FramedConnection): string {
  const address = connection.socket.localAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
