// The CheckpointCoordinator: triggers checkpoints (periodic or on demand), collects the tasks' acknowledgements,
// completes them (atomic _metadata), retains the last N, aborts on decline or timeout and counts failures.

import { SluiceError } from '../core/errors.ts';
import type { KeyedStateHandle, StreamStateHandle } from '../state/state-handle.ts';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveDirectory, writeMetadataAtomically, type CheckpointStorage } from './checkpoint-storage.ts';
import { METADATA_VERSION, type CheckpointMetadata, type SnapshotType } from './metadata.ts';
import { CheckpointStatsHistory } from './checkpoint-stats-history.ts';
import { SharedStateRegistry } from './shared-state-registry.ts';

const noop = (): void => {};

/** What one subtask reports for one of its operators. */
export interface OperatorSubtaskState {
  readonly keyed: readonly KeyedStateHandle[];
  readonly operator: StreamStateHandle | undefined;
}

/** A subtask's acknowledgement: its operators' states by operator id. */
export type TaskStateSnapshot = Readonly<Record<string, OperatorSubtaskState>>;

/** The operators of the job, for `_metadata`. */
export interface OperatorDescription {
  readonly operatorId: string;
  readonly uid: string | undefined;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** The task (vertex) the operator runs in. */
  readonly vertexId: string;
}

export interface CheckpointCoordinatorSettings {
  /** 0: no periodic checkpoints (savepoints only). */
  readonly interval: number;
  readonly minPause: number;
  readonly maxConcurrent: number;
  readonly timeout: number;
  readonly tolerableFailures: number;
  readonly numRetained: number;
  /** Checkpoints the statistics history keeps (`web.checkpoints.history`, default 10). */
  readonly historySize?: number;
}

/** What the coordinator needs of the JobMaster and of time. */
export interface CheckpointCoordinatorContext {
  /**
   * Asks the source tasks to snapshot and emit barrier `checkpointId`; for the final checkpoint (`final`: every
   * task is at its end of input) every task snapshots itself.
   */
  triggerSources(checkpointId: number, timestamp: number, type: SnapshotType, final: boolean, targetLocation: string | undefined): void;
  notifyComplete(checkpointId: number): void;
  notifyAborted(checkpointId: number): void;
  /** Checkpoints failed more often in a row than tolerated: fail the job over. */
  failJob(error: Error): void;
  now(): number;
  /** Runs `fn` after `delayMs` (a timer; virtual in tests). */
  schedule(fn: () => void, delayMs: number): { cancel(): void };
  /** Logs a line (info) about a checkpoint. */
  log(message: string, fields?: Record<string, unknown>): void;
}

/** A completed checkpoint or savepoint. */
export interface CompletedCheckpoint {
  readonly checkpointId: number;
  readonly type: SnapshotType;
  readonly timestamp: number;
  readonly completedAt: number;
  readonly metadata: CheckpointMetadata;
  /** `_metadata`'s path (undefined: kept in memory only). */
  readonly externalPath: string | undefined;
  /** Resolves the metadata's file handles. */
  readonly rootDir: string | undefined;
  /** Bytes of state (inline parts and files) it references. */
  readonly stateSize: number;
}

/** Figures for metrics and REST (Flink's checkpoint statistics). */
export interface CheckpointStatistics {
  numberOfCompletedCheckpoints: number;
  numberOfFailedCheckpoints: number;
  numberOfInProgressCheckpoints: number;
  lastCheckpointDuration: number;
  lastCheckpointSize: number;
  lastCompletedCheckpointId: number;
  lastCheckpointExternalPath: string | undefined;
  /** Consecutive failures counted against the tolerable number. */
  continuousFailures: number;
}

interface PendingCheckpoint {
  readonly id: number;
  readonly type: SnapshotType;
  readonly timestamp: number;
  readonly notYetAcknowledged: Set<string>;
  readonly states: Map<string, Map<number, OperatorSubtaskState>>; // operatorId -> subtask -> state
  readonly timer: { cancel(): void };
  readonly resolve: (c: CompletedCheckpoint) => void;
  readonly reject: (e: Error) => void;
  finalizing: boolean;
  /** A savepoint's directory; undefined for checkpoints. */
  readonly savepointDir: string | undefined;
}

