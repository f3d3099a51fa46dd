// Checkpoint storage: the directory layout of a job's checkpoints, atomic `_metadata` writes, loading and discarding.
//
//   <state.checkpoints.dir>/<jobId>/chk-<n>/_metadata   + state files of checkpoint n
//                                  /shared/              files several (incremental) checkpoints reference
//                                  /taskowned/           files tasks own
//
// State handles name files relative to `<dir>/<jobId>`, so a job directory can be moved as a whole.

import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SluiceError } from '../core/errors.ts';
import type { SnapshotStorageLocation } from '../state/state-handle.ts';
import { readStreamStateHandle, writeFileDurably } from '../state/stream-state-io.ts';
import type { StreamStateHandle } from '../state/state-handle.ts';
import { decodeMetadata, encodeMetadata, type CheckpointMetadata } from './metadata.ts';

export const METADATA_FILE = '_metadata';
export const SHARED_DIR = 'shared';
export const TASK_OWNED_DIR = 'taskowned';

/** A directory given as a path or a file:// URI, as an absolute path. */
export function resolveDirectory(pathOrUri: string): string {
  if (pathOrUri.startsWith('file:')) return fileURLToPath(pathOrUri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUri)) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `checkpoint directory ${pathOrUri} uses a file system sluice cannot write: use a local path or a file:// URI`,
    );
  }
  return resolve(pathOrUri);
}

export interface CheckpointStorageOptions {
  readonly jobId: string;
  /** `state.checkpoints.dir`; undefined: checkpoints stay in the JobManager's memory (inline handles only). */
  readonly checkpointsDirectory: string | undefined;
  readonly compression: boolean;
  /** Largest inline part: the fs memory threshold with a directory, the memory limit without. */
  readonly inlineLimitBytes: number;
}

/** Where one job's checkpoints go. */
export class CheckpointStorage {
  /** `<dir>/<jobId>`, or undefined for memory storage. */
  readonly rootDir: string | undefined;

  constructor(readonly options: CheckpointStorageOptions) {
    this.rootDir =
      options.checkpointsDirectory === undefined ? undefined : join(resolveDirectory(options.checkpointsDirectory), options.jobId);
  }

  /** Creates the job's directories (shared/, taskowned/). */
  async initialize(): Promise<void> {
    if (this.rootDir === undefined) return;
    await mkdir(join(this.rootDir, SHARED_DIR), { recursive: true });
    await mkdir(join(this.rootDir, TASK_OWNED_DIR), { recursive: true });
  }

  /** Creates `chk-<id>/` before the checkpoint is triggered, so tasks can write into it. */
  async initializeCheckpoint(checkpointId: number): Promise<void> {
    if (this.rootDir !== undefined) await mkdir(join(this.rootDir, checkpointDirName(checkpointId)), { recursive: true });
  }

  /** Where the task `filePrefix` writes its state for checkpoint `checkpointId`. */
  location(checkpointId: number, filePrefix: string): SnapshotStorageLocation {
    return {
      checkpointId,
      rootDir: this.rootDir,
      exclusiveDir: checkpointDirName(checkpointId),
      sharedDir: SHARED_DIR,
      taskOwnedDir: TASK_OWNED_DIR,
      compression: this.options.compression,
      inlineLimitBytes: this.options.inlineLimitBytes,
      filePrefix,
    };
  }

  /**
   * Writes `chk-<id>/_metadata` atomically (temp file, fsync, rename, directory fsync): a checkpoint is valid only
   * once this returns. Returns the metadata file's path (undefined with memory storage).
   */
  async finalize(metadata: CheckpointMetadata): Promise<string | undefined> {
    if (this.rootDir === undefined) return undefined;
    const dir = join(this.rootDir, checkpointDirName(metadata.checkpointId));
    return writeMetadataAtomically(dir, metadata);
  }

  /** Deletes a checkpoint's exclusive directory (shared files are the SharedStateRegistry's business). */
  async discard(checkpointId: number): Promise<void> {
    if (this.rootDir !== undefined) await rm(join(this.rootDir, checkpointDirName(checkpointId)), { recursive: true, force: true });
  }

  /** Deletes a shared file no retained checkpoint references any more. */
  async deleteSharedFile(path: string): Promise<void> {
    if (this.rootDir !== undefined) await rm(join(this.rootDir, path), { force: true });
  }

  readFile(handle: StreamStateHandle): Promise<Uint8Array> {
    return readStreamStateHandle(this.rootDir, handle);
  }
}

export function checkpointDirName(checkpointId: number): string {
  return `chk-${checkpointId}`;
}

/** Writes `<dir>/_metadata` so that a crash leaves either no file or a complete one. */
export async function writeMetadataAtomically(dir: string, metadata: CheckpointMetadata): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, METADATA_FILE);
  const temp = join(dir, `.${METADATA_FILE}.${process.pid}.${Date.now()}.inprogress`);
  await writeFileDurably(temp, encodeMetadata(metadata));
  await rename(temp, target);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
  return target;
}

/** A checkpoint or savepoint read back from disk: its metadata and the directory its handles are relative to. */
export interface LoadedCheckpoint {
  readonly metadata: CheckpointMetadata;
  readonly metadataPath: string;
  /** Resolves file handles: the job directory of a checkpoint, the savepoint directory of a savepoint. */
  readonly rootDir: string;
}

/**
 * Loads `_metadata` from a checkpoint/savepoint directory or the file itself, verifying header and checksum.
 * Refuses a missing, truncated, corrupt or foreign file with CHECKPOINT_INVALID naming it.
 */
export async function loadCheckpoint(pathOrUri: string): Promise<LoadedCheckpoint> {
  let path = resolveDirectory(pathOrUri);
  try {
    if ((await stat(path)).isDirectory()) path = join(path, METADATA_FILE);
  } catch {
    throw new SluiceError('CHECKPOINT_INVALID', `no checkpoint or savepoint at ${path}: the path does not exist`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new SluiceError(
      'CHECKPOINT_INVALID',
      `${path} cannot be read (${(error as Error).message}); a checkpoint without a complete _metadata is not valid`,
      { cause: error },
    );
  }
  const metadata = decodeMetadata(bytes, path);
  const dir = dirname(path);
  const rootDir = metadata.type === 'SAVEPOINT' || !/^chk-\d+$/.test(basename(dir)) ? dir : dirname(dir);
  return { metadata, metadataPath: path, rootDir };
}
