// Writing and reading snapshot parts as StreamStateHandles: inline when small (or with memory storage), else a
// file written whole and fsynced; reads verify the checksum.

import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Packr } from 'msgpackr';
import { SluiceError } from '../core/errors.ts';
import { checksum, createChecksum } from './checksum.ts';
import type { SnapshotStorageLocation, StreamStateHandle } from './state-handle.ts';

/** One codec for snapshot data: plain structures (no shared record definitions), so any reader can decode it. */
export const snapshotPackr = new Packr({ moreTypes: true, useBigIntExtension: true, mapsAsObjects: false, structuredClone: true });

/** Encodes plain data (a snapshot) into bytes, deflated when `compress` (level 1: fast, still ~3x on state). */
export function encodeSnapshot(value: unknown, compress: boolean): Uint8Array {
  const bytes = snapshotPackr.pack(value);
  return compress ? deflateRawSync(bytes, { level: 1 }) : bytes;
}

export function decodeSnapshot<T>(bytes: Uint8Array, compressed: boolean): T {
  return snapshotPackr.unpack(compressed ? inflateRawSync(bytes) : bytes) as T;
}

/**
 * Stores `bytes` for a checkpoint: inline when there is no checkpoint directory or when they fit
 * `inlineLimitBytes` (with a directory), else as `<exclusiveDir or dir>/<prefix>-<name>` under the root.
 * Without a directory, parts above the limit decline the checkpoint (the memory storage limit).
 *
 * `bytes` may be an iterable of chunks produced as they are consumed (`encodeKeyedSnapshot`): chunks are hashed
 * and written as they come, the write of one overlapping the encoding of the next, and only the first
 * `inlineLimitBytes` are held (copied) to decide between inline and file. A chunk must stay intact until the
 * iterator has been resumed twice after it; it may be reused after that.
 */
export async function writeStreamStateHandle(
  location: SnapshotStorageLocation,
  name: string,
  bytes: Uint8Array | Iterable<Uint8Array>,
  dir: string = location.exclusiveDir,
): Promise<StreamStateHandle> {
  const whole = bytes instanceof Uint8Array;
  const iterator = (whole ? [bytes] : bytes)[Symbol.iterator]();
  // Hold chunks while the part may still be inline (copies: the producer may reuse its buffers).
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let next = iterator.next();
  const limit = location.inlineLimitBytes;
  while (!next.done && heldBytes <= limit) {
    held.push(whole ? next.value : Buffer.from(next.value));
    heldBytes += next.value.byteLength;
    next = iterator.next();
  }
  if (next.done && (heldBytes <= limit || location.rootDir === undefined)) {
    if (heldBytes > limit) throw memoryLimitExceeded(location, name, heldBytes);
    const data = held.length === 1 ? held[0]! : Buffer.concat(held);
    return { kind: 'inline', data, checksum: checksum(data) };
  }
  if (location.rootDir === undefined) {
    let total = heldBytes;
    for (; !next.done; next = iterator.next()) total += next.value.byteLength;
    throw memoryLimitExceeded(location, name, total);
  }
  const relative = `${dir}/${location.filePrefix}-${name}`;
  const copies = location.localCopyDir === undefined ? [] : [held.slice()];
  const { sum, size } = await writeChunksDurably(join(location.rootDir, relative), held, iterator, next, copies[0]);
  if (location.localCopyDir !== undefined) await writeLocalCopy(location.localCopyDir, sum, copies[0]!);
  return { kind: 'file', path: relative, size, checksum: sum };
}

function memoryLimitExceeded(location: SnapshotStorageLocation, name: string, bytes: number): SluiceError {
  return new SluiceError(
    'CHECKPOINT_DECLINED',
    `state part '${name}' of ${location.filePrefix} is ${bytes} bytes, above the memory checkpoint ` +
      `storage limit of ${location.inlineLimitBytes} bytes. Use file checkpoints (state.checkpoints.dir, ` +
      `FsStateBackend or LevelDBStateBackend) or raise state.backend.memory.max-state-size.`,
  );
}

/**
 * Writes `held` and then the rest of `iterator` (from `next`) to `path`, fsyncs it, and returns the SHA-256 and size.
 * Each chunk is hashed while the previous one is being written (the write runs on libuv's threads). `keep`, when
 * given, collects every chunk (for the local copy).
 */
async function writeChunksDurably(
  path: string,
  held: readonly Uint8Array[],
  iterator: Iterator<Uint8Array>,
  next: IteratorResult<Uint8Array>,
  keep: Uint8Array[] | undefined,
): Promise<{ sum: string; size: number }> {
  const hash = createChecksum();
  const handle = await open(path, 'w');
  try {
    let size = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const write = async (chunk: Uint8Array): Promise<void> => {
      hash.update(chunk);
      size += chunk.byteLength;
      await writing;
      writing = handle.write(chunk);
    };
    for (const chunk of held) await write(chunk);
    for (; !next.done; next = iterator.next()) {
      keep?.push(Buffer.from(next.value));
      await write(next.value);
    }
    await writing;
    await handle.sync();
    return { sum: hash.digest('hex'), size };
  } finally {
    await handle.close();
  }
}

/** The local-recovery copy of a state part: `<dir>/<checksum>`; a failure to write it only costs local recovery. */
async function writeLocalCopy(dir: string, sum: string, chunks: readonly Uint8Array[]): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, sum), chunks);
  } catch {
    // Local recovery is an optimisation: the checkpoint storage holds the state.
  }
}

/**
 * Reads a handle from the local-recovery copy when there is one whose bytes match the checksum, else from the
 * checkpoint storage; `onRead` tells which was used (for the log).
 */
export async function readStreamStateHandleLocalFirst(
  rootDir: string | undefined,
  handle: StreamStateHandle,
  localCopyDir: string | undefined,
  onRead: (source: 'local' | 'remote', handle: StreamStateHandle) => void,
): Promise<Uint8Array> {
  if (handle.kind === 'file' && localCopyDir !== undefined) {
    try {
      const local = await readFile(join(localCopyDir, handle.checksum));
      if (local.byteLength === handle.size && checksum(local) === handle.checksum) {
        onRead('local', handle);
        return local;
      }
    } catch {
      // No local copy: read the checkpoint storage.
    }
  }
  const bytes = await readStreamStateHandle(rootDir, handle);
  onRead('remote', handle);
  return bytes;
}

/** Writes `bytes` to `path` and fsyncs it (the directory must exist). */
export async function writeFileDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The bytes of a handle, checked against its checksum; `rootDir` resolves file handles. */
export async function readStreamStateHandle(rootDir: string | undefined, handle: StreamStateHandle): Promise<Uint8Array> {
  if (handle.kind === 'inline') {
    if (checksum(handle.data) !== handle.checksum) {
      throw new SluiceError('CHECKPOINT_INVALID', `an inline state part does not match its checksum: the checkpoint is corrupt`);
    }
    return handle.data;
  }
  if (rootDir === undefined) {
    throw new SluiceError('CHECKPOINT_INVALID', `state file ${handle.path} cannot be read: the checkpoint has no directory`);
  }
  const path = join(rootDir, handle.path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new SluiceError('CHECKPOINT_INVALID', `state file ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (bytes.byteLength !== handle.size || checksum(bytes) !== handle.checksum) {
    throw new SluiceError(
      'CHECKPOINT_INVALID',
      `state file ${path} is ${bytes.byteLength} bytes and does not match its checksum (expected ${handle.size} bytes): ` +
        `the file is truncated or was changed`,
    );
  }
  return bytes;
}
