// The embedded mini cluster: a JobManager in this thread and TaskManagers in worker threads or in-process.

import { availableParallelism } from 'node:os';
import type { Configuration } from '../config/configuration.ts';
import { CoreOptions, TaskManagerOptions } from '../config/options.ts';
import type { Clock } from '../core/clock.ts';
import { SluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { requiredSlots, type JobGraph } from '../graph/job-graph.ts';
import { ThreadChannels } from './channel-endpoints.ts';
import type { ClusterView } from './job-master.ts';
import { LocalTaskManager } from './local-task-manager.ts';
import type { TaskManager } from './task-manager.ts';
import { ThreadTaskManager } from './thread-task-manager.ts';
import { hostname } from 'node:os';
import { readMetricSettings } from '../config/metric-options.ts';
import { MetricRegistry } from '../metrics/metric-registry.ts';
import { RemoteMetrics } from '../metrics/remote-metrics.ts';
import { JobManagerMetricGroup } from '../metrics/job-manager-metric-group.ts';
import { TaskManagerMetrics } from './metrics/task-manager-metrics.ts';

export type RuntimeMode = 'local' | 'threads';

export interface MiniClusterSpec {
  readonly mode: RuntimeMode;
  readonly taskManagers: number;
  readonly slotsPerTaskManager: number;
}

/**
 * Where the job runs. `local` runs every task in this thread; `threads` needs the job's module. With `auto`
 * (the default) a job with parallelism 1 everywhere runs locally and any other job in worker threads.
 */
export function resolveRuntimeMode(graph: JobGraph, configuration: Configuration, hasModule: boolean): RuntimeMode {
  const runtime = configuration.get(CoreOptions.EXECUTION_RUNTIME);
  if (runtime === 'local') return 'local';
  const parallel = graph.vertices.some((v) => v.parallelism > 1);
  if (runtime === 'auto' && !parallel) return 'local';
  if (!hasModule) {
    throw new SluiceError(
      'JOB_MODULE_REQUIRED',
      `Job '${graph.jobName}' runs in worker threads (execution.runtime: ${runtime}` +
        `${runtime === 'auto' ? ', because its parallelism is above 1' : ''}), and worker threads rebuild the job by ` +
        `importing its module, but this job has none. Run it with \`sluice run job.ts\`, or export the job as ` +
        `(env, args) => ... and start it with runJobModule(import.meta.url), or set execution.runtime: local to ` +
        `run every task in this process.`,
    );
  }
  return 'threads';
}

/**
 * The cluster's shape: exactly as configured when `minicluster.number-of-taskmanagers` or
 * `taskmanager.numberOfTaskSlots` is set (an unset one takes its default, 1); else sized to the job — one
 * TaskManager per core (at most one per slot needed) for threads, one for local.
 */
export function miniClusterSpec(graph: JobGraph, configuration: Configuration, mode: RuntimeMode): MiniClusterSpec {
  const needed = requiredSlots(graph).total;
  const explicit =
    configuration.contains(TaskManagerOptions.MINI_CLUSTER_TASK_MANAGERS) ||
    configuration.contains(TaskManagerOptions.NUM_TASK_SLOTS);
  if (explicit) {
    return {
      mode,
      taskManagers: configuration.get(TaskManagerOptions.MINI_CLUSTER_TASK_MANAGERS),
      slotsPerTaskManager: configuration.get(TaskManagerOptions.NUM_TASK_SLOTS),
    };
  }
  const taskManagers = mode === 'local' ? 1 : Math.max(1, Math.min(needed, availableParallelism()));
  return { mode, taskManagers, slotsPerTaskManager: Math.max(1, Math.ceil(needed / taskManagers)) };
}

export class MiniCluster implements ClusterView {
  readonly taskManagers: TaskManager[];
  readonly clientChannels = new ThreadChannels();
  readonly clientTaskManager: number;
  /** The cluster's metric registry (its reporters serve every thread's metrics) and the JobManager's group. */
  readonly metricRegistry: MetricRegistry;
  readonly jobManagerMetrics: JobManagerMetricGroup;
  readonly #remoteMetrics: RemoteMetrics;

  constructor(
    readonly spec: MiniClusterSpec,
    configuration: Configuration,
    clock: Clock,
    logger: Logger,
  ) {
    const settings = readMetricSettings(configuration);
    this.metricRegistry = new MetricRegistry(settings, clock, logger);
    this.jobManagerMetrics = new JobManagerMetricGroup(this.metricRegistry, hostname());
    this.#remoteMetrics = new RemoteMetrics(this.metricRegistry);
    this.taskManagers = Array.from({ length: spec.taskManagers }, (_, i) =>
      spec.mode === 'local'
        ? new LocalTaskManager(
            `local-tm-${i}`,
            spec.slotsPerTaskManager,
            this.clientChannels,
            clock,
            logger,
            new TaskManagerMetrics(this.metricRegistry, `local-tm-${i}`),
          )
        : new ThreadTaskManager(`thread-tm-${i}`, spec.slotsPerTaskManager, logger, settings, this.#remoteMetrics),
    );
    this.clientTaskManager = spec.mode === 'local' ? 0 : -1;
  }

  /** Resolves once reporters are listening (e.g. the Prometheus port is bound). */
  ready(): Promise<void> {
    return this.metricRegistry.ready();
  }

  sameThread(a: number, b: number): boolean {
    return this.spec.mode === 'local' || a === b;
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.taskManagers.map((tm) => tm.shutdown()));
    this.#remoteMetrics.close();
    this.jobManagerMetrics.close();
    await this.metricRegistry.shutdown();
  }
}
