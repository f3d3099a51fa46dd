// The asynchronous half of a LevelDB checkpoint: writes base/delta (from captured changes, or a LevelDB scan) + metadata parts.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IllegalStateError } from '../../core/errors.ts';
import type { KeyGroupRange } from '../key-group.ts';
import type { TimerServiceSnapshot } from '../keyed-state-snapshot.ts';
import type { LevelDBKeyedStateHandle, SnapshotStorageLocation, StreamStateHandle } from '../state-handle.ts';
import type { StateKind } from '../state-descriptor.ts';
import type { StateTtlConfig } from '../state-ttl-config.ts';
import { distinctChanges, mergeChain, type SortedEntries } from './chain-merge.ts';
import type { ChainCapture, CheckpointChain, IncrementalCheckpointChain, SharedPart } from './incremental-checkpoint-chain.ts';
import { keyGroupStart, stateIdOf } from './key-codec.ts';
import type { DbSnapshot, LevelDBStore } from './leveldb-store.ts';
import { EntriesFileReader, EntriesFileWriter, LEVELDB_SNAPSHOT_FORMAT_VERSION, encodeMeta } from './snapshot-file.ts';
import { describePart, partSize, partsExist, readVerifiedPart, writePart } from './snapshot-parts.ts';
import type { ValueCodec } from './value-codec.ts';

/** Entries per LevelDB iterator round trip when a base is scanned. */
const SCAN_CHUNK = 4000;

/** A state as it was registered when the checkpoint was captured. */
export interface CapturedState {
  readonly id: number;
  readonly name: string;
  readonly kind: StateKind;
  readonly ttl: StateTtlConfig | undefined;
}

/** Everything the writer needs, captured synchronously when the barrier was processed. */
export interface CheckpointCapture {
  readonly checkpointId: number;
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly states: readonly CapturedState[];
  readonly timerServices: readonly TimerServiceSnapshot[];
  /** Processing time at capture, for full-snapshot TTL cleanup. */
  readonly now: number;
  /**
   * LevelDB as of the capture (taken in the write queue right after the capture's flush), when the writer may have
   * to scan it: changes not tracked, no known base chain, or an adopted one.
   */
  readonly snapshot: Promise<DbSnapshot> | undefined;
  /** The backend tracks changes: `chain.changed` holds everything flushed since `chain.base`. */
  readonly tracked: boolean;
  readonly chain: ChainCapture;
  /** Write a base even if a delta would do (incremental checkpoints off, or a self-contained savepoint). */
  readonly forceBase: boolean;
}

/**
 * Writes one checkpoint of a LevelDB backend and reports its chain to `chains`.
 *
 * With changes tracked and a known base chain, nothing is read from LevelDB: a delta is the captured changes
 * (latest bytes per key, deletions as tombstones), and a new base is the newest written chain's files merged with
 * the changes since. Otherwise (incremental checkpoints off, after a restore that could not be adopted, or chain
 * files that are gone or number the states otherwise) the base is a scan of the LevelDB snapshot of the capture.
 */
