// Restoring a LevelDB backend from checkpoint handles: verified files, own key groups only, state ids remapped by name.

import { SluiceError } from '../../core/errors.ts';
import type { KeyGroupRange } from '../key-group.ts';
import type { TimerServiceSnapshot } from '../keyed-state-snapshot.ts';
import type { KeyedStateHandle, LevelDBKeyedStateHandle, StreamStateHandle } from '../state-handle.ts';
import type { CheckpointChain, SharedPart } from './incremental-checkpoint-chain.ts';
import { keyGroupStart, setStateId, stateIdOf } from './key-codec.ts';
import type { DbBatch, LevelDBStore } from './leveldb-store.ts';
import { EntriesFileReader, decodeMeta, type SnapshotStateMeta } from './snapshot-file.ts';
import { partSize, readVerifiedPart } from './snapshot-parts.ts';
import type { ValueCodec } from './value-codec.ts';
import { entriesIn } from './leveldb-snapshot-writer.ts';

/** What the restore needs from the backend. */
export interface RestoreTarget {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly store: LevelDBStore;
  readonly codec: ValueCodec;
  /** Registers a restored state (or checks it against the registered one); returns its id in this backend. */
  registerState(state: SnapshotStateMeta): number;
  /** Called for every key put into LevelDB. */
  writtenToStore(key: Uint8Array): void;
  /** Hands restored timers to the timer services (or keeps them until the service is created). */
  restoreTimers(timers: readonly TimerServiceSnapshot[]): void;
}

/** The result of a restore. */
export interface RestoreResult {
  /** Entries now in LevelDB (in this backend's key groups). */
  readonly entries: number;
  /** The restored chain, when the next checkpoints may build on it (one handle of exactly this key-group range). */
  readonly adoptableChain: CheckpointChain | undefined;
}

const BATCH_ENTRIES = 10_000;

/**
 * Applies each handle's shared files in order (base, then deltas: later puts and deletes win) to LevelDB,
 * keeping only the entries of this backend's key groups, so restoring the handles of several old subtasks at
 * another parallelism takes each key group from the one handle that holds it. Every part is read through
 * `readFile` and checked against its SHA-256 first.
 */
export async function restoreFromLevelDBHandles(
  target: RestoreTarget,
  handles: readonly KeyedStateHandle[],
  readFile: (handle: StreamStateHandle) => Promise<Uint8Array>,
): Promise<RestoreResult> {
  const own = target.keyGroupRange;
  let adoptableChain: CheckpointChain | undefined;
  for (const handle of handles) {
    checkHandle(handle, target.maxParallelism);
    const h = handle as LevelDBKeyedStateHandle;
    const start = Math.max(own.startKeyGroup, h.keyGroupRange.startKeyGroup);
    const end = Math.min(own.endKeyGroup, h.keyGroupRange.endKeyGroup);
    const metaHandle = h.privateFiles[0];
    if (metaHandle === undefined) throw corrupt(h, 'it has no metadata file');
    const meta = decodeMeta(await readVerifiedPart(metaHandle, readFile, 'metadata', h.checkpointId), target.codec, describe(metaHandle));
    if (meta.maxParallelism !== target.maxParallelism) throw maxParallelismMismatch(meta.maxParallelism, target.maxParallelism);
    const statesByName = new Map(meta.states.map((s) => [s.name, s]));
    for (const s of meta.states) target.registerState(s);
    const parts: SharedPart[] = [];
    for (let i = 0; i < h.sharedFiles.length; i++) {
      const part = h.sharedFiles[i]!;
      const role = i === 0 ? 'base' : `delta ${i}`;
      const reader = new EntriesFileReader(await readVerifiedPart(part, readFile, role, h.checkpointId), target.codec, describe(part));
      if (reader.header.kind !== (i === 0 ? 'base' : 'delta')) throw corrupt(h, `shared file ${i} is a ${reader.header.kind}, expected a ${role}`);
      const ids = idMapping(reader, statesByName, target, h);
      if (start <= end) await applyEntries(target, reader, start, end, ids);
      parts.push({ handle: part, entries: entriesIn(reader), bytes: partSize(part) });
    }
    target.restoreTimers(
      meta.timerServices.map((t) => ({ name: t.name, keyGroups: t.keyGroups.filter((g) => g.keyGroup >= start && g.keyGroup <= end) })),
    );
    if (handles.length === 1 && h.keyGroupRange.startKeyGroup === own.startKeyGroup && h.keyGroupRange.endKeyGroup === own.endKeyGroup) {
      adoptableChain = { checkpointId: h.checkpointId, parts, adopted: true };
    }
  }
  await target.store.drain();
  let entries = 0;
  await target.store.scan(
    { gte: keyGroupStart(own.startKeyGroup), lt: keyGroupStart(own.endKeyGroup + 1) },
    undefined,
    (chunk) => {
      entries += chunk.length;
    },
    { keysOnly: true },
  );
  return { entries, adoptableChain };
}

