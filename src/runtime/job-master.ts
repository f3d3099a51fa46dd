// Runs one job: plans and deploys its subtasks, follows their results, and drives the job status (one table).

import { JobExecutionResult, type JobClient } from '../api/job-client.ts';
import type { Pipeline } from '../api/executor.ts';
import type { SourceSplit } from '../api/source.ts';
import type { NodePayload } from '../api/transformation.ts';
import { TaskManagerOptions } from '../config/options.ts';
import type { Clock } from '../core/clock.ts';
import { IllegalStateError, JobCancellationError } from '../core/errors.ts';
import { jobFailure } from './failure-annotation.ts';
import { canTransition, isGloballyTerminal, JobStatus } from '../core/job-status.ts';
import { componentLogger, type Logger } from '../core/logger.ts';
import { CollectIterator } from './collect-iterator.ts';
import { planDeployment } from './deployment-planner.ts';
import type { ThreadChannels } from './channel-endpoints.ts';
import { assignSlots } from './scheduler.ts';
import type { RunningTask, TaskManager, TaskReport } from './task-manager.ts';
import { PortInputChannel } from './network/port-channel.ts';
import type { JobManagerMetricGroup } from '../metrics/job-manager-metric-group.ts';
import type { MetricRegistry } from '../metrics/metric-registry.ts';
import { vertexLoads } from './metrics/vertex-loads.ts';
import {
  CheckpointCoordinator,
  taskKey,
  type CompletedCheckpoint,
  type OperatorDescription,
} from '../checkpoint/checkpoint-coordinator.ts';
import { CheckpointStorage } from '../checkpoint/checkpoint-storage.ts';
import { CheckpointingOptions } from '../config/checkpointing-options.ts';
import { rm } from 'node:fs/promises';
import type { DataAddress, TaskCheckpointSettings, TaskSpec } from './protocol.ts';
import { createRestartBackoffTimeStrategy, type RestartBackoffTimeStrategy } from './restart-backoff.ts';
import type { SlotAssignment } from './scheduler.ts';
import {
  checkpointSettings,
  loadInitialSavepoint,
  localRecoveryRoot,
  registerCheckpointMetrics,
  restoreSpecFor,
  retainCheckpointsWhenEnding,
} from './job-checkpointing.ts';
import { dirname, join } from 'node:path';

export interface ClusterView {
  readonly taskManagers: readonly TaskManager[];
  /** Whether two TaskManagers (by index) share a thread. */
  sameThread(a: number, b: number): boolean;
  /** Whether two TaskManagers (by index; -1: the client) share a process; absent: all are in this process. */
  sameProcess?(a: number, b: number): boolean;
  /** Where the process of TaskManager `tm` (-1: the client) accepts data channels from other processes. */
  dataAddress?(tm: number): DataAddress;
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
  readonly isSource: boolean;
  /** The task reported its end of input: it waits, and takes checkpoints without barriers. */
  atEndOfInput: boolean;
}

/** A subtask's execution state, with Flink's ExecutionState names (as the REST API reports them). */
export type SubtaskExecutionState = 'CREATED' | 'DEPLOYING' | 'RUNNING' | 'FINISHED' | 'CANCELING' | 'CANCELED' | 'FAILED';

/** One entry of the exception history (Flink's `/jobs/:id/exceptions`). */
export interface ExceptionHistoryEntry {
  readonly timestamp: number;
  readonly exceptionName: string;
  readonly message: string;
  readonly stacktrace: string;
  readonly taskName: string | undefined;
  /** Whether the job restarted after it. */
  readonly restarted: boolean;
}

