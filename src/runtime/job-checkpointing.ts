// How a job's checkpointing reaches its tasks: their checkpoint settings, the savepoint a job starts from, what
// each subtask restores from a completed checkpoint, and the job's checkpoint metrics.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointStatistics, CompletedCheckpoint } from '../checkpoint/checkpoint-coordinator.ts';
import { loadCheckpoint } from '../checkpoint/checkpoint-storage.ts';
import { SluiceError } from '../core/errors.ts';
import { JobStatus } from '../core/job-status.ts';
import type { Logger } from '../core/logger.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { resolveDirectory } from '../checkpoint/checkpoint-storage.ts';
import { CheckpointingOptions, StateBackendOptions } from '../config/checkpointing-options.ts';
import type { Configuration } from '../config/configuration.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import { KeyGroupRange } from '../state/key-group.ts';
import type { OperatorRestoreSpec, TaskCheckpointSettings, TaskRestoreSpec } from './protocol.ts';

/** The task-side checkpoint settings of a job (savepoints work without periodic checkpoints). */
export function checkpointSettings(conf: Configuration, jobId: string): TaskCheckpointSettings {
  const dir = conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
  // As Flink: explicit jobmanager storage keeps state in _metadata (inline, size-limited); else a directory means
  // file storage; no directory means memory.
  const explicitJobManager =
    conf.contains(CheckpointingOptions.CHECKPOINT_STORAGE) && conf.get(CheckpointingOptions.CHECKPOINT_STORAGE) === 'jobmanager';
  const memory = dir === '' || explicitJobManager;
  return {
    aligned: conf.get(CheckpointingOptions.MODE) === 'EXACTLY_ONCE',
    rootDir: memory ? undefined : join(resolveDirectory(dir), jobId),
    compression: conf.get(CheckpointingOptions.SNAPSHOT_COMPRESSION),
    inlineLimitBytes: memory
      ? conf.get(CheckpointingOptions.JOBMANAGER_MAX_STATE_SIZE)
      : conf.get(CheckpointingOptions.FS_MEMORY_THRESHOLD),
    savepointInlineLimitBytes: conf.get(CheckpointingOptions.FS_MEMORY_THRESHOLD),
    asyncSnapshots: conf.get(StateBackendOptions.ASYNC_SNAPSHOTS),
    awaitEndOfInput: true,
  };
}

/** What subtask `subtask` of `vertex` restores from `checkpoint`: per chained operator, its handles. */
export function restoreSpecFor(checkpoint: CompletedCheckpoint, vertex: JobVertex, subtask: number): TaskRestoreSpec {
  const range = KeyGroupRange.forOperator(vertex.maxParallelism, vertex.parallelism, subtask);
  const operators: Record<string, OperatorRestoreSpec> = {};
  for (const op of vertex.operators) {
    const state = checkpoint.metadata.operators.find((o) => o.operatorId === op.operatorId);
    if (state === undefined) continue;
    const keyed = state.subtasks.flatMap((st) =>
      st.keyed.filter((h) => h.keyGroupRange.endKeyGroup >= range.startKeyGroup && h.keyGroupRange.startKeyGroup <= range.endKeyGroup),
    );
    const operatorState = Array.from({ length: state.parallelism }, (_, i) => state.subtasks.find((st) => st.subtaskIndex === i)?.operator);
    operators[op.operatorId] = { keyed, operatorState };
  }
  return { checkpointId: checkpoint.checkpointId, rootDir: checkpoint.rootDir, operators };
}

/** Flink's checkpoint metrics on the job's JobManager group. */
export function registerCheckpointMetrics(group: MetricGroup, stats: () => CheckpointStatistics | undefined): void {
  const gauge = (name: string, read: (s: CheckpointStatistics) => number): void => {
    group.gauge(name, { getValue: () => { const s = stats(); return s === undefined ? 0 : read(s); } });
  };
  gauge('numberOfCompletedCheckpoints', (s) => s.numberOfCompletedCheckpoints);
  gauge('numberOfFailedCheckpoints', (s) => s.numberOfFailedCheckpoints);
  gauge('numberOfInProgressCheckpoints', (s) => s.numberOfInProgressCheckpoints);
  gauge('totalNumberOfCheckpoints', (s) => s.numberOfCompletedCheckpoints + s.numberOfFailedCheckpoints + s.numberOfInProgressCheckpoints);
  gauge('lastCheckpointDuration', (s) => s.lastCheckpointDuration);
  gauge('lastCheckpointSize', (s) => s.lastCheckpointSize);
  gauge('lastCompletedCheckpointId', (s) => s.lastCompletedCheckpointId);
  group.gauge('lastCheckpointExternalPath', { getValue: () => stats()?.lastCheckpointExternalPath ?? 'n/a' });
}