/** `vertexId#subtask`: how the coordinator names a task. */
export function taskKey(vertexId: string, subtaskIndex: number): string {
  return `${vertexId}#${subtaskIndex}`;
}

export class CheckpointCoordinator {
  readonly stats: CheckpointStatistics = {
    numberOfCompletedCheckpoints: 0,
    numberOfFailedCheckpoints: 0,
    numberOfInProgressCheckpoints: 0,
    lastCheckpointDuration: -1,
    lastCheckpointSize: -1,
    lastCompletedCheckpointId: -1,
    lastCheckpointExternalPath: undefined,
    continuousFailures: 0,
  };
  /** The recent checkpoints, in progress, completed and failed (for REST). */
  readonly history: CheckpointStatsHistory;
  readonly #pending = new Map<number, PendingCheckpoint>();
  readonly #completed: CompletedCheckpoint[] = [];
  readonly #shared = new SharedStateRegistry();
  #nextId: number;
  #periodic: { cancel(): void } | undefined;
  #lastCompletion = Number.NEGATIVE_INFINITY;
  #stopped = false;
  readonly #discards = new Set<Promise<void>>();

  constructor(
    private readonly settings: CheckpointCoordinatorSettings,
    private readonly storage: CheckpointStorage,
    private readonly context: CheckpointCoordinatorContext,
    private readonly jobId: string,
    private readonly operators: readonly OperatorDescription[],
    /** Every task that must acknowledge: `taskKey(vertexId, subtask)`. */
    private readonly tasks: readonly string[],
    /** The checkpoint the job was restored from (its id continues the sequence; it is retained). */
    restoredFrom?: CompletedCheckpoint,
  ) {
    this.#nextId = (restoredFrom?.checkpointId ?? 0) + 1;
    this.history = new CheckpointStatsHistory(settings.historySize ?? 10);
    if (restoredFrom !== undefined && restoredFrom.type === 'CHECKPOINT') {
      this.#completed.push(restoredFrom);
      this.#shared.register(restoredFrom.metadata);
    }
  }

