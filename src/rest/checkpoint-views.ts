// Flink's checkpoint statistics JSON: counts, summary, latest, the recent history (in progress, completed, failed),
// the details of one checkpoint, and the checkpoint configuration.

import type { DispatcherJob } from '../cluster/dispatcher-job.ts';
import type { CompletedCheckpoint } from '../checkpoint/checkpoint-coordinator.ts';
import type { CheckpointStatsEntry } from '../checkpoint/checkpoint-stats-history.ts';
import { CheckpointingOptions, StateBackendOptions } from '../config/checkpointing-options.ts';

const NOT_EXTERNAL = '<checkpoint-not-externally-addressable>';

/**
 * `GET /jobs/:jobid/checkpoints`: counts from the coordinator; the latest completed checkpoint, savepoint and
 * failed checkpoint, and the savepoint the job started from; the recent history (`web.checkpoints.history`),
 * newest first, with in-progress and failed checkpoints beside the completed ones; summary statistics over the
 * completed ones the job still knows.
 */
export function checkpointingStatistics(job: DispatcherJob): Record<string, unknown> {
  const coordinator = job.master.checkpointCoordinator;
  const stats = coordinator?.stats;
  const entries = historyOf(job);
  const completed = entries.filter((e) => e.status === 'COMPLETED');
  const latestCheckpoint = completed.find((e) => e.type === 'CHECKPOINT');
  const latestSavepoint = completed.find((e) => e.type === 'SAVEPOINT');
  const latestFailed = entries.find((e) => e.status === 'FAILED');
  const restored = job.restoredFrom;
  const numCompleted = stats?.numberOfCompletedCheckpoints ?? 0;
  const failed = stats?.numberOfFailedCheckpoints ?? 0;
  const inProgress = stats?.numberOfInProgressCheckpoints ?? 0;
  const durations = completed.map((e) => Math.max(0, e.latestAckTimestamp - e.triggerTimestamp));
  const sizes = completed.map((e) => e.stateSize);
  const zeros = summary([]);
  return {
    counts: {
      restored: (restored !== undefined ? 1 : 0) + job.master.numRestarts,
      total: numCompleted + failed + inProgress,
      in_progress: inProgress,
      completed: numCompleted,
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
      completed: latestCheckpoint === undefined ? null : entryView(job, latestCheckpoint),
      savepoint: latestSavepoint === undefined ? null : entryView(job, latestSavepoint),
      failed: latestFailed === undefined ? null : entryView(job, latestFailed),
      restored:
        restored === undefined
          ? null
          : { id: 0, restore_timestamp: job.master.startTime, is_savepoint: true, external_path: restored },
    },
    history: entries.map((e) => entryView(job, e)),
  };
}

/** `GET /jobs/:jobid/checkpoints/details/:checkpointid`, or undefined when the job knows no such checkpoint. */
export function checkpointDetails(job: DispatcherJob, checkpointId: number): Record<string, unknown> | undefined {
  const entry = historyOf(job).find((e) => e.checkpointId === checkpointId);
  return entry === undefined ? undefined : entryView(job, entry);
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

/**
 * What the job's history shows, newest first, one entry per id: the coordinator's recent checkpoints, then the
 * completed checkpoints and savepoints it no longer lists but the job still knows (retained ones, savepoints
 * taken through the REST API), so a savepoint stays visible however many checkpoints followed it.
 */
function historyOf(job: DispatcherJob): Readonly<CheckpointStatsEntry>[] {
  const byId = new Map<number, Readonly<CheckpointStatsEntry>>();
  for (const e of job.master.checkpointCoordinator?.history.entries ?? []) byId.set(e.checkpointId, e);
  const known: CompletedCheckpoint[] = [...(job.master.checkpointCoordinator?.retained ?? []), ...job.savepoints];
  for (const c of known) if (!byId.has(c.checkpointId)) byId.set(c.checkpointId, completedEntry(job, c));
  return [...byId.values()].sort((a, b) => b.checkpointId - a.checkpointId);
}

function completedEntry(job: DispatcherJob, c: CompletedCheckpoint): CheckpointStatsEntry {
  const subtasks = numSubtasks(job);
  return {
    checkpointId: c.checkpointId,
    type: c.type,
    status: 'COMPLETED',
    triggerTimestamp: c.timestamp,
    latestAckTimestamp: c.completedAt,
    numSubtasks: subtasks,
    numAcknowledgedSubtasks: subtasks,
    acknowledgedByVertex: Object.fromEntries(job.pipeline.jobGraph.vertices.map((v) => [v.id, v.parallelism])),
    stateSize: c.stateSize,
    externalPath: c.externalPath,
    failureTimestamp: undefined,
    failureMessage: undefined,
  };
}

function numSubtasks(job: DispatcherJob): number {
  return job.pipeline.jobGraph.vertices.reduce((n, v) => n + v.parallelism, 0);
}

/** One checkpoint or savepoint in Flink's CheckpointStatistics shape (completed, failed or in progress). */
function entryView(job: DispatcherJob, e: Readonly<CheckpointStatsEntry>): Record<string, unknown> {
  const isSavepoint = e.type === 'SAVEPOINT';
  const duration = Math.max(0, e.latestAckTimestamp - e.triggerTimestamp);
  const tasks = Object.fromEntries(
    job.pipeline.jobGraph.vertices.map((v) => {
      const acknowledged = e.status === 'COMPLETED' ? v.parallelism : (e.acknowledgedByVertex[v.id] ?? 0);
      return [
        v.id,
        {
          id: e.checkpointId,
          status: e.status,
          latest_ack_timestamp: acknowledged > 0 ? e.latestAckTimestamp : -1,
          checkpointed_size: 0,
          state_size: 0,
          end_to_end_duration: acknowledged > 0 ? duration : -1,
          alignment_buffered: 0,
          processed_data: 0,
          persisted_data: 0,
          num_subtasks: v.parallelism,
          num_acknowledged_subtasks: acknowledged,
        },
      ];
    }),
  );
  const common = {
    id: e.checkpointId,
    status: e.status,
    is_savepoint: isSavepoint,
    ...(isSavepoint ? { savepointFormat: 'CANONICAL' } : {}),
    trigger_timestamp: e.triggerTimestamp,
    latest_ack_timestamp: e.latestAckTimestamp,
    checkpointed_size: e.stateSize,
    state_size: e.stateSize,
    end_to_end_duration: duration,
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: e.numSubtasks,
    num_acknowledged_subtasks: e.numAcknowledgedSubtasks,
    checkpoint_type: isSavepoint ? 'SAVEPOINT' : 'CHECKPOINT',
    tasks,
  };
  switch (e.status) {
    case 'COMPLETED':
      return { className: 'completed', ...common, external_path: e.externalPath ?? NOT_EXTERNAL, discarded: false };
    case 'FAILED':
      return { className: 'failed', ...common, failure_timestamp: e.failureTimestamp ?? 0, failure_message: e.failureMessage ?? null };
    case 'IN_PROGRESS':
      return { className: 'in_progress', ...common };
  }
}

function summary(values: readonly number[]): Record<string, number> {
  if (values.length === 0) return { min: 0, max: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
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
