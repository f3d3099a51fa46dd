// Runs one job: plans and deploys its subtasks, follows their results, and drives the job status (one table).

import { JobExecutionResult, type JobClient } from '../api/job-client.ts';
import type { Pipeline } from '../api/executor.ts';
import type { SourceSplit } from '../api/source.ts';
import type { NodePayload } from '../api/transformation.ts';
import { TaskManagerOptions } from '../config/options.ts';
import type { Clock } from '../core/clock.ts';
import {
  IllegalStateError,
  JobCancellationError,
  JobExecutionError,
  deserializeError,
  type SerializedError,
} from '../core/errors.ts';
import { canTransition, isGloballyTerminal, JobStatus } from '../core/job-status.ts';
import type { Logger } from '../core/logger.ts';
import { CollectIterator } from './collect-iterator.ts';
import { planDeployment } from './deployment-planner.ts';
import type { ThreadChannels } from './channel-endpoints.ts';
import { assignSlots } from './scheduler.ts';
import type { RunningTask, TaskManager, TaskReport } from './task-manager.ts';
import { PortInputChannel } from './network/port-channel.ts';
import type { JobManagerMetricGroup } from '../metrics/job-manager-metric-group.ts';
import type { MetricRegistry } from '../metrics/metric-registry.ts';
import { vertexLoads } from './metrics/vertex-loads.ts';

export interface ClusterView {
  readonly taskManagers: readonly TaskManager[];
  /** Whether two TaskManagers (by index) share a thread. */
  sameThread(a: number, b: number): boolean;
  /** Channels of the client's thread (for the collect channel). */
  readonly clientChannels: ThreadChannels;
  /** TaskManager index sharing the client's thread, or -1. */
  readonly clientTaskManager: number;
  /** Where the job's JobManager-side metrics go. */
  readonly jobManagerMetrics: JobManagerMetricGroup;
  /** The registry holding every thread's metrics (local or mirrored). */
  readonly metricRegistry: MetricRegistry;
}

interface DeployedTask {
  readonly name: string;
  readonly running: RunningTask;
}