  /** Starts periodic checkpoints (first one after one interval); a second call while running is ignored. */
  start(): void {
    if (this.settings.interval > 0 && this.#periodic === undefined) this.#scheduleNext(this.settings.interval);
  }

  /** Stops triggering and aborts what is in progress (job failing, cancelling or finished). */
  stop(reason: string): void {
    this.#stopped = true;
    this.#periodic?.cancel();
    this.#periodic = undefined;
    for (const p of [...this.#pending.values()]) this.#abort(p, new SluiceError('ILLEGAL_STATE', `checkpoint ${p.id} aborted: ${reason}`), false);
  }

  /** The job restarted: periodic checkpoints start again (call `start`). */
  resume(): void {
    this.#stopped = false;
  }

  get latestCompleted(): CompletedCheckpoint | undefined {
    return this.#completed.at(-1);
  }

  get retained(): readonly CompletedCheckpoint[] {
    return this.#completed;
  }

  /**
   * Starts a checkpoint or savepoint now (periodic ones also go through here). Resolves when it completes; rejects
   * when it is declined, expires or cannot start.
   */
  async triggerCheckpoint(): Promise<CompletedCheckpoint> {
    return this.#trigger('CHECKPOINT', false, undefined);
  }

  /**
   * Takes a savepoint into a new directory `savepoint-<first 6 of job id>-<12 hex>` under `targetDirectory`:
   * self-contained (every state file inside it), never deleted by the job, not counted against tolerable
   * failures. Resolves with it once `_metadata` is written.
   */
  async triggerSavepoint(targetDirectory: string): Promise<CompletedCheckpoint> {
    return this.#trigger('SAVEPOINT', false, this.#newSavepointDir(targetDirectory));
  }

  /**
   * The last checkpoint of a bounded job, taken once every task reached its end of input (its tasks finish when it
   * completes). A failure after it restores from it: nothing is replayed and staged output is committed again.
   */
  async triggerFinalCheckpoint(savepointDirectory?: string): Promise<CompletedCheckpoint> {
    if (savepointDirectory === undefined) return this.#trigger('CHECKPOINT', true, undefined);
    return this.#trigger('SAVEPOINT', true, this.#newSavepointDir(savepointDirectory));
  }

  #newSavepointDir(targetDirectory: string): string {
    return join(resolveDirectory(targetDirectory), `savepoint-${this.jobId.slice(0, 6)}-${randomBytes(6).toString('hex')}`);
  }

  async #trigger(type: SnapshotType, final: boolean, savepointDir: string | undefined): Promise<CompletedCheckpoint> {
    if (this.#stopped) throw new SluiceError('ILLEGAL_STATE', 'checkpointing has stopped: the job is not running');
    const id = this.#nextId++;
    const timestamp = this.context.now();
    let resolve!: (c: CompletedCheckpoint) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<CompletedCheckpoint>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // It may be aborted while the directory is made, before the caller holds it: not an unhandled rejection.
    done.catch(() => {});
    // Pending from the start: a periodic tick while the directory is made must see it (else a newer checkpoint
    // could reach the sources first and this one would never be acknowledged).
    const pending: PendingCheckpoint = {
      id,
      type,
      timestamp,
      notYetAcknowledged: new Set(this.tasks),
      states: new Map(),
      timer: this.context.schedule(() => this.#expire(id), this.settings.timeout),
      resolve,
      reject,
      finalizing: false,
      savepointDir,
    };
    this.#pending.set(id, pending);
    this.stats.numberOfInProgressCheckpoints = this.#pending.size;
    this.history.reportPending(id, type, timestamp, this.tasks.length);
    try {
      if (savepointDir === undefined) await this.storage.initializeCheckpoint(id);
      else await mkdir(savepointDir, { recursive: true });
    } catch (error) {
      this.#abort(pending, new SluiceError('CHECKPOINT_DECLINED', `checkpoint ${id}: its directory cannot be made: ${(error as Error).message}`, { cause: error }), true);
      return done;
    }
    if (this.#pending.get(id) === pending) this.context.triggerSources(id, timestamp, type, final, savepointDir);
    return done;
  }

  /** A task took its snapshot of checkpoint `checkpointId` and wrote it. */
  acknowledge(task: string, checkpointId: number, state: TaskStateSnapshot): void {
    const p = this.#pending.get(checkpointId);
    if (p === undefined || !p.notYetAcknowledged.delete(task)) return; // late or duplicate: the checkpoint is gone
    this.history.reportAcknowledged(checkpointId, task.slice(0, task.lastIndexOf('#')), this.context.now());
    const subtask = Number(task.slice(task.lastIndexOf('#') + 1));
    for (const [operatorId, s] of Object.entries(state)) {
      let bySubtask = p.states.get(operatorId);
      if (bySubtask === undefined) p.states.set(operatorId, (bySubtask = new Map()));
      bySubtask.set(subtask, s);
    }
    if (p.notYetAcknowledged.size === 0) void this.#complete(p);
  }

  /** A task could not take or write its snapshot. */
  decline(task: string, checkpointId: number, error: Error): void {
    const p = this.#pending.get(checkpointId);
    if (p === undefined || p.finalizing) return;
    const code = (error as { code?: unknown }).code; // SluiceError, or RemoteError from another thread
    if (code === 'ILLEGAL_STATE') {
      // The task was not running (starting, or already at its end): not a checkpoint failure (Flink does not
      // count a checkpoint that could not start on every task).
      this.#abort(p, new SluiceError('ILLEGAL_STATE', `checkpoint ${checkpointId} aborted: ${error.message}`), false);
      return;
    }
    const cause = code === 'CHECKPOINT_DECLINED' ? error : new SluiceError(
      'CHECKPOINT_DECLINED',
      `checkpoint ${checkpointId} was declined by task ${task}: ${error.message}`,
      { cause: error },
    );
    this.#abort(p, cause, true);
  }

  /**
   * Deletes retained checkpoints as `retain` says when the job ends: 'all' keeps every retained checkpoint
   * (externalized and the job cancelled/failed as the policy allows), 'none' discards them.
   */
  async shutdown(retain: boolean): Promise<void> {
    this.stop('the job ended');
    while (this.#discards.size > 0) await Promise.all(this.#discards);
    if (retain) return;
    for (const c of this.#completed.splice(0)) await this.#discard(c);
  }

  /** Keeps a deletion (or a _metadata write) in flight so that shutdown waits for it. */
  #track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work.then(noop, noop).finally(() => this.#discards.delete(tracked));
    this.#discards.add(tracked);
  }

  #scheduleNext(delay: number): void {
    if (this.#stopped) return;
    this.#periodic = this.context.schedule(() => this.#onPeriodicTick(), Math.max(0, delay));
  }

  #onPeriodicTick(): void {
    if (this.#stopped) return;
    const now = this.context.now();
    const earliest = this.#lastCompletion + this.settings.minPause;
    if (this.#pending.size >= this.settings.maxConcurrent || (this.settings.minPause > 0 && this.#pending.size > 0)) {
      // Busy: try again once something may have finished (Flink re-checks on completion; a short retry is simpler).
      this.#scheduleNext(Math.max(10, Math.min(this.settings.interval, 100)));
      return;
    }
    if (now < earliest) {
      this.#scheduleNext(earliest - now);
      return;
    }
    this.triggerCheckpoint().catch(() => {
      // Failures are counted and logged where they happen.
    });
    this.#scheduleNext(this.settings.interval);
  }

  async #complete(p: PendingCheckpoint): Promise<void> {
    p.finalizing = true;
    p.timer.cancel();
    const metadata: CheckpointMetadata = {
      version: METADATA_VERSION,
      jobId: this.jobId,
      checkpointId: p.id,
      timestamp: p.timestamp,
      type: p.type,
      operators: this.operators.map((op) => ({
        operatorId: op.operatorId,
        uid: op.uid,
        name: op.name,
        parallelism: op.parallelism,
        maxParallelism: op.maxParallelism,
        subtasks: [...(p.states.get(op.operatorId) ?? new Map<number, OperatorSubtaskState>())]
          .sort((a, b) => a[0] - b[0])
          .filter(([, s]) => s.keyed.length > 0 || s.operator !== undefined)
          .map(([subtaskIndex, s]) => ({ subtaskIndex, keyed: s.keyed, operator: s.operator })),
      })),
    };
    let externalPath: string | undefined;
    try {
      const writing = p.savepointDir === undefined ? this.storage.finalize(metadata) : writeMetadataAtomically(p.savepointDir, metadata);
      this.#track(writing); // shutdown waits for it (and for the discard that follows if it was aborted meanwhile)
      externalPath = await writing;
    } catch (error) {
      if (!this.#pending.has(p.id)) this.#discardAborted(p); // aborted meanwhile: its failure is already reported
      else this.#abort(p, new SluiceError('CHECKPOINT_DECLINED', `checkpoint ${p.id}: writing _metadata failed: ${(error as Error).message}`, { cause: error }), true);
      return;
    }
    if (!this.#pending.has(p.id)) {
      // Aborted while its _metadata was written (subsumed by a newer checkpoint that completed first, or the job
      // began failing over and may already have chosen the checkpoint to restore): it must never count as
      // completed, nor be notified; its files go now that nothing writes them any more.
      this.#discardAborted(p);
      return;
    }
    this.#pending.delete(p.id);
    const now = this.context.now();
    const completed: CompletedCheckpoint = {
      checkpointId: p.id,
      type: p.type,
      timestamp: p.timestamp,
      completedAt: now,
      metadata,
      externalPath,
      rootDir: p.savepointDir ?? this.storage.rootDir,
      stateSize: stateSize(metadata),
    };
    this.#lastCompletion = now;
    this.history.reportCompleted(p.id, now, completed.stateSize, externalPath);
    const s = this.stats;
    s.numberOfInProgressCheckpoints = this.#pending.size;
    s.lastCheckpointDuration = now - p.timestamp;
    s.lastCheckpointSize = completed.stateSize;
    s.lastCheckpointExternalPath = externalPath;
    if (p.type === 'CHECKPOINT') {
      s.numberOfCompletedCheckpoints++;
      s.lastCompletedCheckpointId = p.id;
      s.continuousFailures = 0;
      this.#shared.register(metadata);
      this.#completed.push(completed);
      // Older pending checkpoints are subsumed (Flink aborts them).
      for (const older of [...this.#pending.values()]) {
        if (older.id < p.id && older.type === 'CHECKPOINT') this.#abort(older, new SluiceError('ILLEGAL_STATE', `checkpoint ${older.id} subsumed by ${p.id}`), false);
      }
      while (this.#completed.length > this.settings.numRetained) await this.#discard(this.#completed.shift()!);
    }
    this.context.log(`Completed ${p.type === 'SAVEPOINT' ? 'savepoint' : 'checkpoint'} ${p.id}`, {
      checkpointId: p.id,
      durationMs: s.lastCheckpointDuration,
      stateSize: completed.stateSize,
      ...(externalPath === undefined ? {} : { path: externalPath }),
    });
    this.context.notifyComplete(p.id);
    p.resolve(completed);
  }

  #expire(id: number): void {
    const p = this.#pending.get(id);
    if (p === undefined || p.finalizing) return;
    this.#abort(p, new SluiceError('CHECKPOINT_EXPIRED', `checkpoint ${id} expired before completing (timeout ${this.settings.timeout} ms)`), true);
  }

  #abort(p: PendingCheckpoint, error: Error, countsAsFailure: boolean): void {
    if (!this.#pending.delete(p.id)) return;
    p.timer.cancel();
    this.history.reportFailed(p.id, this.context.now(), error.message);
    this.stats.numberOfInProgressCheckpoints = this.#pending.size;
    this.context.notifyAborted(p.id);
    // A finalizing checkpoint is still writing its _metadata: #complete discards it once that write has settled.
    if (!p.finalizing) this.#discardAborted(p);
    p.reject(error);
    if (!countsAsFailure) {
      this.context.log(`Checkpoint ${p.id} aborted: ${error.message}`, { checkpointId: p.id });
      return;
    }
    this.stats.numberOfFailedCheckpoints++;
    this.context.log(`Checkpoint ${p.id} failed: ${error.message}`, { checkpointId: p.id });
    if (p.type !== 'CHECKPOINT') return; // a failed savepoint does not fail the job
    this.stats.continuousFailures++;
    if (this.stats.continuousFailures > this.settings.tolerableFailures) {
      this.context.failJob(
        new SluiceError(
          'CHECKPOINT_FAILURES_EXCEEDED',
          `Exceeded checkpoint tolerable failure threshold (${this.settings.tolerableFailures}): the last failure was ` +
            `${error.message}`,
          { cause: error },
        ),
      );
    }
  }

  /** Deletes the directory of an aborted checkpoint or savepoint (in the background; shutdown waits for it). */
  #discardAborted(p: PendingCheckpoint): void {
    this.#track(p.savepointDir === undefined ? this.storage.discard(p.id) : rm(p.savepointDir, { recursive: true, force: true }));
  }

  async #discard(c: CompletedCheckpoint): Promise<void> {
    for (const path of this.#shared.unregister(c.metadata)) await this.storage.deleteSharedFile(path).catch(() => {});
    await this.storage.discard(c.checkpointId).catch(() => {});
  }
}

function stateSize(metadata: CheckpointMetadata): number {
  let n = 0;
  const add = (h: StreamStateHandle | undefined): void => {
    if (h === undefined) return;
    n += h.kind === 'inline' ? h.data.byteLength : h.size;
  };
  for (const op of metadata.operators) {
    for (const st of op.subtasks) {
      add(st.operator);
      for (const k of st.keyed) {
        if (k.kind === 'heap') add(k.data);
        else n += k.incrementalSize;
      }
    }
  }
  return n;
}