export async function writeLevelDBCheckpoint(
  store: LevelDBStore,
  codec: ValueCodec,
  chains: IncrementalCheckpointChain,
  capture: CheckpointCapture,
  location: SnapshotStorageLocation,
): Promise<LevelDBKeyedStateHandle> {
  let reusedAdopted = false;
  const snapshot = capture.snapshot === undefined ? undefined : await capture.snapshot;
  try {
    const base = capture.chain.base;
    let newPart: SharedPart | undefined;
    let parts: SharedPart[] | undefined;
    if (capture.tracked && base !== undefined) {
      // Build on the newest chain written, not only the last one known complete: the JobManager has most likely
      // completed it already, releasing the files of older chains that it does not share. (If it is aborted
      // instead, its shared files stay: only a completed checkpoint's discard deletes shared files.)
      const newer = chains.writtenSince(capture.chain, capture.checkpointId);
      const source = newer.length > 0 ? newer[newer.length - 1]! : base;
      const { changed, changedIds } = capture.chain;
      const changes = distinctChanges(source === base ? changed : changed.filter((_, i) => changedIds[i]! > source.checkpointId));
      const reusable = !source.adopted || (await partsExist(location.rootDir, source.parts.map((p) => p.handle)));
      if (!capture.forceBase && reusable && !chains.shouldWriteBase(source, changes.keys.length)) {
        newPart = await writeDeltaFile(codec, capture, location, changes);
        parts = [...source.parts, newPart];
        reusedAdopted = source.adopted;
      } else {
        // A base merged from the newest chain whose files can be read, and the changes since it.
        for (const candidate of [...newer.reverse(), base]) {
          const files = await readChainFiles(candidate, codec, capture, location);
          if (files === undefined) continue;
          const since = candidate === source ? changes : distinctChanges(changed.filter((_, i) => changedIds[i]! > candidate.checkpointId));
          newPart = await writeMergedBaseFile(codec, files, since, capture, location);
          parts = [newPart];
          break;
        }
      }
    }
    if (newPart === undefined || parts === undefined) {
      if (snapshot === undefined) {
        throw new IllegalStateError(`checkpoint ${capture.checkpointId}: the files of the last LevelDB checkpoints cannot be read, and no snapshot was taken to write a base from`);
      }
      newPart = await writeBaseFile(store, codec, snapshot, capture, location);
      parts = [newPart];
    }
    const meta = encodeMeta(
      {
        version: LEVELDB_SNAPSHOT_FORMAT_VERSION,
        checkpointId: capture.checkpointId,
        maxParallelism: capture.maxParallelism,
        keyGroupRange: { startKeyGroup: capture.keyGroupRange.startKeyGroup, endKeyGroup: capture.keyGroupRange.endKeyGroup },
        states: capture.states.map((s) => (s.ttl === undefined ? { name: s.name, kind: s.kind } : { name: s.name, kind: s.kind, ttl: s.ttl.toData() })),
        timerServices: capture.timerServices,
      },
      codec,
    );
    const metaPart = await writePart(location, 'exclusive', `${capture.checkpointId}-meta`, meta);
    // Files reused from an adopted chain, or written for a savepoint, may lie outside the checkpoint root.
    const adopted = capture.forceBase || reusedAdopted;
    const chain: CheckpointChain = { checkpointId: capture.checkpointId, parts, adopted };
    chains.written(capture.checkpointId, chain);
    const metaBytes = partSize(metaPart);
    return {
      kind: 'leveldb',
      keyGroupRange: { startKeyGroup: capture.keyGroupRange.startKeyGroup, endKeyGroup: capture.keyGroupRange.endKeyGroup },
      maxParallelism: capture.maxParallelism,
      checkpointId: capture.checkpointId,
      sharedFiles: parts.map((p) => p.handle),
      privateFiles: [metaPart],
      incrementalSize: newPart.bytes + metaBytes,
      fullSize: parts.reduce((sum, p) => sum + p.bytes, 0) + metaBytes,
    };
  } finally {
    await snapshot?.close();
  }
}

/**
 * The files of `chain`, read back and verified, when they can be read and their state ids are the capture's;
 * undefined otherwise (files of an adopted chain gone or numbering states otherwise, files released meanwhile):
 * the caller then scans LevelDB.
 */
async function readChainFiles(
  chain: CheckpointChain,
  codec: ValueCodec,
  capture: CheckpointCapture,
  location: SnapshotStorageLocation,
): Promise<EntriesFileReader[] | undefined> {
  const idByName = new Map(capture.states.map((s) => [s.name, s.id]));
  const rootDir = location.rootDir;
  const read = (h: StreamStateHandle): Promise<Uint8Array> =>
    h.kind === 'inline' ? Promise.resolve(h.data) : rootDir === undefined ? Promise.reject(new Error('no checkpoint directory')) : readFile(join(rootDir, h.path));
  const files: EntriesFileReader[] = [];
  for (let i = 0; i < chain.parts.length; i++) {
    const handle = chain.parts[i]!.handle;
    let bytes: Uint8Array;
    try {
      bytes = await readVerifiedPart(handle, read, i === 0 ? 'base' : `delta ${i}`, chain.checkpointId);
    } catch {
      return undefined;
    }
    const reader = new EntriesFileReader(bytes, codec, describePart(handle, 'chain'));
    for (const [id, name] of reader.header.states) if (idByName.get(name) !== id) return undefined;
    files.push(reader);
  }
  return files;
}