/**
 * The savepoint or retained checkpoint the job starts from (`execution.savepoint.path`), checked against the
 * job: every operator state must belong to an operator of the job (by uid, else generated id) unless unclaimed
 * state is allowed, and keyed state needs the same max parallelism.
 */
export async function loadInitialSavepoint(conf: Configuration, graph: JobGraph, logger: Logger): Promise<CompletedCheckpoint | undefined> {
  const path = conf.get(CheckpointingOptions.SAVEPOINT_PATH);
  if (path === '') return undefined;
  const loaded = await loadCheckpoint(path);
  const allowNonRestored = conf.get(CheckpointingOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE);
  const byId = new Map(graph.vertices.flatMap((v) => v.operators.map((op) => [op.operatorId, v] as const)));
  for (const op of loaded.metadata.operators) {
    const hasState = op.subtasks.some((s) => s.keyed.length > 0 || s.operator !== undefined);
    const vertex = byId.get(op.operatorId);
    if (vertex === undefined) {
      if (!hasState || allowNonRestored) {
        if (hasState) logger.warn('skipping savepoint state no operator claims', { operatorId: op.operatorId, uid: op.uid, name: op.name });
        continue;
      }
      throw new SluiceError(
        'STATE_NOT_RESTORED',
        `Failed to rollback to checkpoint/savepoint ${loaded.metadataPath}. Cannot map checkpoint/savepoint state ` +
          `for operator ${op.operatorId}${op.uid === undefined ? '' : ` (uid '${op.uid}')`} ('${op.name}') to the ` +
          `new program, because the operator is not available in the new program. If you want to allow to skip ` +
          `this, you can set the --allowNonRestoredState option on the CLI (execution.savepoint.ignore-unclaimed-state).`,
      );
    }
    if (op.subtasks.some((s) => s.keyed.length > 0) && vertex.maxParallelism !== op.maxParallelism) {
      throw new SluiceError(
        'STATE_INCOMPATIBLE',
        `operator '${op.name}' has keyed state for max parallelism ${op.maxParallelism} in ${loaded.metadataPath}, ` +
          `but the job runs it with max parallelism ${vertex.maxParallelism}; keep the max parallelism of keyed ` +
          `operators when restoring (setMaxParallelism(${op.maxParallelism}))`,
      );
    }
  }
  logger.info('starting from savepoint', { path: loaded.metadataPath, checkpointId: loaded.metadata.checkpointId });
  return {
    checkpointId: loaded.metadata.checkpointId,
    type: loaded.metadata.type,
    timestamp: loaded.metadata.timestamp,
    completedAt: loaded.metadata.timestamp,
    metadata: loaded.metadata,
    externalPath: loaded.metadataPath,
    rootDir: loaded.rootDir,
    stateSize: 0,
  };
}

/** `<taskmanager.state.local.root-dirs>/<jobId>` when local recovery is on. */
export function localRecoveryRoot(conf: Configuration, jobId: string): string | undefined {
  if (!conf.get(StateBackendOptions.LOCAL_RECOVERY)) return undefined;
  const base = conf.get(StateBackendOptions.LOCAL_ROOT_DIRS) || join(tmpdir(), 'sluice-localState');
  return join(resolveDirectory(base.split(',')[0]!.trim()), jobId);
}

/** Whether retained checkpoints outlive a job ending in `status` (Flink's externalized checkpoint cleanup). */
export function retainCheckpointsWhenEnding(conf: Configuration, status: JobStatus): boolean {
  const policy = conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT);
  if (status === JobStatus.FINISHED || policy === 'NO_EXTERNALIZED_CHECKPOINTS') return false;
  if (status === JobStatus.CANCELED) return policy === 'RETAIN_ON_CANCELLATION';
  return true; // FAILED: both externalized policies keep them
}
