// The session cluster: long-lived TaskManagers shared by many jobs — worker threads of this process and
// TaskManager processes that register over TCP — their slot pool and metrics.

import { hostname } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { JobModuleRef } from '../api/executor.ts';
import { ClusterOptions, readHeartbeatSettings } from '../config/cluster-options.ts';
import type { Configuration } from '../config/configuration.ts';
import { readMetricSettings, type MetricSettings } from '../config/metric-options.ts';
import { TaskManagerOptions } from '../config/options.ts';
import { RestOptions } from '../config/rest-options.ts';
import type { Clock } from '../core/clock.ts';
import { SluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import { JobManagerMetricGroup } from '../metrics/job-manager-metric-group.ts';
import { MetricRegistry } from '../metrics/metric-registry.ts';
import { RemoteMetrics } from '../metrics/remote-metrics.ts';
import { ThreadChannels } from '../runtime/channel-endpoints.ts';
import type { ClusterView } from '../runtime/job-master.ts';
import type { DataAddress, TaskSpec } from '../runtime/protocol.ts';
import { BundleShipper } from '../runtime/remote/bundle-shipper.ts';
import { DataServer } from '../runtime/remote/data-server.ts';
import { JobManagerServer, type TaskManagerRegistry } from '../runtime/remote/job-manager-server.ts';
import { RemoteChannels } from '../runtime/remote/remote-channels.ts';
import { RemoteTaskManager } from '../runtime/remote/remote-task-manager.ts';
import type { RunningTask, TaskManager } from '../runtime/task-manager.ts';
import type { TaskEventListener } from '../runtime/task.ts';
import { ThreadTaskManager } from '../runtime/thread-task-manager.ts';
import { SlotPool } from './slot-pool.ts';

/** What the session cluster tells about one of its TaskManagers. */
export interface TaskManagerDescription {
  readonly id: string;
  readonly index: number;
  readonly slots: number;
  readonly freeSlots: number;
  /** Jobs holding slots on it. */
  readonly jobs: readonly { jobId: string; slots: number }[];
  readonly registeredAt: number;
  /** `thread` (in the JobManager process) or `process` (registered over TCP). */
  readonly kind?: 'thread' | 'process';
  /** The data address of a TaskManager process (`host:port`). */
  readonly address?: string;
}

/** The process of in-process TaskManagers and of the client. */
const JOB_MANAGER_PROCESS = '';

/** One TaskManager of the cluster, by index (indices are never reused; a lost process keeps its index). */
interface Entry {
  taskManager: TaskManager;
  /** '' for the JobManager's own process, else the TaskManager process's resource id. */
  readonly process: string;
  readonly kind: 'thread' | 'process';
  alive: boolean;
  registeredAt: number;
}

export interface SessionClusterOptions {
  /** The upload directory of job bundles: modules inside it are shipped to TaskManager processes. */
  readonly bundleDirectory?: string;
}

/**
 * `cluster.taskmanagers` worker-thread TaskManagers with `taskmanager.numberOfTaskSlots` slots each, started
 * once, plus TaskManager processes (`sluice taskmanager`) that register on `jobmanager.rpc.port` once `listen()`
 * runs, all shared by every job of the session. Jobs see them through `jobView(reserved)`, a ClusterView whose
 * TaskManagers offer only the slots the job reserved, so the JobMaster's slot assignment stays within them.
 * When a TaskManager process is lost, its tasks fail, and the jobs' slots on it move to a TaskManager with room
 * (now, or when one registers), where their restarts deploy. Every thread's metrics, local or remote, are
 * mirrored into one registry (as the mini cluster does).
 *
 * @example
 * const cluster = new SessionCluster(configuration, systemClock, logger);
 * await cluster.ready();
 * await cluster.listen(); // TaskManager processes may register
 * const reserved = cluster.slotPool.reserve(jobId, jobGraph);
 * const master = new JobMaster(pipeline, cluster.jobView(reserved), clock, logger);
 */
export class SessionCluster implements TaskManagerRegistry {
  readonly slotPool: SlotPool;
  readonly metricRegistry: MetricRegistry;
  readonly jobManagerMetrics: JobManagerMetricGroup;
  readonly clientChannels: ThreadChannels;
  readonly #entries: Entry[] = [];
  readonly #remoteMetrics: RemoteMetrics;
  readonly #metricSettings: MetricSettings;
  readonly #dataServer: DataServer;
  readonly #remoteChannels: RemoteChannels;
  readonly #startedAt: number;
  #server: JobManagerServer | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(
    private readonly configuration: Configuration,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: SessionClusterOptions = {},
  ) {
    const count = configuration.get(RestOptions.CLUSTER_TASK_MANAGERS);
    const slots = configuration.get(TaskManagerOptions.NUM_TASK_SLOTS);
    this.#metricSettings = readMetricSettings(configuration);
    this.metricRegistry = new MetricRegistry(this.#metricSettings, clock, logger);
    this.jobManagerMetrics = new JobManagerMetricGroup(this.metricRegistry, hostname());
    this.#remoteMetrics = new RemoteMetrics(this.metricRegistry);
    this.#dataServer = new DataServer(logger);
    this.#remoteChannels = new RemoteChannels(this.#dataServer, logger);
    this.clientChannels = new ThreadChannels(this.#remoteChannels);
    this.#startedAt = clock.now();
    for (let i = 0; i < count; i++) {
      this.#entries.push({
        taskManager: new ThreadTaskManager(`taskmanager-${i}`, slots, logger, this.#metricSettings, this.#remoteMetrics, {
          remoteChannels: this.#remoteChannels,
        }),
        process: JOB_MANAGER_PROCESS,
        kind: 'thread',
        alive: true,
        registeredAt: this.#startedAt,
      });
    }
    this.slotPool = new SlotPool(this.#entries.map((e) => e.taskManager.numberOfSlots));
    this.#registerJobManagerMetrics();
  }

  /** The TaskManagers that are registered now (threads and processes). */
  get taskManagers(): readonly TaskManager[] {
    return this.#entries.filter((e) => e.alive).map((e) => e.taskManager);
  }

  /** Resolves once metric reporters are listening. */
  ready(): Promise<void> {
    return this.metricRegistry.ready();
  }

  /**
   * Listens on `jobmanager.bind-host` (default: `jobmanager.rpc.address`) : `jobmanager.rpc.port` for TaskManager
   * processes and data channels from them; resolves with the port bound.
   */
  async listen(): Promise<number> {
    if (this.#server !== undefined) return this.#server.port;
    const conf = this.configuration;
    const bindHost = conf.get(ClusterOptions.JOB_MANAGER_BIND_HOST) || conf.get(ClusterOptions.RPC_ADDRESS);
    const port = conf.get(ClusterOptions.RPC_PORT);
    const heartbeat = readHeartbeatSettings(conf);
    try {
      this.#server = await JobManagerServer.start({
        bindHost,
        port,
        heartbeat,
        metricSettings: this.#metricSettings,
        metrics: this.#remoteMetrics,
        bundles: new BundleShipper(this.options.bundleDirectory),
        dataServer: this.#dataServer,
        registry: this,
        logger: this.logger,
      });
    } catch (error) {
      throw new SluiceError(
        'CONFIG_INVALID',
        `the JobManager cannot listen for TaskManagers on ${bindHost}:${port}: ${(error as Error).message}. Choose ` +
          `another jobmanager.rpc.port (0: any free port) or jobmanager.bind-host.`,
        { cause: error },
      );
    }
    return this.#server.port;
  }

  /** The port TaskManager processes register on, once `listen()` ran. */
  get rpcPort(): number | undefined {
    return this.#server?.port;
  }

  /**
   * The cluster as a job with slots `reserved` sees it: a TaskManager per index of its reservation, offering only
   * the slots reserved there, and deploying to wherever the slot pool has moved that share (a lost TaskManager's
   * share moves to one with room). `onTaskEnded` runs when one of the job's tasks has ended, right after its final
   * metrics arrived.
   */
  jobView(reserved: readonly number[], onTaskEnded: () => void = () => {}): ClusterView {
    const jobId = this.slotPool.jobHolding(reserved);
    const target = (i: number): number => (jobId === undefined ? i : (this.slotPool.placementOf(jobId)?.[i] ?? i));
    const entry = (i: number): Entry => this.#entries[target(i)]!;
    const processOf = (i: number): string => (i < 0 ? JOB_MANAGER_PROCESS : entry(i).process);
    const length = Math.max(reserved.length, this.#entries.length);
    return {
      taskManagers: Array.from({ length }, (_, i) => new ReservedTaskManager(() => entry(i).taskManager, reserved[i] ?? 0, onTaskEnded)),
      sameThread: (a, b) => a === b || (a >= 0 && b >= 0 && target(a) === target(b)),
      sameProcess: (a, b) => processOf(a) === processOf(b),
      dataAddress: (i) => {
        const tm = i < 0 ? undefined : entry(i).taskManager;
        return isRemote(tm) ? tm.dataAddress : this.#dataAddress();
      },
      clientChannels: this.clientChannels,
      clientTaskManager: -1,
      jobManagerMetrics: this.jobManagerMetrics,
      metricRegistry: this.metricRegistry,
    };
  }

  describeTaskManagers(): TaskManagerDescription[] {
    const free = this.slotPool.freeSlots();
    const out: TaskManagerDescription[] = [];
    this.#entries.forEach((e, index) => {
      if (!e.alive) return;
      const tm = e.taskManager;
      out.push({
        id: tm.id,
        index,
        slots: tm.numberOfSlots,
        freeSlots: free[index] ?? 0,
        jobs: this.slotPool.jobsOn(index),
        registeredAt: e.registeredAt,
        kind: e.kind,
        ...(isRemote(tm) ? { address: tm.address } : {}),
      });
    });
    return out;
  }

  taskManagerRegistered(tm: RemoteTaskManager): void {
    const index = this.#entries.findIndex((e) => e.kind === 'process' && e.process === tm.id);
    const entry: Entry = { taskManager: tm, process: tm.id, kind: 'process', alive: true, registeredAt: this.clock.now() };
    if (index === -1) {
      this.#entries.push(entry);
      this.slotPool.addTaskManager(tm.numberOfSlots);
    } else {
      // The same resource id again: it replaces its earlier registration (a live one is dropped; its tasks fail).
      const previous = this.#entries[index]!;
      this.#entries[index] = entry;
      if (previous.alive && isRemote(previous.taskManager)) previous.taskManager.disconnect();
      this.slotPool.restoreTaskManager(index, tm.numberOfSlots);
    }
    this.#relocate();
  }

  taskManagerLost(tm: RemoteTaskManager): void {
    const index = this.#entries.findIndex((e) => e.taskManager === tm);
    if (index === -1 || !this.#entries[index]!.alive) return;
    this.#entries[index]!.alive = false;
    this.slotPool.removeTaskManager(index);
    this.#relocate();
  }

  /** Stops every TaskManager (jobs must have ended; processes are told to exit) and the metric reporters; idempotent. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      await Promise.all(this.#entries.filter((e) => e.alive).map((e) => e.taskManager.shutdown()));
      await this.#server?.close();
      this.#dataServer.close();
      this.#remoteMetrics.close();
      this.jobManagerMetrics.close();
      await this.metricRegistry.shutdown();
    })();
    return this.#shutdown;
  }

  /** Where other processes open data channels into this one: the JobManager's RPC address and port. */
  #dataAddress(): DataAddress {
    return { host: this.configuration.get(ClusterOptions.RPC_ADDRESS), port: this.#server?.port ?? 0 };
  }

  #relocate(): void {
    for (const move of this.slotPool.relocateOrphans()) {
      this.logger.info('moved job slots off a lost TaskManager', {
        jobId: move.jobId,
        from: this.#entries[move.from]?.taskManager.id,
        to: this.#entries[move.to]?.taskManager.id,
      });
    }
  }

  /** Flink's JobManager metrics that a session cluster has: slots, TaskManagers, and this process's heap. */
  #registerJobManagerMetrics(): void {
    const jm = this.jobManagerMetrics;
    jm.gauge('numRegisteredTaskManagers', { getValue: () => this.#entries.filter((e) => e.alive).length });
    jm.gauge('taskSlotsTotal', { getValue: () => this.slotPool.totalSlots });
    jm.gauge('taskSlotsAvailable', { getValue: () => this.slotPool.availableSlots });
    const heap = jm.addGroup('Status').addGroup('Node').addGroup('Memory').addGroup('Heap');
    heap.gauge('Used', { getValue: () => getHeapStatistics().used_heap_size });
    heap.gauge('Committed', { getValue: () => getHeapStatistics().total_heap_size });
    heap.gauge('Max', { getValue: () => getHeapStatistics().heap_size_limit });
    jm.addGroup('Status').addGroup('Node').gauge('Uptime', { getValue: () => this.clock.now() - this.#startedAt });
  }
}

function isRemote(tm: TaskManager | undefined): tm is RemoteTaskManager {
  return tm instanceof RemoteTaskManager;
}

/**
 * A shared TaskManager as one job sees it: its reserved slots only, on whichever TaskManager holds them now;
 * shutting the job down leaves it running.
 */
class ReservedTaskManager implements TaskManager {
  constructor(
    private readonly inner: () => TaskManager,
    readonly numberOfSlots: number,
    private readonly onTaskEnded: () => void,
  ) {}

  get id(): string {
    return this.inner().id;
  }

  deploy(spec: TaskSpec, graph: StreamGraph, jobModule: JobModuleRef | undefined, events: TaskEventListener): RunningTask {
    const running = this.inner().deploy(spec, graph, jobModule, events);
    void running.result.then(() => this.onTaskEnded());
    return running;
  }

  async shutdown(): Promise<void> {
    // The session cluster owns the TaskManager.
  }
}