/** A base merged from the last chain's files and the changes since, expired entries left out as a scan would. */
async function writeMergedBaseFile(
  codec: ValueCodec,
  files: readonly EntriesFileReader[],
  changes: SortedEntries,
  capture: CheckpointCapture,
  location: SnapshotStorageLocation,
): Promise<SharedPart> {
  const file = new EntriesFileWriter('base', capture.states.map((s) => [s.id, s.name] as const), location.compression);
  const keep = fullSnapshotCleanup(codec, capture);
  const range = capture.keyGroupRange;
  await mergeChain(files, changes, range.startKeyGroup, range.endKeyGroup, file, keep ?? (() => true));
  return sharedPart(file, codec, location, `${capture.checkpointId}-base`);
}

/** Whether an entry survives full-snapshot TTL cleanup; undefined when no state asks for it. */
function fullSnapshotCleanup(codec: ValueCodec, capture: CheckpointCapture): ((key: Buffer, value: Buffer) => boolean) | undefined {
  const ttlMsById = new Map<number, number>();
  for (const s of capture.states) if (s.ttl?.cleanupFullSnapshot === true) ttlMsById.set(s.id, s.ttl.ttlMs);
  if (ttlMsById.size === 0) return undefined;
  return (key, value) => {
    const ttlMs = ttlMsById.get(stateIdOf(key));
    const ts = ttlMs === undefined ? undefined : codec.timestampOf(value);
    return ts === undefined || ts + ttlMs! > capture.now;
  };
}

/** Every entry of the captured key groups, expired ones left out where the state asks for full-snapshot cleanup. */
async function writeBaseFile(
  store: LevelDBStore,
  codec: ValueCodec,
  snapshot: DbSnapshot,
  capture: CheckpointCapture,
  location: SnapshotStorageLocation,
): Promise<SharedPart> {
  const file = new EntriesFileWriter('base', capture.states.map((s) => [s.id, s.name] as const), location.compression);
  const keep = fullSnapshotCleanup(codec, capture);
  const range = capture.keyGroupRange;
  await store.scan(
    { gte: keyGroupStart(range.startKeyGroup), lt: keyGroupStart(range.endKeyGroup + 1) },
    snapshot,
    (chunk) => {
      for (const [key, value] of chunk) if (keep === undefined || keep(key, value)) file.add(key, value);
    },
    { chunkSize: SCAN_CHUNK, highWaterMarkBytes: 1024 * 1024 },
  );
  return sharedPart(file, codec, location, `${capture.checkpointId}-base`);
}

/** The changes since the base chain as of the capture: their latest bytes, or tombstones where deleted. */
async function writeDeltaFile(codec: ValueCodec, capture: CheckpointCapture, location: SnapshotStorageLocation, changes: SortedEntries): Promise<SharedPart> {
  const file = new EntriesFileWriter('delta', capture.states.map((s) => [s.id, s.name] as const), location.compression);
  for (let i = 0; i < changes.keys.length; i++) file.add(changes.keys[i]!, changes.values[i]);
  return sharedPart(file, codec, location, `${capture.checkpointId}-delta`);
}

async function sharedPart(file: EntriesFileWriter, codec: ValueCodec, location: SnapshotStorageLocation, name: string): Promise<SharedPart> {
  const bytes = await file.finish(codec);
  const handle = await writePart(location, 'shared', name, bytes);
  return { handle, entries: file.entries, bytes: partSize(handle) };
}

/** Entries of an entries file (for chains adopted at restore). */
export function entriesIn(reader: EntriesFileReader): number {
  let n = 0;
  for (const group of reader.header.groups) n += group[3];
  return n;
}
