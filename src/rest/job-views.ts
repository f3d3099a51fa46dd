// Jobs in Flink's REST JSON: overview entries, details with vertices, plan, exceptions and checkpoint statistics.

import type { Pipeline } from '../api/executor.ts';
import type { DispatcherJob } from '../cluster/dispatcher-job.ts';
import type { CompletedCheckpoint } from '../checkpoint/checkpoint-coordinator.ts';
import { CheckpointingOptions, StateBackendOptions } from '../config/checkpointing-options.ts';
import { JobStatus } from '../core/job-status.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import type { SubtaskExecutionState } from '../runtime/job-master.ts';

/** Flink's ExecutionState names, in the order its REST API lists them. */
const EXECUTION_STATES = [
  'CREATED',
  'SCHEDULED',
  'DEPLOYING',
  'RUNNING',
  'FINISHED',
  'CANCELING',
  'CANCELED',
  'FAILED',
  'RECONCILING',
  'INITIALIZING',
] as const;

type StateCounts = Record<(typeof EXECUTION_STATES)[number], number>;

function countStates(states: readonly SubtaskExecutionState[]): StateCounts {
  const counts = Object.fromEntries(EXECUTION_STATES.map((s) => [s, 0])) as StateCounts;
  for (const s of states) counts[s]++;
  return counts;
}

/** A vertex's state from its subtasks' (Flink's aggregate ExecutionJobVertex state). */
export function aggregateState(states: readonly SubtaskExecutionState[]): SubtaskExecutionState {
  const c = countStates(states);
  if (c.FAILED > 0) return 'FAILED';
  if (c.CANCELING > 0) return 'CANCELING';
  if (c.CANCELED > 0) return 'CANCELED';
  if (c.RUNNING > 0) return 'RUNNING';
  if (c.DEPLOYING > 0) return 'DEPLOYING';
  if (states.length > 0 && c.FINISHED === states.length) return 'FINISHED';
  return 'CREATED';
}

function times(job: DispatcherJob, now: number): { start: number; end: number; duration: number } {
  const start = job.master.startTime;
  const end = job.endTime ?? -1;
  return { start, end, duration: (end === -1 ? now : end) - start };
}

function lastModification(job: DispatcherJob): number {
  return Math.max(...job.master.statusTimestamps.values());
}

/** One entry of `GET /jobs/overview`. */
export function jobOverviewEntry(job: DispatcherJob, now: number): Record<string, unknown> {
  const t = times(job, now);
  const all = [...job.master.subtaskStates().values()].flat();
  const c = countStates(all);
  return {
    jid: job.jobId,
    name: job.name,
    state: job.status,
    'start-time': t.start,
    'end-time': t.end,
    duration: t.duration,
    'last-modification': lastModification(job),
    tasks: {
      total: all.length,
      created: c.CREATED,
      scheduled: c.SCHEDULED,
      deploying: c.DEPLOYING,
      running: c.RUNNING,
      finished: c.FINISHED,
      canceling: c.CANCELING,
      canceled: c.CANCELED,
      failed: c.FAILED,
      reconciling: c.RECONCILING,
      initializing: c.INITIALIZING,
    },
    'pending-operators': 0,
  };
}

/** `GET /jobs/:jobid`: the job with its status timestamps and vertices (status, subtask states, record counts). */
export function jobDetails(job: DispatcherJob, now: number): Record<string, unknown> {
  const t = times(job, now);
  const states = job.master.subtaskStates();
  const timestamps = Object.fromEntries(Object.values(JobStatus).map((s) => [s, job.master.statusTimestamps.get(s) ?? 0]));
  const vertices = job.pipeline.jobGraph.vertices.map((v) => {
    const subtasks = states.get(v.id) ?? [];
    const io = job.vertexIo(v.id);
    return {
      id: v.id,
      slotSharingGroupId: v.slotSharingGroup,
      name: v.name,
      maxParallelism: v.maxParallelism,
      parallelism: v.parallelism,
      status: aggregateState(subtasks),
      'start-time': t.start,
      'end-time': t.end,
      duration: t.duration,
      tasks: countStates(subtasks),
      metrics: {
        'read-bytes': 0,
        'read-bytes-complete': false,
        'write-bytes': io.bytesOut,
        'write-bytes-complete': true,
        'read-records': io.recordsIn,
        'read-records-complete': true,
        'write-records': io.recordsOut,
        'write-records-complete': true,
      },
    };
  });
  return {
    jid: job.jobId,
    name: job.name,
    isStoppable: false,
    state: job.status,
    'job-type': 'STREAMING',
    'start-time': t.start,
    'end-time': t.end,
    duration: t.duration,
    maxParallelism: -1,
    now,
    timestamps,
    vertices,
    'status-counts': countStates([...states.values()].flat()),
    plan: planOf(job.pipeline.jobGraph),
    'pending-operators': 0,
    ...(job.rescaledTo !== undefined ? { 'rescaled-to': job.rescaledTo } : {}),
  };
}

