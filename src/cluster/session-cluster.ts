// The session cluster: long-lived worker-thread TaskManagers shared by many jobs, their slot pool and metrics.

import { hostname } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { JobModuleRef } from '../api/executor.ts';
import type { Configuration } from '../config/configuration.ts';
import { readMetricSettings } from '../config/metric-options.ts';
import { TaskManagerOptions } from '../config/options.ts';
import { RestOptions } from '../config/rest-options.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import { JobManagerMetricGroup } from '../metrics/job-manager-metric-group.ts';
import { MetricRegistry } from '../metrics/metric-registry.ts';
import { RemoteMetrics } from '../metrics/remote-metrics.ts';
import { ThreadChannels } from '../runtime/channel-endpoints.ts';
import type { ClusterView } from '../runtime/job-master.ts';
import type { TaskSpec } from '../runtime/protocol.ts';
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
}

/**
 * `cluster.taskmanagers` worker-thread TaskManagers with `taskmanager.numberOfTaskSlots` slots each, started
 * once and shared by every job of the session. Jobs see them through `jobView(reserved)`, a ClusterView whose
 * TaskManagers offer only the slots the job reserved, so the JobMaster's slot assignment stays within them.
 * Every thread's metrics are mirrored into one registry (as the mini cluster does).
 *
 * @example
 * const cluster = new SessionCluster(configuration, systemClock, logger);
 * await cluster.ready();
 * const reserved = cluster.slotPool.reserve(jobId, jobGraph);
 * const master = new JobMaster(pipeline, cluster.jobView(reserved), clock, logger);
 */
export class SessionCluster {
  readonly taskManagers: readonly ThreadTaskManager[];
  readonly slotPool: SlotPool;
  readonly metricRegistry: MetricRegistry;
  readonly jobManagerMetrics: JobManagerMetricGroup;
  readonly clientChannels = new ThreadChannels();
  readonly #remoteMetrics: RemoteMetrics;
  readonly #startedAt: number;
  #shutdown: Promise<void> | undefined;

  constructor(
    configuration: Configuration,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    const count = configuration.get(RestOptions.CLUSTER_TASK_MANAGERS);
    const slots = configuration.get(TaskManagerOptions.NUM_TASK_SLOTS);
    const settings = readMetricSettings(configuration);
    this.metricRegistry = new MetricRegistry(settings, clock, logger);
    this.jobManagerMetrics = new JobManagerMetricGroup(this.metricRegistry, hostname());
    this.#remoteMetrics = new RemoteMetrics(this.metricRegistry);
    this.taskManagers = Array.from(
      { length: count },
      (_, i) => new ThreadTaskManager(`taskmanager-${i}`, slots, logger, settings, this.#remoteMetrics),
    );
    this.slotPool = new SlotPool(this.taskManagers.map((tm) => tm.numberOfSlots));
    this.#startedAt = clock.now();
    this.#registerJobManagerMetrics();
  }

  /** Resolves once metric reporters are listening. */
  ready(): Promise<void> {
    return this.metricRegistry.ready();
  }

  /**
   * The cluster as a job with slots `reserved` sees it: every TaskManager, offering only the slots reserved on
   * it. `onTaskEnded` runs when one of the job's tasks has ended, right after its final metrics arrived.
   */
  jobView(reserved: readonly number[], onTaskEnded: () => void = () => {}): ClusterView {
    return {
      taskManagers: this.taskManagers.map((tm, i) => new ReservedTaskManager(tm, reserved[i] ?? 0, onTaskEnded)),
      sameThread: (a, b) => a === b,
      clientChannels: this.clientChannels,
      clientTaskManager: -1,
      jobManagerMetrics: this.jobManagerMetrics,
      metricRegistry: this.metricRegistry,
    };
  }

  describeTaskManagers(): TaskManagerDescription[] {
    const free = this.slotPool.freeSlots();
    return this.taskManagers.map((tm, index) => ({
      id: tm.id,
      index,
      slots: tm.numberOfSlots,
      freeSlots: free[index] ?? 0,
      jobs: this.slotPool.jobsOn(index),
      registeredAt: this.#startedAt,
    }));
  }

  /** Stops every TaskManager thread (jobs must have ended) and the metric reporters; idempotent. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      await Promise.all(this.taskManagers.map((tm) => tm.shutdown()));
      this.#remoteMetrics.close();
      this.jobManagerMetrics.close();
      await this.metricRegistry.shutdown();
    })();
    return this.#shutdown;
  }

  /** Flink's JobManager metrics that a session cluster has: slots, TaskManagers, and this process's heap. */
  #registerJobManagerMetrics(): void {
    const jm = this.jobManagerMetrics;
    jm.gauge('numRegisteredTaskManagers', { getValue: () => this.taskManagers.length });
    jm.gauge('taskSlotsTotal', { getValue: () => this.slotPool.totalSlots });
    jm.gauge('taskSlotsAvailable', { getValue: () => this.slotPool.availableSlots });
    const heap = jm.addGroup('Status').addGroup('Node').addGroup('Memory').addGroup('Heap');
    heap.gauge('Used', { getValue: () => getHeapStatistics().used_heap_size });
    heap.gauge('Committed', { getValue: () => getHeapStatistics().total_heap_size });
    heap.gauge('Max', { getValue: () => getHeapStatistics().heap_size_limit });
    jm.addGroup('Status').addGroup('Node').gauge('Uptime', { getValue: () => this.clock.now() - this.#startedAt });
  }
}

/** A shared TaskManager as one job sees it: its reserved slots only; shutting the job down leaves it running. */
class ReservedTaskManager implements TaskManager {
  readonly id: string;

  constructor(
    private readonly inner: TaskManager,
    readonly numberOfSlots: number,
    private readonly onTaskEnded: () => void,
  ) {
    this.id = inner.id;
  }

  deploy(spec: TaskSpec, graph: StreamGraph, jobModule: JobModuleRef | undefined, events: TaskEventListener): RunningTask {
    const running = this.inner.deploy(spec, graph, jobModule, events);
    void running.result.then(() => this.onTaskEnded());
    return running;
  }

  async shutdown(): Promise<void> {
    // The session cluster owns the thread.
  }
}
