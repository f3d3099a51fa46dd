// The recent checkpoints of a job, in progress, completed and failed, for REST and the web UI (Flink's history).

import type { SnapshotType } from './metadata.ts';

export type CheckpointStatsStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** One checkpoint or savepoint as the history shows it; updated in place while it is in progress. */
export interface CheckpointStatsEntry {
  readonly checkpointId: number;
  readonly type: SnapshotType;
  status: CheckpointStatsStatus;
  readonly triggerTimestamp: number;
  /** Time of the latest acknowledgement (the trigger time before the first one). */
  latestAckTimestamp: number;
  readonly numSubtasks: number;
  numAcknowledgedSubtasks: number;
  /** Acknowledgements per vertex id. */
  readonly acknowledgedByVertex: Record<string, number>;
  /** Bytes of state once completed. */
  stateSize: number;
  /** `_metadata`'s path once completed (undefined: in memory only). */
  externalPath: string | undefined;
  failureTimestamp: number | undefined;
  failureMessage: string | undefined;
}

/**
 * The last `capacity` checkpoints and savepoints, newest first (Flink's `web.checkpoints.history`, default 10):
 * unlike the retained checkpoints, it keeps failed and in-progress ones with their cause and progress.
 */
export class CheckpointStatsHistory {
  readonly #entries: CheckpointStatsEntry[] = [];

  constructor(readonly capacity: number) {}

  /** Newest first. */
  get entries(): readonly Readonly<CheckpointStatsEntry>[] {
    return this.#entries;
  }

  /** The most recent failed one, if the history still holds one. */
  get latestFailed(): Readonly<CheckpointStatsEntry> | undefined {
    return this.#entries.find((e) => e.status === 'FAILED');
  }

  get(checkpointId: number): Readonly<CheckpointStatsEntry> | undefined {
    return this.#entries.find((e) => e.checkpointId === checkpointId);
  }

  reportPending(checkpointId: number, type: SnapshotType, triggerTimestamp: number, numSubtasks: number): void {
    this.#entries.unshift({
      checkpointId,
      type,
      status: 'IN_PROGRESS',
      triggerTimestamp,
      latestAckTimestamp: triggerTimestamp,
      numSubtasks,
      numAcknowledgedSubtasks: 0,
      acknowledgedByVertex: {},
      stateSize: 0,
      externalPath: undefined,
      failureTimestamp: undefined,
      failureMessage: undefined,
    });
    // Drop the oldest beyond capacity, but never one still in progress (it would vanish before it ends).
    for (let i = this.#entries.length - 1; this.#entries.length > this.capacity && i >= 0; i--) {
      if (this.#entries[i]!.status !== 'IN_PROGRESS') this.#entries.splice(i, 1);
    }
  }

  reportAcknowledged(checkpointId: number, vertexId: string, timestamp: number): void {
    const e = this.#inProgress(checkpointId);
    if (e === undefined) return;
    e.numAcknowledgedSubtasks++;
    e.acknowledgedByVertex[vertexId] = (e.acknowledgedByVertex[vertexId] ?? 0) + 1;
    e.latestAckTimestamp = timestamp;
  }

  reportCompleted(checkpointId: number, timestamp: number, stateSize: number, externalPath: string | undefined): void {
    const e = this.#inProgress(checkpointId);
    if (e === undefined) return;
    e.status = 'COMPLETED';
    e.latestAckTimestamp = Math.max(e.latestAckTimestamp, timestamp);
    e.numAcknowledgedSubtasks = e.numSubtasks;
    e.stateSize = stateSize;
    e.externalPath = externalPath;
  }

  reportFailed(checkpointId: number, timestamp: number, message: string): void {
    const e = this.#inProgress(checkpointId);
    if (e === undefined) return;
    e.status = 'FAILED';
    e.failureTimestamp = timestamp;
    e.failureMessage = message;
  }

  #inProgress(checkpointId: number): CheckpointStatsEntry | undefined {
    const e = this.#entries.find((x) => x.checkpointId === checkpointId);
    return e?.status === 'IN_PROGRESS' ? e : undefined;
  }
}