/** Flink's JSON plan of a job graph: one node per vertex with its inputs. */
export function planOf(graph: JobGraph): Record<string, unknown> {
  return {
    jid: graph.jobId,
    name: graph.jobName,
    type: 'STREAMING',
    nodes: graph.vertices.map((v) => ({
      id: v.id,
      parallelism: v.parallelism,
      operator: '',
      operator_strategy: '',
      description: v.operators.map((o) => o.name).join(' -> '),
      ...(v.inputs.length > 0
        ? {
            inputs: v.inputs.map((e, num) => ({
              num,
              id: e.sourceVertexId,
              ship_strategy: e.shipStrategy,
              exchange: 'pipelined_bounded',
            })),
          }
        : {}),
      optimizer_properties: {},
    })),
  };
}

/** `GET /jars/:jarid/plan` and `/jobs/:jobid/plan`. */
export function planResponse(pipeline: Pick<Pipeline, 'jobGraph'>): Record<string, unknown> {
  return { plan: planOf(pipeline.jobGraph) };
}

/** `GET /jobs/:jobid/exceptions`: the root (latest) exception and the history, newest first. */
export function jobExceptions(job: DispatcherJob): Record<string, unknown> {
  const history = [...job.master.exceptionHistory].reverse();
  const latest = history[0];
  return {
    'root-exception': latest?.stacktrace ?? null,
    timestamp: latest?.timestamp ?? null,
    'all-exceptions': [],
    truncated: false,
    exceptionHistory: {
      entries: history.map((e) => ({
        exceptionName: e.exceptionName,
        stacktrace: e.stacktrace,
        timestamp: e.timestamp,
        taskName: e.taskName ?? null,
        endpoint: null,
        taskManagerId: null,
        failureLabels: {},
        concurrentExceptions: [],
      })),
      truncated: false,
    },
  };
}

/** Completed checkpoints and savepoints the job knows of, newest first, one per id. */
function completedHistory(job: DispatcherJob): CompletedCheckpoint[] {
  const byId = new Map<number, CompletedCheckpoint>();
  for (const c of job.master.checkpointCoordinator?.retained ?? []) byId.set(c.checkpointId, c);
  for (const s of job.savepoints) byId.set(s.checkpointId, s);
  return [...byId.values()].sort((a, b) => b.checkpointId - a.checkpointId);
}

function numSubtasks(job: DispatcherJob): number {
  return job.pipeline.jobGraph.vertices.reduce((n, v) => n + v.parallelism, 0);
}

/** One completed checkpoint or savepoint in Flink's CheckpointStatistics shape. */
export function checkpointStatistics(job: DispatcherJob, c: CompletedCheckpoint): Record<string, unknown> {
  const subtasks = numSubtasks(job);
  const duration = Math.max(0, c.completedAt - c.timestamp);
  const isSavepoint = c.type === 'SAVEPOINT';
  const tasks = Object.fromEntries(
    job.pipeline.jobGraph.vertices.map((v) => [
      v.id,
      {
        id: c.checkpointId,
        status: 'COMPLETED',
        latest_ack_timestamp: c.completedAt,
        checkpointed_size: 0,
        state_size: 0,
        end_to_end_duration: duration,
        alignment_buffered: 0,
        processed_data: 0,
        persisted_data: 0,
        num_subtasks: v.parallelism,
        num_acknowledged_subtasks: v.parallelism,
      },
    ]),
  );
  return {
    className: 'completed',
    id: c.checkpointId,
    status: 'COMPLETED',
    is_savepoint: isSavepoint,
    ...(isSavepoint ? { savepointFormat: 'CANONICAL' } : {}),
    trigger_timestamp: c.timestamp,
    latest_ack_timestamp: c.completedAt,
    checkpointed_size: c.stateSize,
    state_size: c.stateSize,
    end_to_end_duration: duration,
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: subtasks,
    num_acknowledged_subtasks: subtasks,
    checkpoint_type: isSavepoint ? 'SAVEPOINT' : 'CHECKPOINT',
    tasks,
    external_path: c.externalPath === undefined ? '<checkpoint-not-externally-addressable>' : c.externalPath,
    discarded: false,
  };
}