export class JobMaster {
  readonly jobId: string;
  readonly jobName: string;
  #status: JobStatus = JobStatus.CREATED;
  readonly #statusTimestamps = new Map<JobStatus, number>();
  /** The tasks of the current attempt. */
  #tasks: DeployedTask[] = [];
  /** How many tasks of the current attempt have reported their result. */
  #reported = 0;
  /** Tasks of the current attempt waiting at end of input for the final checkpoint. */
  #atEndOfInput = 0;
  /** Tasks of the current attempt that opened their operators. */
  #runningTasks = 0;
  #attempt = 0;
  #failure: Error | undefined;
  readonly #terminated: Promise<void>;
  #resolveTerminated!: () => void;
  #collect: CollectIterator<unknown> | undefined;
  readonly #startTime: number;
  #assignment: SlotAssignment | undefined;
  #splits: Map<string, SourceSplit[][]> | undefined;
  #coordinator: CheckpointCoordinator | undefined;
  readonly #restartStrategy: RestartBackoffTimeStrategy;
  #numRestarts = 0;
  /** Set by stopWithSavepoint: task results (cancelled) no longer count as failures or as the job's end. */
  #stopping = false;
  /** A stop with --drain in progress: the final checkpoint is a savepoint into `directory`. */
  #drain: { directory: string; resolve: (c: CompletedCheckpoint) => void; reject: (e: Error) => void } | undefined;
  readonly exceptionHistory: ExceptionHistoryEntry[] = [];
  readonly #checkpointing: TaskCheckpointSettings;
  /** Execution state of each subtask of the current attempt, by `taskKey(vertexId, subtask)`. */
  readonly #subtaskStates = new Map<string, SubtaskExecutionState>();

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
    const conf = pipeline.configuration;
    this.#restartStrategy = createRestartBackoffTimeStrategy(conf);
    this.#checkpointing = checkpointSettings(conf, this.jobId);
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

  get numRestarts(): number {
    return this.#numRestarts;
  }

  /** When the job was created (ms since the epoch, by the JobMaster's clock). */
  get startTime(): number {
    return this.#startTime;
  }

  /** When the job entered each status it went through (Flink's job `timestamps`). */
  get statusTimestamps(): ReadonlyMap<JobStatus, number> {
    return this.#statusTimestamps;
  }

  /** The job graph this JobMaster runs. */
  get jobGraph(): Pipeline['jobGraph'] {
    return this.pipeline.jobGraph;
  }

  /** Execution state of every subtask of the current attempt, by vertex id (index = subtask). */
  subtaskStates(): Map<string, SubtaskExecutionState[]> {
    const cancelling = this.#status === JobStatus.CANCELLING;
    const out = new Map<string, SubtaskExecutionState[]>();
    for (const v of this.pipeline.jobGraph.vertices) {
      out.set(
        v.id,
        Array.from({ length: v.parallelism }, (_, i) => {
          const state = this.#subtaskStates.get(taskKey(v.id, i)) ?? 'CREATED';
          return cancelling && (state === 'DEPLOYING' || state === 'RUNNING' || state === 'CREATED') ? 'CANCELING' : state;
        }),
      );
    }
    return out;
  }

  /** The checkpoint coordinator, when checkpointing (or savepoints) are possible. */
  get checkpointCoordinator(): CheckpointCoordinator | undefined {
    return this.#coordinator;
  }