/** Old state id (in the file) -> this backend's id. */
function idMapping(
  reader: EntriesFileReader,
  statesByName: ReadonlyMap<string, SnapshotStateMeta>,
  target: RestoreTarget,
  handle: LevelDBKeyedStateHandle,
): Map<number, number> {
  const ids = new Map<number, number>();
  for (const [oldId, name] of reader.header.states) {
    const state = statesByName.get(name);
    if (state === undefined) throw corrupt(handle, `${reader.name} holds state '${name}', which its metadata does not describe`);
    ids.set(oldId, target.registerState(state));
  }
  return ids;
}

async function applyEntries(target: RestoreTarget, reader: EntriesFileReader, start: number, end: number, ids: ReadonlyMap<number, number>): Promise<void> {
  const store = target.store;
  let batch: DbBatch = store.newBatch();
  let inBatch = 0;
  await reader.forEachEntry(start, end, (key, value) => {
    const oldId = stateIdOf(key);
    const newId = ids.get(oldId);
    if (newId === undefined) throw new SluiceError('STATE_INCOMPATIBLE', `${reader.name} holds an entry of state id ${oldId}, which its header does not name`);
    let k = key;
    if (newId !== oldId) {
      k = Buffer.from(key); // the file's bytes may be an inline handle's: never rewrite them in place
      setStateId(k, newId);
    }
    if (value === undefined) batch.del(k);
    else {
      batch.put(k, value);
      target.writtenToStore(k);
    }
    if (++inBatch >= BATCH_ENTRIES) {
      store.write(batch);
      batch = store.newBatch();
      inBatch = 0;
    }
  });
  if (inBatch > 0) store.write(batch);
  await store.drain();
}

function checkHandle(handle: KeyedStateHandle, maxParallelism: number): void {
  if (handle.kind !== 'leveldb') {
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `the LevelDB state backend cannot restore a ${String(handle.kind)} keyed state handle from its files; restore ` +
        `heap snapshots through restore(snapshots) (the plain-data form), or keep the state backend of the checkpoint`,
    );
  }
  if (handle.maxParallelism !== maxParallelism) throw maxParallelismMismatch(handle.maxParallelism, maxParallelism);
}

function maxParallelismMismatch(snapshot: number, own: number): SluiceError {
  return new SluiceError(
    'STATE_INCOMPATIBLE',
    `cannot restore keyed state taken with max parallelism ${snapshot} into an operator with max parallelism ${own}: ` +
      `key groups would not line up. Keep the max parallelism of a stateful operator unchanged across restores (setMaxParallelism).`,
  );
}

function describe(handle: StreamStateHandle): string {
  return handle.kind === 'file' ? `file '${handle.path}'` : 'an inline part';
}

function corrupt(handle: LevelDBKeyedStateHandle, what: string): SluiceError {
  return new SluiceError('STATE_INCOMPATIBLE', `cannot restore LevelDB state of checkpoint ${handle.checkpointId}: ${what}`);
}
