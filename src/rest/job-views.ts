// Jobs in Flink's REST JSON: overview entries, details with vertices, plan and exceptions (checkpoints: checkpoint-views.ts).

import type { Pipeline } from '../api/executor.ts';
import type { DispatcherJob } from '../cluster/dispatcher-job.ts';
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