  /** Plans, deploys every subtask and switches to RUNNING. Throws (and ends FAILED) if the job cannot start. */
  async start(): Promise<void> {
    const graph = this.pipeline.jobGraph;
    try {
      this.#assignment = assignSlots(
        graph,
        this.cluster.taskManagers.map((tm) => tm.numberOfSlots),
      );
      this.#splits = await this.#enumerateSplits();
      const restoreFrom = await loadInitialSavepoint(this.pipeline.configuration, this.pipeline.jobGraph, this.logger);
      await this.#startCheckpointing(restoreFrom);
      const jobMetrics = this.cluster.jobManagerMetrics.addJob(this.jobId, this.jobName);
      jobMetrics.gauge('numRestarts', { getValue: () => this.#numRestarts });
      jobMetrics.gauge('fullRestarts', { getValue: () => this.#numRestarts });
      jobMetrics.gauge('uptime', { getValue: () => (this.#status === JobStatus.RUNNING ? this.clock.now() - this.#startTime : 0) });
      registerCheckpointMetrics(jobMetrics, () => this.#coordinator?.stats);
      void this.#terminated.then(() => jobMetrics.close());
      this.#transition(JobStatus.RUNNING);
      this.#deployAttempt(restoreFrom);
      this.logger.info('job running', { jobId: this.jobId, tasks: this.#tasks.length });
    } catch (error) {
      // Deployment stopped half way: stop what already runs before reporting the failure.
      for (const task of this.#tasks) task.running.cancel();
      await Promise.all(this.#tasks.map((t) => t.running.result));
      await this.#coordinator?.shutdown(false);
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
    this.#coordinator?.stop('the job is being cancelled');
    for (const task of this.#tasks) task.running.cancel();
    return this.#whenAllTasksEnd(JobStatus.CANCELED);
  }

  /** Takes a savepoint of the running job into `targetDirectory` (default `state.savepoints.dir`). */
  async triggerSavepoint(targetDirectory?: string): Promise<CompletedCheckpoint> {
    if (this.#status !== JobStatus.RUNNING || this.#coordinator === undefined) {
      throw new IllegalStateError(`job ${this.jobId} is ${this.#status}: a savepoint needs a running job`);
    }
    return this.#coordinator.triggerSavepoint(this.#savepointDirectory(targetDirectory));
  }

  /**
   * Takes a savepoint and stops the job (it ends FINISHED). With `drain`, sources end their input first, so the
   * maximum watermark fires every event-time window and timer, and the savepoint is taken once all is done.
   */
  async stopWithSavepoint(targetDirectory?: string, drain = false): Promise<CompletedCheckpoint> {
    if (drain) return this.#stopWithDrain(targetDirectory);
    const savepoint = await this.triggerSavepoint(targetDirectory);
    if (this.#status !== JobStatus.RUNNING) return savepoint;
    this.#coordinator?.stop('the job stops with a savepoint');
    const tasks = this.#tasks;
    this.#stopping = true;
    for (const task of tasks) task.running.cancel();
    await Promise.all(tasks.map((t) => t.running.result));
    if (this.#status === JobStatus.RUNNING && tasks === this.#tasks) {
      await this.#coordinator?.shutdown(false);
      this.#transition(JobStatus.FINISHED);
      this.#resolveTerminated();
    }
    return savepoint;
  }

  async #stopWithDrain(targetDirectory: string | undefined): Promise<CompletedCheckpoint> {
    const directory = this.#savepointDirectory(targetDirectory);
    if (this.#status !== JobStatus.RUNNING) {
      throw new IllegalStateError(`job ${this.jobId} is ${this.#status}: stopping needs a running job`);
    }
    const done = new Promise<CompletedCheckpoint>((resolve, reject) => (this.#drain = { directory, resolve, reject }));
    for (const t of this.#tasks) if (t.isSource) t.running.drain();
    const savepoint = await done;
    await this.#terminated;
    return savepoint;
  }

  #savepointDirectory(targetDirectory: string | undefined): string {
    const dir = targetDirectory ?? (this.pipeline.configuration.get(CheckpointingOptions.SAVEPOINT_DIRECTORY) || undefined);
    if (dir === undefined) {
      throw new IllegalStateError(
        'No savepoint directory: give one (sluice savepoint <jobId> <dir>, triggerSavepoint(dir)) or set state.savepoints.dir',
      );
    }
    return dir;
  }

  /** A client for this job; `terminated` is what results wait for (e.g. the cluster's shutdown after it). */
  client(done: Promise<void>): JobClient {
    return {
      getJobID: () => this.jobId,
      getJobStatus: async () => this.#status,
      cancel: () => this.cancel(),
      getVertexLoads: async () =>
        isGloballyTerminal(this.#status) ? [] : vertexLoads(this.pipeline.jobGraph, this.cluster.metricRegistry),
      triggerSavepoint: async (dir) => dirname((await this.triggerSavepoint(dir)).externalPath!),
      stopWithSavepoint: async (dir, drain) => dirname((await this.stopWithSavepoint(dir, drain)).externalPath!),
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

  /** Creates checkpoint storage and the coordinator (periodic checkpoints only with an interval). */
  async #startCheckpointing(restoredFrom: CompletedCheckpoint | undefined): Promise<void> {
    const settings = this.#checkpointing;
    const conf = this.pipeline.configuration;
    const checkpointLogger = componentLogger(this.logger, 'sluice.checkpoint');
    const storage = new CheckpointStorage({
      jobId: this.jobId,
      // _metadata goes to the directory whenever there is one (inline state with jobmanager storage).
      checkpointsDirectory: conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY) || undefined,
      compression: settings.compression,
      inlineLimitBytes: settings.inlineLimitBytes,
    });
    await storage.initialize();
    const graph = this.pipeline.jobGraph;
    const operators: OperatorDescription[] = graph.vertices.flatMap((v) =>
      v.operators.map((op) => ({
        operatorId: op.operatorId,
        uid: op.uid,
        name: op.name,
        parallelism: v.parallelism,
        maxParallelism: v.maxParallelism,
        vertexId: v.id,
      })),
    );
    const tasks = graph.vertices.flatMap((v) => Array.from({ length: v.parallelism }, (_, i) => taskKey(v.id, i)));
    this.#coordinator = new CheckpointCoordinator(
      {
        interval: conf.get(CheckpointingOptions.INTERVAL),
        minPause: conf.get(CheckpointingOptions.MIN_PAUSE),
        maxConcurrent: conf.get(CheckpointingOptions.MAX_CONCURRENT),
        timeout: conf.get(CheckpointingOptions.TIMEOUT),
        tolerableFailures: conf.get(CheckpointingOptions.TOLERABLE_FAILURES),
        numRetained: conf.get(CheckpointingOptions.NUM_RETAINED),
        historySize: conf.get(CheckpointingOptions.HISTORY_SIZE),
      },
      storage,
      {
        triggerSources: (id, ts, type, final, target) => {
          // Running sources start the barriers; tasks already at their end of input (Flink: checkpoints after
          // tasks finished) snapshot themselves, since no barrier reaches them any more.
          for (const t of this.#tasks) {
            if (final || t.isSource || t.atEndOfInput) t.running.triggerCheckpoint(id, ts, type, target, final);
          }
        },
        notifyComplete: (id) => {
          for (const t of this.#tasks) t.running.notifyCheckpointComplete(id);
        },
        notifyAborted: (id) => {
          for (const t of this.#tasks) t.running.notifyCheckpointAborted(id);
        },
        failJob: (error) => this.#onFailure(error, undefined),
        now: () => this.clock.now(),
        schedule: (fn, delay) => {
          const timer = setTimeout(fn, delay);
          return { cancel: () => clearTimeout(timer) };
        },
        log: (message, fields) => checkpointLogger.info(message, { jobId: this.jobId, ...fields }),
      },
      this.jobId,
      operators,
      tasks,
      // A savepoint is never the coordinator's to retain or delete; only its id continues the sequence.
      restoredFrom === undefined ? undefined : { ...restoredFrom, type: 'SAVEPOINT' },
    );
  }

  /** Deploys every subtask as attempt `this.#attempt`, restoring from `restore` when given. */
  #deployAttempt(restore: CompletedCheckpoint | undefined): void {
    const graph = this.pipeline.jobGraph;
    const assignment = this.#assignment!;
    const conf = this.pipeline.configuration;
    const attempt = this.#attempt;
    const plan = planDeployment(graph, assignment, {
      attemptNumber: attempt,
      capacity: conf.get(TaskManagerOptions.BUFFERS_PER_CHANNEL),
      configuration: conf.toMap(),
      splits: this.#splits!,
      collectOperatorId: this.pipeline.collectOperatorId,
      sameThread: (a, b) => this.cluster.sameThread(a, b),
      ...(this.cluster.sameProcess === undefined ? {} : { sameProcess: (a: number, b: number) => this.cluster.sameProcess!(a, b) }),
      ...(this.cluster.dataAddress === undefined ? {} : { dataAddress: (tm: number) => this.cluster.dataAddress!(tm) }),
      clientTaskManager: this.cluster.clientTaskManager,
    });
    if (plan.collectEndpoint !== undefined) {
      const endpoint = plan.collectEndpoint;
      const channel =
        endpoint.kind === 'port' ? new PortInputChannel(endpoint.port) : this.cluster.clientChannels.openInput(endpoint);
      if (this.#collect === undefined) this.#collect = new CollectIterator(channel, this.#outcome(), () => this.cancel());
      else this.#collect.replaceChannel(channel);
    }
    this.#tasks = [];
    this.#reported = 0;
    this.#atEndOfInput = 0;
    this.#runningTasks = 0;
    for (const vertex of graph.vertices) {
      plan.tasks.get(vertex.id)!.forEach((planned, subtask) => {
        let spec: TaskSpec = planned;
        const tmIndex = assignment.get(vertex.id)![subtask]!;
        spec = { ...spec, checkpointing: this.#taskCheckpointing(tmIndex, vertex.id, subtask) };
        if (restore !== undefined) spec = { ...spec, restore: restoreSpecFor(restore, vertex, subtask) };
        const tm = this.cluster.taskManagers[assignment.get(vertex.id)![subtask]!]!;
        const key = taskKey(vertex.id, subtask);
        const current = (): boolean => this.#attempt === attempt;
        this.#subtaskStates.set(key, 'DEPLOYING');
        const running = tm.deploy(spec, this.pipeline.streamGraph, this.pipeline.jobModule, {
          acknowledgeCheckpoint: (id, state) => {
            if (current()) this.#coordinator?.acknowledge(key, id, state);
          },
          declineCheckpoint: (id, error) => {
            if (current()) this.#coordinator?.decline(key, id, error instanceof Error ? error : new Error(String(error)));
          },
          endOfInput: () => {
            if (!current()) return;
            task.atEndOfInput = true;
            this.#onEndOfInput();
          },
          running: () => {
            if (current()) this.#subtaskStates.set(key, 'RUNNING');
            // Checkpoints start once every task runs (Flink: not before all tasks are RUNNING).
            if (current() && ++this.#runningTasks === this.#tasks.length && this.#status === JobStatus.RUNNING) {
              this.#coordinator?.start();
            }
          },
        });
        const task: DeployedTask = {
          name: `${vertex.name} (${subtask + 1}/${vertex.parallelism})`,
          running,
          isSource: vertex.isSource,
          atEndOfInput: false,
        };
        this.#tasks.push(task);
        void running.result.then((report) => {
          if (current()) this.#subtaskStates.set(key, report.status);
          if (current()) this.#onTaskResult(task, report);
        });
      });
    }
  }

  /**
   * A task's checkpoint settings; with local recovery, its local-state directory on its TaskManager (the same
   * slot after a restart, since assignment is stable, so the copy is found there).
   */
  #taskCheckpointing(tmIndex: number, vertexId: string, subtask: number): TaskCheckpointSettings {
    const root = this.#localRecoveryRoot;
    if (root === undefined) return this.#checkpointing;
    const tm = this.cluster.taskManagers[tmIndex]!.id;
    return { ...this.#checkpointing, localRecoveryDir: join(root, tm, `${vertexId}-${subtask}`) };
  }

  get #localRecoveryRoot(): string | undefined {
    return localRecoveryRoot(this.pipeline.configuration, this.jobId);
  }

  /** A task reached its end of input (checkpointing on): once all have, they may publish (final commit). */
  #onEndOfInput(): void {
    const coordinator = this.#coordinator;
    this.#atEndOfInput++;
    if (this.#atEndOfInput !== this.#tasks.length || this.#status !== JobStatus.RUNNING) return;
    const drain = this.#drain;
    const checkpointing = this.pipeline.configuration.get(CheckpointingOptions.INTERVAL) > 0;
    if (coordinator === undefined || (!checkpointing && drain === undefined)) {
      for (const t of this.#tasks) t.running.finish();
      return;
    }
    // Every task is at its end: checkpoint (or, stopping with --drain, savepoint) them all one last time; they
    // finish once it is complete.
    const attempt = this.#attempt;
    coordinator.triggerFinalCheckpoint(drain?.directory).then(
      (completed) => drain?.resolve(completed),
      (error: unknown) => {
        drain?.reject(error as Error);
        if (this.#attempt === attempt) this.#onFailure(error as Error, undefined);
      },
    );
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
    if (this.#stopping) return;
    if (report.status !== 'FAILED') {
      // The last task to report while the job runs finishes it.
      if (this.#status === JobStatus.RUNNING && this.#reported === this.#tasks.length) {
        void this.#whenAllTasksEnd(JobStatus.FINISHED, true);
      }
      return;
    }
    this.#onFailure(jobFailure(this.jobName, this.jobId, task.name, report.error, report.operatorName, report.original), task);
  }

  /**
   * A task failed or checkpoints failed too often: restart from the latest completed checkpoint if the restart
   * strategy allows (RUNNING -> RESTARTING -> RUNNING), else fail the job (FAILING -> FAILED).
   */
  #onFailure(failure: Error, task: DeployedTask | undefined): void {
    if (this.#status !== JobStatus.RUNNING) return; // already failing, restarting or cancelling: the first cause wins
    const now = this.clock.now();
    this.#restartStrategy.notifyFailure(now);
    const restart = this.#restartStrategy.canRestart(now);
    const cause = failure.cause instanceof Error ? failure.cause : failure;
    this.exceptionHistory.push({
      timestamp: now,
      exceptionName: cause.name,
      message: failure.message,
      stacktrace: failure.stack ?? String(failure),
      taskName: task?.name,
      restarted: restart,
    });
    if (this.exceptionHistory.length > 16) this.exceptionHistory.shift();
    this.#coordinator?.stop('the job is failing over');
    for (const other of this.#tasks) if (other !== task) other.running.cancel();
    if (!restart) {
      this.#failure = failure;
      this.logger.error('task failed; failing the job', { jobId: this.jobId, task: task?.name, error: failure.message });
      this.#transition(JobStatus.FAILING);
      void this.#whenAllTasksEnd(JobStatus.FAILED);
      return;
    }
    this.#transition(JobStatus.RESTARTING);
    const delay = this.#restartStrategy.getBackoffTime();
    this.logger.warn('task failed; restarting the job', {
      jobId: this.jobId,
      task: task?.name,
      error: failure.message,
      delayMs: delay,
      restart: this.#numRestarts + 1,
    });
    void this.#restartAfter(delay);
  }

  async #restartAfter(delayMs: number): Promise<void> {
    await Promise.all(this.#tasks.map((t) => t.running.result));
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (this.#status !== JobStatus.RESTARTING) return; // cancelled meanwhile
    this.#numRestarts++;
    this.#attempt++;
    const latest = this.#coordinator?.latestCompleted;
    this.#coordinator?.resume();
    this.#transition(JobStatus.RUNNING);
    try {
      this.#deployAttempt(latest);
    } catch (error) {
      this.#onFailure(error as Error, undefined);
    }
  }

  /** Once every task has reported, move to `status` (for FINISHED only if no task failed meanwhile). */
  async #whenAllTasksEnd(status: JobStatus, onlyIfRunning = false): Promise<void> {
    const tasks = this.#tasks;
    const reports = await Promise.all(tasks.map((t) => t.running.result));
    if (tasks !== this.#tasks) return; // a restart deployed new tasks meanwhile
    if (onlyIfRunning && (this.#status !== JobStatus.RUNNING || reports.some((r) => r.status !== 'FINISHED'))) return;
    if (isGloballyTerminal(this.#status)) return;
    await this.#coordinator?.shutdown(retainCheckpointsWhenEnding(this.pipeline.configuration, status));
    // The shutdown awaited: a restart or a cancel may have begun meanwhile.
    if (tasks !== this.#tasks || isGloballyTerminal(this.#status) || !canTransition(this.#status, status)) return;
    if (onlyIfRunning && this.#status !== JobStatus.RUNNING) return;
    // Local copies serve restarts of this job only.
    const localRoot = this.#localRecoveryRoot;
    if (localRoot !== undefined) await rm(localRoot, { recursive: true, force: true }).catch(() => {});
    this.#transition(status);
    this.#resolveTerminated();
  }

  /** Settles with the job: resolves with FINISHED or CANCELED, rejects with the failure. */
  #outcome(): Promise<'FINISHED' | 'CANCELED'> {
    return this.#terminated.then(() => {
      if (this.#status === JobStatus.FAILED) throw this.#failure;
      // A job stopped with a savepoint ends FINISHED, but its collect channel never sees an end: read it as cancelled.
      return this.#status === JobStatus.CANCELED || this.#stopping ? 'CANCELED' : 'FINISHED';
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