function summary(values: readonly number[]): Record<string, number> {
  if (values.length === 0) return { min: 0, max: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return {
    min: sorted[0]!,
    max: sorted.at(-1)!,
    avg: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    p999: q(0.999),
  };
}

/**
 * `GET /jobs/:jobid/checkpoints`: counts from the coordinator, the latest completed checkpoint and savepoint,
 * the savepoint the job started from, and the history of completed checkpoints still retained plus the
 * savepoints taken through the REST API (failed and in-progress ones appear in the counts only).
 */
export function checkpointingStatistics(job: DispatcherJob): Record<string, unknown> {
  const stats = job.master.checkpointCoordinator?.stats;
  const history = completedHistory(job);
  const latestCheckpoint = history.find((c) => c.type === 'CHECKPOINT');
  const latestSavepoint = history.find((c) => c.type === 'SAVEPOINT');
  const restored = job.restoredFrom;
  const completed = stats?.numberOfCompletedCheckpoints ?? 0;
  const failed = stats?.numberOfFailedCheckpoints ?? 0;
  const inProgress = stats?.numberOfInProgressCheckpoints ?? 0;
  const durations = history.map((c) => Math.max(0, c.completedAt - c.timestamp));
  const sizes = history.map((c) => c.stateSize);
  const zeros = summary([]);
  return {
    counts: {
      restored: (restored !== undefined ? 1 : 0) + job.master.numRestarts,
      total: completed + failed + inProgress,
      in_progress: inProgress,
      completed,
      failed,
    },
    summary: {
      checkpointed_size: summary(sizes),
      state_size: summary(sizes),
      end_to_end_duration: summary(durations),
      alignment_buffered: zeros,
      processed_data: zeros,
      persisted_data: zeros,
    },
    latest: {
      completed: latestCheckpoint === undefined ? null : checkpointStatistics(job, latestCheckpoint),
      savepoint: latestSavepoint === undefined ? null : checkpointStatistics(job, latestSavepoint),
      failed: null,
      restored:
        restored === undefined
          ? null
          : { id: 0, restore_timestamp: job.master.startTime, is_savepoint: true, external_path: restored },
    },
    history: history.map((c) => checkpointStatistics(job, c)),
  };
}

/** `GET /jobs/:jobid/checkpoints/details/:checkpointid`, or undefined when the job knows no such checkpoint. */
export function checkpointDetails(job: DispatcherJob, checkpointId: number): Record<string, unknown> | undefined {
  const c = completedHistory(job).find((x) => x.checkpointId === checkpointId);
  return c === undefined ? undefined : checkpointStatistics(job, c);
}

/** `GET /jobs/:jobid/checkpoints/config`, or undefined when periodic checkpointing is off (Flink answers 404). */
export function checkpointConfig(job: DispatcherJob): Record<string, unknown> | undefined {
  const conf = job.pipeline.configuration;
  const interval = conf.get(CheckpointingOptions.INTERVAL);
  if (interval <= 0) return undefined;
  const externalized = conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT);
  return {
    mode: conf.get(CheckpointingOptions.MODE) === 'EXACTLY_ONCE' ? 'exactly_once' : 'at_least_once',
    interval,
    timeout: conf.get(CheckpointingOptions.TIMEOUT),
    min_pause: conf.get(CheckpointingOptions.MIN_PAUSE),
    max_concurrent: conf.get(CheckpointingOptions.MAX_CONCURRENT),
    externalization: {
      enabled: externalized !== 'NO_EXTERNALIZED_CHECKPOINTS',
      delete_on_cancellation: externalized !== 'RETAIN_ON_CANCELLATION',
    },
    state_backend: conf.get(StateBackendOptions.STATE_BACKEND),
    checkpoint_storage: conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY) === '' ? 'JobManagerCheckpointStorage' : 'FileSystemCheckpointStorage',
    unaligned_checkpoints: false,
    tolerable_failed_checkpoints: conf.get(CheckpointingOptions.TOLERABLE_FAILURES),
    aligned_checkpoint_timeout: 0,
    checkpoints_after_tasks_finish: true,
    state_changelog_enabled: false,
  };
}

/** `GET /jobs/:jobid/config`: the job's configuration as Flink's execution config user entries. */
export function jobConfig(job: DispatcherJob): Record<string, unknown> {
  return {
    jid: job.jobId,
    name: job.name,
    'execution-config': {
      'execution-mode': 'PIPELINED',
      'restart-strategy': String(job.pipeline.configuration.getRaw('restart-strategy.type') ?? 'default'),
      'job-parallelism': Math.max(...job.pipeline.jobGraph.vertices.map((v) => v.parallelism)),
      'object-reuse-mode': false,
      'user-config': maskSensitive(job.pipeline.configuration.toMap()),
    },
  };
}

/** Flink's rule for values never shown: keys naming passwords, secrets, tokens and keys. */
export function isSensitiveKey(key: string): boolean {
  return /password|secret|token|apikey|api-key|auth-params|service-key|basic-auth|jaas\.config|account\.key/i.test(key);
}

export function maskSensitive<V>(entries: Readonly<Record<string, V>>): Record<string, V | string> {
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, isSensitiveKey(k) ? '******' : v]));
}