export class JobMaster {
  readonly jobId: string;
  readonly jobName: string;
  #status: JobStatus = JobStatus.CREATED;
  readonly #statusTimestamps = new Map<JobStatus, number>();
  readonly #tasks: DeployedTask[] = [];
  /** How many deployed tasks have reported their result. */
  #reported = 0;
  #failure: Error | undefined;
  readonly #terminated: Promise<void>;
  #resolveTerminated!: () => void;
  #collect: CollectIterator<unknown> | undefined;
  readonly #startTime: number;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly cluster: ClusterView,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.jobId = pipeline.jobGraph.jobId;
    this.jobName = pipeline.jobGraph.jobName;
    this.#startTime = clock.now();
    this.#statusTimestamps.set(JobStatus.CREATED, this.#startTime);
    this.#terminated = new Promise<void>((resolve) => (this.#resolveTerminated = resolve));
  }

  get status(): JobStatus {
    return this.#status;
  }

  /** Resolves when the job reached FINISHED, FAILED or CANCELED. */
  get terminated(): Promise<void> {
    return this.#terminated;
  }

  get collected(): CollectIterator<unknown> | undefined {
    return this.#collect;
  }

  /** Plans, deploys every subtask and switches to RUNNING. Throws (and ends FAILED) if the job cannot start. */
  async start(): Promise<void> {
    const graph = this.pipeline.jobGraph;
    try {
      const assignment = assignSlots(
        graph,
        this.cluster.taskManagers.map((tm) => tm.numberOfSlots),
      );
      const splits = await this.#enumerateSplits();
      const conf = this.pipeline.configuration;
      const plan = planDeployment(graph, assignment, {
        attemptNumber: 0,
        capacity: conf.get(TaskManagerOptions.BUFFERS_PER_CHANNEL),
        configuration: conf.toMap(),
        splits,
        collectOperatorId: this.pipeline.collectOperatorId,
        sameThread: (a, b) => this.cluster.sameThread(a, b),
        clientTaskManager: this.cluster.clientTaskManager,
      });
      if (plan.collectEndpoint !== undefined) {
        const endpoint = plan.collectEndpoint;
        const channel =
          endpoint.kind === 'port' ? new PortInputChannel(endpoint.port) : this.cluster.clientChannels.openInput(endpoint);
        this.#collect = new CollectIterator(channel, this.#outcome(), () => this.cancel());
      }
      const jobMetrics = this.cluster.jobManagerMetrics.addJob(this.jobId, this.jobName);
      // Restarts come with restart strategies; until then a job never restarts.
      jobMetrics.gauge('numRestarts', { getValue: () => 0 });
      jobMetrics.gauge('uptime', { getValue: () => (this.#status === JobStatus.RUNNING ? this.clock.now() - this.#startTime : 0) });
      void this.#terminated.then(() => jobMetrics.close());
      this.#transition(JobStatus.RUNNING);
      for (const vertex of graph.vertices) {
        plan.tasks.get(vertex.id)!.forEach((spec, subtask) => {
          const tm = this.cluster.taskManagers[assignment.get(vertex.id)![subtask]!]!;
          const running = tm.deploy(spec, this.pipeline.streamGraph, this.pipeline.jobModule);
          const task = { name: `${vertex.name} (${subtask + 1}/${vertex.parallelism})`, running };
          this.#tasks.push(task);
          void running.result.then((report) => this.#onTaskResult(task, report));
        });
      }
      this.logger.info('job running', { jobId: this.jobId, tasks: this.#tasks.length });
    } catch (error) {
      // Deployment stopped half way: stop what already runs before reporting the failure.
      for (const task of this.#tasks) task.running.cancel();
      await Promise.all(this.#tasks.map((t) => t.running.result));
      this.#failure = error as Error;
      this.#transition(this.#status === JobStatus.RUNNING ? JobStatus.FAILING : JobStatus.FAILED);
      if (this.#status === JobStatus.FAILING) this.#transition(JobStatus.FAILED);
      this.#resolveTerminated();
      throw error;
    }
  }

  async cancel(): Promise<void> {
    if (isGloballyTerminal(this.#status) || this.#status === JobStatus.CANCELLING) return this.#terminated;
    this.#transition(JobStatus.CANCELLING);
    for (const task of this.#tasks) task.running.cancel();
    return this.#whenAllTasksEnd(JobStatus.CANCELED);
  }

  /** A client for this job; `terminated` is what results wait for (e.g. the cluster's shutdown after it). */
  client(done: Promise<void>): JobClient {
    return {
      getJobID: () => this.jobId,
      getJobStatus: async () => this.#status,
      cancel: () => this.cancel(),
      getVertexLoads: async () =>
        isGloballyTerminal(this.#status) ? [] : vertexLoads(this.pipeline.jobGraph, this.cluster.metricRegistry),
      getJobExecutionResult: async () => {
        await done;
        if (this.#status === JobStatus.FINISHED) {
          return new JobExecutionResult(this.jobId, (this.#statusTimestamps.get(JobStatus.FINISHED) ?? this.clock.now()) - this.#startTime);
        }
        if (this.#status === JobStatus.CANCELED) {
          throw new JobCancellationError(this.jobId, `Job '${this.jobName}' (${this.jobId}) was cancelled`);
        }
        throw this.#failure ?? new IllegalStateError(`job ${this.jobId} ended in ${this.#status}`);
      },
    };
  }

  async #enumerateSplits(): Promise<Map<string, SourceSplit[][]>> {
    const out = new Map<string, SourceSplit[][]>();
    for (const vertex of this.pipeline.jobGraph.vertices) {
      if (!vertex.isSource) continue;
      const node = this.pipeline.streamGraph.findByOperatorId(vertex.operatorIds[0]!)!;
      const source = (node.payload as NodePayload).source!;
      const splits = await source.enumerateSplits({ parallelism: vertex.parallelism, config: this.pipeline.configuration });
      const perSubtask: SourceSplit[][] = Array.from({ length: vertex.parallelism }, () => []);
      splits.forEach((split, i) => perSubtask[i % vertex.parallelism]!.push(split));
      out.set(vertex.id, perSubtask);
    }
    return out;
  }

  #onTaskResult(task: DeployedTask, report: TaskReport): void {
    this.#reported++;
    if (report.status !== 'FAILED') {
      // The last task to report while the job runs finishes it.
      if (this.#status === JobStatus.RUNNING && this.#reported === this.#tasks.length) {
        void this.#whenAllTasksEnd(JobStatus.FINISHED, true);
      }
      return;
    }
    if (this.#status !== JobStatus.RUNNING) return; // already failing or cancelling: the first cause wins
    this.#failure = this.#jobFailure(task, report.error, report.operatorName, report.original);
    this.logger.error('task failed; failing the job', { jobId: this.jobId, task: task.name, error: report.error.message });
    this.#transition(JobStatus.FAILING);
    for (const other of this.#tasks) if (other !== task) other.running.cancel();
    void this.#whenAllTasksEnd(JobStatus.FAILED);
  }

  /** Once every task has reported, move to `status` (for FINISHED only if no task failed meanwhile). */
  async #whenAllTasksEnd(status: JobStatus, onlyIfRunning = false): Promise<void> {
    const reports = await Promise.all(this.#tasks.map((t) => t.running.result));
    if (onlyIfRunning && (this.#status !== JobStatus.RUNNING || reports.some((r) => r.status !== 'FINISHED'))) return;
    if (isGloballyTerminal(this.#status)) return;
    this.#transition(status);
    this.#resolveTerminated();
  }

  #jobFailure(task: DeployedTask, error: SerializedError, operatorName: string | undefined, original: unknown): Error {
    const cause = original instanceof Error ? original : deserializeError(error);
    const where = operatorName !== undefined ? `operator '${operatorName}' in task '${task.name}'` : `task '${task.name}'`;
    const message = `Job '${this.jobName}' (${this.jobId}) failed: ${where} threw ${error.name}: ${error.message}`;
    const failure = new JobExecutionError(this.jobId, message, { cause });
    failure.stack = `${failure.name}: ${message}\n    at ${where}\nCaused by: ${error.stack ?? `${error.name}: ${error.message}`}`;
    return failure;
  }

  /** Settles with the job: resolves with FINISHED or CANCELED, rejects with the failure. */
  #outcome(): Promise<'FINISHED' | 'CANCELED'> {
    return this.#terminated.then(() => {
      if (this.#status === JobStatus.FAILED) throw this.#failure;
      return this.#status === JobStatus.CANCELED ? 'CANCELED' : 'FINISHED';
    });
  }

  #transition(to: JobStatus): void {
    if (!canTransition(this.#status, to)) {
      throw new IllegalStateError(`job ${this.jobId} cannot go from ${this.#status} to ${to}`);
    }
    this.#status = to;
    this.#statusTimestamps.set(to, this.clock.now());
  }
}
