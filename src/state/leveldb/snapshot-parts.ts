// Writing snapshot parts to checkpoint storage (a file, or inline in _metadata) and reading them back verified.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IllegalStateError, SluiceError } from '../../core/errors.ts';
import { checksum } from '../checksum.ts';
import type { SnapshotStorageLocation, StreamStateHandle } from '../state-handle.ts';

/** Where a part goes: `shared` (referenced by later checkpoints too) or the checkpoint's own directory. */
export type PartScope = 'shared' | 'exclusive';

/**
 * Stores `bytes` as one part of a snapshot: inline when the storage has no directory or the part is at most
 * `inlineLimitBytes`, else as a new file `<dir>/<filePrefix>-<name>-<random>` under the checkpoint root, written
 * and fsynced before the handle is returned.
 */
export async function writePart(location: SnapshotStorageLocation, scope: PartScope, name: string, bytes: Uint8Array): Promise<StreamStateHandle> {
  const sum = checksum(bytes);
  if (location.rootDir === undefined) {
    if (bytes.length > location.inlineLimitBytes) {
      throw new IllegalStateError(
        `checkpoint ${location.checkpointId} declined: a LevelDB snapshot part of ${bytes.length} bytes exceeds the ` +
          `${location.inlineLimitBytes} bytes that checkpoint storage in the JobManager's memory allows per part. ` +
          `Use a checkpoint directory (LevelDBStateBackend('file:///...') or state.checkpoints.dir).`,
      );
    }
    return { kind: 'inline', data: bytes, checksum: sum };
  }
  if (bytes.length <= location.inlineLimitBytes) return { kind: 'inline', data: bytes, checksum: sum };
  const dir = scope === 'shared' ? location.sharedDir : location.exclusiveDir;
  const path = `${dir}/${location.filePrefix}-${name}-${randomBytes(6).toString('hex')}`;
  const absolute = join(location.rootDir, path);
  await mkdir(dirname(absolute), { recursive: true });
  const file = await open(absolute, 'wx');
  try {
    await file.writeFile(bytes);
    await file.datasync();
  } finally {
    await file.close();
  }
  return { kind: 'file', path, size: bytes.length, checksum: sum };
}

/** Bytes of a part (file size or inline length). */
export function partSize(handle: StreamStateHandle): number {
  return handle.kind === 'file' ? handle.size : handle.data.length;
}

/** How a part is named in messages. */
export function describePart(handle: StreamStateHandle, role: string): string {
  return handle.kind === 'file' ? `file '${handle.path}' (${role})` : `inline part (${role})`;
}

/**
 * Reads a part with `read` and checks its SHA-256; a part that cannot be read or does not match fails the restore
 * with STATE_INCOMPATIBLE naming it.
 */
export async function readVerifiedPart(
  handle: StreamStateHandle,
  read: (handle: StreamStateHandle) => Promise<Uint8Array>,
  role: string,
  checkpointId: number,
): Promise<Uint8Array> {
  let data: Uint8Array;
  try {
    data = await read(handle);
  } catch (error) {
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `cannot restore LevelDB state of checkpoint ${checkpointId}: ${describePart(handle, role)} cannot be read ` +
        `(${(error as Error).message}). The checkpoint is incomplete; restore from another checkpoint or savepoint.`,
      { cause: error },
    );
  }
  const actual = checksum(data);
  if (actual !== handle.checksum) {
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `cannot restore LevelDB state of checkpoint ${checkpointId}: ${describePart(handle, role)} is corrupt ` +
        `(SHA-256 ${actual}, expected ${handle.checksum}). Restore from another checkpoint or savepoint.`,
    );
  }
  return data;
}

/** Reads parts whose file paths are relative to `rootDir` (the job's checkpoint root). */
export function partReaderFor(rootDir: string): (handle: StreamStateHandle) => Promise<Uint8Array> {
  return async (handle) => (handle.kind === 'inline' ? handle.data : readFile(join(rootDir, handle.path)));
}

/** Whether every file part exists under `rootDir` with its recorded size (inline parts always do). */
export async function partsExist(rootDir: string | undefined, handles: readonly StreamStateHandle[]): Promise<boolean> {
  for (const handle of handles) {
    if (handle.kind === 'inline') continue;
    if (rootDir === undefined) return false;
    try {
      if ((await stat(join(rootDir, handle.path))).size !== handle.size) return false;
    } catch {
      return false;
    }
  }
  return true;
}
