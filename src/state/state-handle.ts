// State handles: where a snapshot's bytes went (inline in `_metadata` or a file), and how a keyed backend
// writes and reads them. Plain data: handles travel from tasks to the checkpoint coordinator and into `_metadata`.

import type { KeyedStateBackend } from './keyed-state-backend.ts';

/** Bytes of one snapshot part: inline (memory storage, small parts) or a file under the checkpoint root. */
export type StreamStateHandle =
  | {
      readonly kind: 'inline';
      readonly data: Uint8Array;
      /** SHA-256 of `data` (hex), see `checksum()` in `src/state/checksum.ts`. */
      readonly checksum: string;
    }
  | {
      readonly kind: 'file';
      /** Relative to the checkpoint storage root of the job (`<state.checkpoints.dir>/<jobId>/`), '/'-separated. */
      readonly path: string;
      readonly size: number;
      readonly checksum: string;
    };

/** The key groups a keyed handle covers (inclusive). */
export interface KeyGroupRangeData {
  readonly startKeyGroup: number;
  readonly endKeyGroup: number;
}

/** A full snapshot of heap keyed state: one msgpackr-encoded `KeyedStateSnapshot`, maybe deflated. */
export interface HeapKeyedStateHandle {
  readonly kind: 'heap';
  readonly keyGroupRange: KeyGroupRangeData;
  readonly maxParallelism: number;
  readonly compressed: boolean;
  readonly data: StreamStateHandle;
}

/**
 * An incremental LevelDB snapshot: files shared with earlier checkpoints (under `shared/`, reference-counted by
 * the coordinator by `path`) plus files private to this checkpoint. The backend defines what the files hold.
 */
export interface LevelDBKeyedStateHandle {
  readonly kind: 'leveldb';
  readonly keyGroupRange: KeyGroupRangeData;
  readonly maxParallelism: number;
  readonly checkpointId: number;
  /** Files under `shared/` this snapshot needs, in the order the backend restores them. */
  readonly sharedFiles: readonly StreamStateHandle[];
  /** Files only this checkpoint uses (metadata, timers). */
  readonly privateFiles: readonly StreamStateHandle[];
  /** Bytes written for this checkpoint (new shared + private files); for `incremental-size` and stats. */
  readonly incrementalSize: number;
  /** Bytes of all files the snapshot references. */
  readonly fullSize: number;
}

export type KeyedStateHandle = HeapKeyedStateHandle | LevelDBKeyedStateHandle;

/** Where a task writes the state of one checkpoint; given by the checkpoint storage. */
export interface SnapshotStorageLocation {
  readonly checkpointId: number;
  /**
   * Absolute path of the job's checkpoint root (`<state.checkpoints.dir>/<jobId>`), or undefined with JobManager
   * (memory) storage: then every handle must be inline.
   */
  readonly rootDir: string | undefined;
  /** Relative (to rootDir) directory for files of this checkpoint only: `chk-<n>`. */
  readonly exclusiveDir: string;
  /** Relative directory for files several checkpoints share: `shared`. */
  readonly sharedDir: string;
  /** Relative directory for files the task owns (never deleted by the coordinator): `taskowned`. */
  readonly taskOwnedDir: string;
  /** `execution.checkpointing.snapshot-compression` / `setUseSnapshotCompression`. */
  readonly compression: boolean;
  /**
   * Parts up to this many bytes are inlined into `_metadata` instead of written to a file
   * (`state.storage.fs.memory-threshold`, Flink default 20 kb). With memory storage: the per-state limit
   * (5 MB default); a bigger part declines the checkpoint with CHECKPOINT_DECLINED.
   */
  readonly inlineLimitBytes: number;
  /** A unique prefix for this task's file names, e.g. `<operatorId>-<subtask>-<attempt>`. */
  readonly filePrefix: string;
  /**
   * Local recovery: an absolute directory on this TaskManager where every state file is also written (named by
   * its checksum), so a restore on the same TaskManager reads it locally instead of from checkpoint storage.
   */
  readonly localCopyDir?: string;
}

/**
 * A keyed backend that checkpoints. `snapshot` is called on the task's thread when the barrier is processed; it
 * must capture state synchronously and cheaply (processing continues right after) and return a function that
 * writes the capture asynchronously, off the hot path.
 */
export interface CheckpointableKeyedStateBackend extends KeyedStateBackend {
  snapshotToStorage(location: SnapshotStorageLocation): () => Promise<KeyedStateHandle>;
  /** Loads handles (from one or several old subtasks), keeping this backend's key groups. */
  restoreFromHandles(handles: readonly KeyedStateHandle[], readFile: (handle: StreamStateHandle) => Promise<Uint8Array>): Promise<void>;
  /** A checkpoint completed: an incremental backend may now build on it. */
  notifyCheckpointComplete(checkpointId: number): void;
  notifyCheckpointAborted(checkpointId: number): void;
  /** Releases resources (closes the database); after `dispose()`. */
  close(): Promise<void>;
}
