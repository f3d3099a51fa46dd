// LevelDBKeyedStateBackend: write-back cache, checkpoints to files and back, rescaling, incremental chains, corruption.

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { SluiceError } from '../../../src/core/errors.ts';
import { KeyGroupRange, assignToKeyGroup, type Key } from '../../../src/state/key-group.ts';
import { ListStateDescriptor } from '../../../src/state/list-state-descriptor.ts';
import {
  LevelDBKeyedStateBackend,
  type LevelDBKeyedStateBackendOptions,
} from '../../../src/state/leveldb/leveldb-keyed-state-backend.ts';
import {
  decodeStateKey,
  encodeNamespacePart,
  encodeStateKey,
  keyGroupStart,
  namespacePartOf,
} from '../../../src/state/leveldb/key-codec.ts';
import { ValueCodec } from '../../../src/state/leveldb/value-codec.ts';
import { PredefinedOptions, levelDBOptionsFor } from '../../../src/state/leveldb/predefined-options.ts';
import { partReaderFor } from '../../../src/state/leveldb/snapshot-parts.ts';
import { ManualProcessingTimeService } from '../../../src/state/manual-processing-time-service.ts';
import { MapStateDescriptor } from '../../../src/state/map-state-descriptor.ts';
import type { LevelDBKeyedStateHandle, SnapshotStorageLocation, StreamStateHandle } from '../../../src/state/state-handle.ts';
import { StateTtlConfig } from '../../../src/state/state-ttl-config.ts';
import type { InternalMergingState, ListState } from '../../../src/state/state.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap-keyed-state-backend.ts';

const MAX_P = 128;
const ALL = new KeyGroupRange(0, MAX_P - 1);

let root = '';
const opened: LevelDBKeyedStateBackend[] = [];
let dbCount = 0;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sluice-leveldb-'));
});
afterEach(async () => {
  for (const backend of opened.splice(0)) await backend.close();
  rmSync(root, { recursive: true, force: true });
});

async function open(options: Partial<LevelDBKeyedStateBackendOptions> = {}): Promise<LevelDBKeyedStateBackend> {
  const backend = await LevelDBKeyedStateBackend.create({
    keyGroupRange: ALL,
    maxParallelism: MAX_P,
    clock: new ManualClock(1_000),
    dbPath: join(root, 'work', `db-${dbCount++}`),
    ...options,
  });
  opened.push(backend);
  return backend;
}

function location(checkpointId: number, overrides: Partial<SnapshotStorageLocation> = {}): SnapshotStorageLocation {
  return {
    checkpointId,
    rootDir: join(root, 'checkpoints'),
    exclusiveDir: `chk-${checkpointId}`,
    sharedDir: 'shared',
    taskOwnedDir: 'taskowned',
    compression: false,
    inlineLimitBytes: 0,
    filePrefix: 'op-0-0',
    ...overrides,
  };
}

const readFile = (handle: StreamStateHandle): Promise<Uint8Array> => partReaderFor(join(root, 'checkpoints'))(handle);

async function checkpoint(backend: LevelDBKeyedStateBackend, id: number, overrides: Partial<SnapshotStorageLocation> = {}): Promise<LevelDBKeyedStateHandle> {
  return backend.snapshotToStorage(location(id, overrides))();
}

const count = new ValueStateDescriptor<number>('count');

function put(backend: LevelDBKeyedStateBackend, key: Key, value: number | undefined): void {
  backend.setCurrentKey(key);
  backend.getPartitionedState(count).update(value);
}

function get(backend: LevelDBKeyedStateBackend, key: Key): number | undefined {
  backend.setCurrentKey(key);
  return backend.getPartitionedState(count).value();
}

function pathsOf(handles: readonly StreamStateHandle[]): string[] {
  return handles.map((h) => (h.kind === 'file' ? h.path : `inline:${h.checksum}`));
}

describe('LevelDBKeyedStateBackend write-back cache', () => {
  it('reads every write back through eviction, with writes in flight and after they complete', async () => {
    const backend = await open({ cache: { maxEntries: 200, maxDirtyEntries: 50 } });
    for (let i = 0; i < 5_000; i++) put(backend, i, i * 2);
    // Nothing awaited yet: batches were dispatched between records but none has completed, so nothing was evicted.
    expect(backend.writesInFlight).toBeGreaterThan(0);
    expect(backend.cache.size).toBe(5_000);
    for (let i = 0; i < 5_000; i += 7) expect(get(backend, i)).toBe(i * 2);
    await backend.flush();
    expect(backend.writesInFlight).toBe(0);
    expect(backend.cache.size).toBeLessThanOrEqual(200);
    // Evicted entries come back from LevelDB (getSync), deletes and overwrites included.
    for (let i = 0; i < 5_000; i += 3) put(backend, i, i % 2 === 0 ? undefined : -i);
    for (let i = 0; i < 5_000; i++) {
      const want = i % 3 !== 0 ? i * 2 : i % 2 === 0 ? undefined : -i;
      expect(get(backend, i), `key ${i}`).toBe(want);
    }
    expect(backend.numKeyValueStateEntries()).toBe(5_000 - Math.ceil(5_000 / 6));
    await backend.flush();
    expect(backend.cache.size).toBeLessThanOrEqual(200);
    expect(get(backend, 0)).toBeUndefined();
    expect(get(backend, 3)).toBe(-3);
    expect(backend.numKeyValueStateEntries()).toBe(5_000 - Math.ceil(5_000 / 6));
  });

  it('keeps in-place updates (list append, map put, accumulators) across flushes and eviction', async () => {
    const backend = await open({ cache: { maxEntries: 10, maxDirtyEntries: 5 } });
    const list = backend.getPartitionedState(new ListStateDescriptor<number>('list'));
    const map = backend.getPartitionedState(new MapStateDescriptor<string, number>('map'));
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 50; k++) {
        backend.setCurrentKey(k);
        list.add(round);
        map.put(`r${round}`, k);
      }
      await backend.flush();
    }
    for (let k = 0; k < 50; k++) {
      backend.setCurrentKey(k);
      expect([...list.get()]).toEqual([0, 1, 2, 3, 4]);
      expect([...map.keys()]).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
      expect(map.get('r3')).toBe(k);
    }
  });

  it('merges namespaces of entries that only LevelDB holds', async () => {
    const backend = await open({ cache: { maxEntries: 4, maxDirtyEntries: 2 } });
    const list = backend.getPartitionedState({ w: 1 }, new ListStateDescriptor<string>('window')) as ListState<string> & InternalMergingState;
    for (let k = 0; k < 20; k++) {
      backend.setCurrentKey(k);
      list.setCurrentNamespace({ w: 1 });
      list.add('a');
      list.setCurrentNamespace({ w: 2 });
      list.add('b');
    }
    await backend.flush();
    for (let k = 0; k < 20; k++) {
      backend.setCurrentKey(k);
      list.mergeNamespaces({ w: 3 }, [{ w: 1 }, { w: 2 }]);
    }
    await backend.flush();
    expect(await backend.getKeysAsync('window', { w: 3 })).toHaveLength(20);
    expect(await backend.getKeysAsync('window', { w: 1 })).toEqual([]);
    backend.setCurrentKey(7);
    list.setCurrentNamespace({ w: 3 });
    expect([...list.get()]).toEqual(['a', 'b']);
    expect(backend.numKeyValueStateEntries()).toBe(20);
  });

  it('applies TTL to entries read back from LevelDB, and cleans up cached entries incrementally', async () => {
    const clock = new ManualClock(0);
    const backend = await open({ clock, cache: { maxEntries: 4, maxDirtyEntries: 2 } });
    const ttl = StateTtlConfig.newBuilder(100).cleanupIncrementally(10, true).build();
    const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    for (let k = 0; k < 20; k++) {
      backend.setCurrentKey(k);
      v.update(k);
    }
    await backend.flush();
    clock.advance(50);
    backend.setCurrentKey(3);
    expect(v.value()).toBe(3);
    clock.advance(60);
    expect(backend.numKeyValueStateEntries()).toBe(20);
    backend.setCurrentKey(5); // every-record cleanup visits the cached entries: they have expired
    expect(backend.numKeyValueStateEntries()).toBeLessThan(20);
    expect(v.value()).toBeUndefined();
    backend.setCurrentKey(17);
    expect(v.value()).toBeUndefined(); // read from LevelDB, expired, removed
  });

  it('incremental cleanup also removes expired entries that only LevelDB holds, as state is used', async () => {
    const clock = new ManualClock(0);
    const backend = await open({ clock, cache: { maxEntries: 50 } });
    const ttl = StateTtlConfig.newBuilder(100).cleanupIncrementally(100, false).build();
    const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    const plain = backend.getPartitionedState(count);
    for (let k = 0; k < 500; k++) {
      backend.setCurrentKey(k);
      v.update(k);
      plain.update(k);
    }
    await backend.flush();
    expect(backend.cache.size).toBeLessThanOrEqual(50);
    clock.advance(200);
    backend.setCurrentKey('fresh');
    v.update(1); // written after the others expired: must survive
    for (let i = 0; i < 30; i++) v.value(); // 30 accesses x 100 visits: sweep steps over LevelDB
    await backend.flush();
    expect(backend.ttlEntriesCleanedUp).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) v.value();
    await backend.flush();
    expect(backend.numKeyValueStateEntries()).toBe(501); // the 500 `count` entries and 'fresh'
    expect(v.value()).toBe(1);
    expect(get(backend, 499)).toBe(499);
  });

  it('stores values of every plain-data type, through LevelDB and checkpoints', async () => {
    const values: unknown[] = [
      0,
      -0.5,
      2 ** 53,
      'text \u00e9',
      '',
      true,
      12345678901234567890n,
      null,
      { nested: { deep: [1, 'a', null] }, date: new Date(5), big: 7n },
      [undefined, 1, [2, [3]]],
      new Map<unknown, unknown>([['k', 1], [2, { x: 1 }]]),
      new Set([1, 'b']),
      new Uint8Array([1, 2, 3]),
      new Date(1_700_000_000_000),
    ];
    const backend = await open({ cache: { maxEntries: 2, maxDirtyEntries: 1 } });
    const any = new ValueStateDescriptor<unknown>('any');
    values.forEach((value, i) => {
      backend.setCurrentKey(i);
      backend.getPartitionedState({ w: i }, any).update(value);
    });
    await backend.flush();
    const check = (b: LevelDBKeyedStateBackend): void =>
      values.forEach((value, i) => {
        b.setCurrentKey(i);
        expect(b.getPartitionedState({ w: i }, any).value(), `value ${i}`).toEqual(value);
      });
    check(backend);
    const restored = await open();
    await restored.restoreFromHandles([await checkpoint(backend, 1, { compression: true })], readFile);
    check(restored);
    const canonical = await open();
    canonical.restore([await backend.snapshotAsync()]);
    check(canonical);
  });

  it('refuses the synchronous plain-data snapshot and key listing, pointing at the asynchronous ones', async () => {
    const backend = await open();
    expect(() => backend.snapshot()).toThrow(/snapshotAsync/);
    expect(() => backend.getKeys('count')).toThrow(/getKeysAsync/);
  });

  it('starts empty over a stale directory and deletes its directory on close', async () => {
    const dbPath = join(root, 'stale');
    mkdirSync(dbPath, { recursive: true });
    writeFileSync(join(dbPath, 'garbage'), 'left over');
    const backend = await LevelDBKeyedStateBackend.create({ keyGroupRange: ALL, maxParallelism: MAX_P, clock: new ManualClock(), dbPath });
    expect(existsSync(join(dbPath, 'garbage'))).toBe(false);
    put(backend, 'a', 1);
    await backend.flush();
    await backend.close();
    expect(existsSync(dbPath)).toBe(false);
    await expect(backend.flush()).rejects.toThrow(/closed/);
  });

  it('dispose drops state, LevelDB entries included', async () => {
    const backend = await open({ cache: { maxEntries: 4, maxDirtyEntries: 2 } });
    for (let k = 0; k < 20; k++) put(backend, k, k);
    await backend.flush();
    backend.dispose();
    expect(backend.numKeyValueStateEntries()).toBe(0);
    expect(get(backend, 15)).toBeUndefined();
    await backend.flush();
    expect(get(backend, 16)).toBeUndefined();
  });
});

describe('LevelDBKeyedStateBackend checkpoints', () => {
  it('close() lets a checkpoint being written finish first; a writer started after close is refused', async () => {
    const source = await open();
    for (let i = 0; i < 20_000; i++) put(source, i, i);
    const writing = checkpoint(source, 1);
    const late = source.snapshotToStorage(location(2));
    await source.close();
    const handle = await writing;
    expect(handle.sharedFiles).toHaveLength(1);
    await expect(late()).rejects.toThrow(/closed before its snapshot was written/);
    const restored = await open();
    await restored.restoreFromHandles([handle], readFile);
    expect(get(restored, 19_999)).toBe(19_999);
  });

  it('writes a checkpoint as files on disk and restores it into a fresh backend, timers included', async () => {
    const source = await open({ cache: { maxEntries: 50, maxDirtyEntries: 20 } });
    const pts = new ManualProcessingTimeService();
    const timers = source.getTimerService('t', { processingTimeService: pts });
    for (let i = 0; i < 1_000; i++) {
      put(source, `user-${i}`, i);
      if (i % 100 === 0) timers.registerEventTimeTimer(null, i);
    }
    const handle = await checkpoint(source, 1);
    expect(handle.kind).toBe('leveldb');
    expect(handle.sharedFiles).toHaveLength(1);
    for (const part of [...handle.sharedFiles, ...handle.privateFiles]) {
      expect(part.kind).toBe('file');
      if (part.kind === 'file') expect(statSync(join(root, 'checkpoints', part.path)).size).toBe(part.size);
    }
    expect((handle.privateFiles[0] as { path: string }).path.startsWith('chk-1/op-0-0-')).toBe(true);
    expect((handle.sharedFiles[0] as { path: string }).path.startsWith('shared/op-0-0-')).toBe(true);
    expect(handle.fullSize).toBe(handle.incrementalSize);

    const restored = await open();
    await restored.restoreFromHandles([structuredClone(handle)], readFile);
    expect(restored.numKeyValueStateEntries()).toBe(1_000);
    for (let i = 0; i < 1_000; i += 37) expect(get(restored, `user-${i}`)).toBe(i);
    expect(restored.getTimerService('t', { processingTimeService: pts }).numEventTimeTimers()).toBe(10);
  });

  it('inlines parts when the storage has no directory or the part is small, and compresses when asked', async () => {
    const backend = await open();
    for (let i = 0; i < 200; i++) put(backend, i, i);
    const inline = await checkpoint(backend, 1, { rootDir: undefined, inlineLimitBytes: 1 << 20, compression: true });
    expect([...inline.sharedFiles, ...inline.privateFiles].every((p) => p.kind === 'inline')).toBe(true);
    const restored = await open();
    await restored.restoreFromHandles([inline], readFile);
    expect(get(restored, 199)).toBe(199);
    await expect(checkpoint(backend, 2, { rootDir: undefined, inlineLimitBytes: 10 })).rejects.toThrow(/declined/);
  });

  it('restores at another parallelism from several handles, each new subtask keeping its key groups', async () => {
    const keys = Array.from({ length: 600 }, (_, i) => `k${i}`);
    const handles: LevelDBKeyedStateHandle[] = [];
    for (let op = 0; op < 2; op++) {
      const range = KeyGroupRange.forOperator(MAX_P, 2, op);
      const backend = await open({ keyGroupRange: range, cache: { maxEntries: 64, maxDirtyEntries: 16 } });
      const timers = backend.getTimerService('t', { processingTimeService: new ManualProcessingTimeService() });
      keys.forEach((k, i) => {
        if (!range.contains(assignToKeyGroup(k, MAX_P))) return;
        put(backend, k, i);
        timers.registerEventTimeTimer(null, i);
      });
      await checkpoint(backend, 1, { filePrefix: `op-${op}-0` }).then((h) => handles.push(h));
    }
    let total = 0;
    let timerTotal = 0;
    const news: LevelDBKeyedStateHandle[] = [];
    for (let np = 0; np < 3; np++) {
      const range = KeyGroupRange.forOperator(MAX_P, 3, np);
      const backend = await open({ keyGroupRange: range });
      await backend.restoreFromHandles(handles, readFile);
      keys.forEach((k, i) => {
        if (range.contains(assignToKeyGroup(k, MAX_P))) expect(get(backend, k)).toBe(i);
      });
      total += backend.numKeyValueStateEntries();
      timerTotal += backend.getTimerService('t', { processingTimeService: new ManualProcessingTimeService() }).numEventTimeTimers();
      news.push(await checkpoint(backend, 2, { filePrefix: `op-${np}-1` }));
    }
    expect(total).toBe(keys.length);
    expect(timerTotal).toBe(keys.length);
    const merged = await open();
    await merged.restoreFromHandles(news, readFile);
    expect(merged.numKeyValueStateEntries()).toBe(keys.length);
    keys.forEach((k, i) => expect(get(merged, k)).toBe(i));
  });

  it('incremental: after 200k entries and 1% updates the increment is at most 5% of the full size', async () => {
    const backend = await open({ cache: { maxEntries: 50_000 } });
    const n = 200_000;
    for (let i = 0; i < n; i++) put(backend, i, i);
    const first = await checkpoint(backend, 1);
    backend.notifyCheckpointComplete(1);
    for (let i = 0; i < n; i += 100) put(backend, i, -i - 1); // 1% updated
    const second = await checkpoint(backend, 2);
    expect(second.sharedFiles).toHaveLength(2);
    expect(second.incrementalSize / second.fullSize).toBeLessThanOrEqual(0.05);
    expect(second.fullSize).toBeGreaterThan(first.fullSize);
    const restored = await open();
    await restored.restoreFromHandles([second], readFile);
    expect(restored.numKeyValueStateEntries()).toBe(n);
    for (let i = 0; i < n; i += 997) expect(get(restored, i)).toBe(i % 100 === 0 ? -i - 1 : i);
  }, 20_000);

  it('references the shared files of the last completed checkpoint by path, and writes only the delta', async () => {
    const backend = await open();
    for (let i = 0; i < 1_000; i++) put(backend, i, i);
    const first = await checkpoint(backend, 1);
    backend.notifyCheckpointComplete(1);
    put(backend, 5, 55);
    put(backend, 6, undefined);
    const second = await checkpoint(backend, 2);
    expect(pathsOf(second.sharedFiles.slice(0, 1))).toEqual(pathsOf(first.sharedFiles));
    expect(second.sharedFiles).toHaveLength(2);
    expect(second.incrementalSize).toBe(second.fullSize - (first.sharedFiles[0] as { size: number }).size);
    // Before 2 completes, checkpoint 3 builds on 2, written and most likely complete at the JobManager already
    // (which may have released what 2 does not share); its delta holds only what changed since 2.
    put(backend, 7, 77);
    const third = await checkpoint(backend, 3);
    expect(pathsOf(third.sharedFiles.slice(0, 2))).toEqual(pathsOf(second.sharedFiles));
    expect(third.sharedFiles).toHaveLength(3);
    const restored = await open();
    await restored.restoreFromHandles([third], readFile);
    expect([get(restored, 5), get(restored, 6), get(restored, 7), get(restored, 8)]).toEqual([55, undefined, 77, 8]);
    expect(restored.numKeyValueStateEntries()).toBe(999);
  });

  it('an aborted checkpoint does not break the next one', async () => {
    const backend = await open();
    for (let i = 0; i < 100; i++) put(backend, i, i);
    await checkpoint(backend, 1);
    backend.notifyCheckpointComplete(1);
    put(backend, 1, 100);
    const aborted = await checkpoint(backend, 2);
    backend.notifyCheckpointAborted(2);
    rmSync(join(root, 'checkpoints', (aborted.sharedFiles[1] as { path: string }).path)); // the coordinator deletes it
    put(backend, 2, 200);
    const third = await checkpoint(backend, 3);
    backend.notifyCheckpointComplete(3);
    expect(pathsOf(third.sharedFiles)).not.toContain(pathsOf(aborted.sharedFiles)[1]);
    const restored = await open();
    await restored.restoreFromHandles([third], readFile);
    expect([get(restored, 1), get(restored, 2), get(restored, 3)]).toEqual([100, 200, 3]);
  });

  it('consolidates: a new base after maxDeltas deltas, or when the deltas grow past maxDeltaRatio', async () => {
    const backend = await open({ consolidation: { maxDeltas: 2, maxDeltaRatio: 0.5 } });
    for (let i = 0; i < 100; i++) put(backend, i, i);
    const lengths: number[] = [];
    for (let id = 1; id <= 4; id++) {
      put(backend, id, -id);
      lengths.push((await checkpoint(backend, id)).sharedFiles.length);
      backend.notifyCheckpointComplete(id);
    }
    expect(lengths).toEqual([1, 2, 3, 1]);
    for (let i = 0; i < 60; i++) put(backend, i, 0); // 60% of the base changed
    expect((await checkpoint(backend, 5)).sharedFiles).toHaveLength(1);
  });

  it('merges a new base from the chain files and the changes since: deletions dropped, latest values kept', async () => {
    const backend = await open({ consolidation: { maxDeltas: 1, maxDeltaRatio: 10 }, cache: { maxEntries: 8 } });
    for (let i = 0; i < 100; i++) put(backend, i, i);
    await checkpoint(backend, 1);
    backend.notifyCheckpointComplete(1);
    for (let i = 0; i < 10; i++) put(backend, i, undefined);
    const second = await checkpoint(backend, 2);
    expect(second.sharedFiles).toHaveLength(2);
    backend.notifyCheckpointComplete(2);
    for (let i = 10; i < 20; i++) put(backend, i, -i);
    for (let i = 10; i < 20; i++) put(backend, i, -2 * i); // evicted and reloaded within the segment (tiny cache)
    const third = await checkpoint(backend, 3);
    expect(third.sharedFiles).toHaveLength(1);
    const restored = await open();
    await restored.restoreFromHandles([third], readFile);
    expect(restored.numKeyValueStateEntries()).toBe(90);
    expect([get(restored, 5), get(restored, 15), get(restored, 50)]).toEqual([undefined, -30, 50]);
  });

  it('writes every checkpoint in full with incremental checkpoints off, or with forceFull', async () => {
    const full = await open({ incrementalCheckpoints: false });
    put(full, 1, 1);
    await checkpoint(full, 1);
    full.notifyCheckpointComplete(1);
    put(full, 2, 2);
    const second = await checkpoint(full, 2);
    expect(second.sharedFiles).toHaveLength(1);
    expect(second.incrementalSize).toBe(second.fullSize);
    const incremental = await open();
    put(incremental, 1, 1);
    await checkpoint(incremental, 1);
    incremental.notifyCheckpointComplete(1);
    put(incremental, 2, 2);
    expect((await incremental.snapshotToStorage(location(2), { forceFull: true })()).sharedFiles).toHaveLength(1);
  });

  it('after restoring one handle of its own range, the next checkpoint builds on the restored files', async () => {
    const source = await open();
    for (let i = 0; i < 500; i++) put(source, i, i);
    const first = await checkpoint(source, 1);
    source.notifyCheckpointComplete(1);
    const restored = await open();
    await restored.restoreFromHandles([first], readFile);
    put(restored, 3, 33);
    const next = await checkpoint(restored, 2, { filePrefix: 'op-0-1' });
    expect(pathsOf(next.sharedFiles.slice(0, 1))).toEqual(pathsOf(first.sharedFiles));
    // Under another checkpoint root (a new job from a retained checkpoint) the old files are not there: a new base.
    const elsewhere = await checkpoint(restored, 3, { rootDir: join(root, 'other-job') });
    expect(elsewhere.sharedFiles).toHaveLength(1);
    const again = await open();
    await again.restoreFromHandles([next], readFile);
    expect([get(again, 3), get(again, 4)]).toEqual([33, 4]);
  });

  it('a checksum mismatch names the corrupt file; a missing file names the missing one', async () => {
    const backend = await open();
    for (let i = 0; i < 100; i++) put(backend, i, i);
    const handle = await checkpoint(backend, 1);
    const base = handle.sharedFiles[0] as { path: string };
    const file = join(root, 'checkpoints', base.path);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    const corrupt = open().then((b) => b.restoreFromHandles([handle], readFile));
    await expect(corrupt).rejects.toThrow(SluiceError);
    await expect(corrupt).rejects.toThrow(new RegExp(`${base.path}.*corrupt.*SHA-256`));
    rmSync(file);
    const missing = open().then((b) => b.restoreFromHandles([handle], readFile));
    await expect(missing).rejects.toThrow(expect.objectContaining({ code: 'STATE_INCOMPATIBLE' }));
    await expect(missing).rejects.toThrow(new RegExp(`${base.path}.*cannot be read`));
  });

  it('refuses handles of another max parallelism, and restoring over state; restores canonical (heap-format) handles', async () => {
    const backend = await open();
    put(backend, 1, 1);
    const handle = await checkpoint(backend, 1);
    const other = await open({ maxParallelism: 256, keyGroupRange: new KeyGroupRange(0, 255) });
    await expect(other.restoreFromHandles([handle], readFile)).rejects.toThrow(/max parallelism 128/);
    // Savepoints are canonical: a heap backend's handle restores into LevelDB.
    const heap = new HeapKeyedStateBackend({ keyGroupRange: ALL, maxParallelism: MAX_P, clock: new ManualClock() });
    heap.setCurrentKey('from-heap');
    heap.getPartitionedState(count).update(42);
    const heapHandle = await heap.snapshotToStorage(location(9, { exclusiveDir: '.', sharedDir: '.', inlineLimitBytes: 1 << 20 }))();
    const fromHeap = await open();
    await fromHeap.restoreFromHandles([heapHandle], readFile);
    expect(get(fromHeap, 'from-heap')).toBe(42);
    await expect(backend.restoreFromHandles([handle], readFile)).rejects.toThrow(/fresh/);
  });
});

describe('LevelDB key and value codecs', () => {
  const canonical = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.double(),
    fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }),
    fc.boolean(),
  );

  it('round-trips (key group, state id, key, namespace) and keeps key groups contiguous', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32767 }), fc.integer({ min: 0, max: 0xffff }), canonical, fc.option(canonical, { nil: undefined }), (kg, id, key, ns) => {
        const bytes = encodeStateKey(kg, id, key, ns);
        const decoded = decodeStateKey(bytes);
        expect(decoded).toEqual({ keyGroup: kg, stateId: id, key: Object.is(key, -0) ? 0 : key, namespaceKey: Object.is(ns, -0) ? 0 : ns });
        expect(namespacePartOf(bytes).equals(encodeNamespacePart(ns))).toBe(true);
        expect(Buffer.compare(keyGroupStart(kg), bytes)).toBeLessThanOrEqual(0);
        expect(Buffer.compare(bytes, keyGroupStart(kg + 1))).toBeLessThan(0);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('round-trips values with and without TTL timestamp and original key/namespace', () => {
    const codec = new ValueCodec();
    fc.assert(
      fc.property(fc.oneof(canonical, fc.anything({ withMap: true, withSet: true, withDate: true, withBigInt: true, withNullPrototype: false })), fc.option(fc.integer(), { nil: undefined }), fc.boolean(), (value, ts, originals) => {
        const o = originals ? ([['k', 1], { w: 1 }] as const) : undefined;
        const bytes = codec.encode(value, ts, o);
        const decoded = codec.decode(bytes);
        expect(decoded.data).toEqual(withoutNegativeZero(value)); // -0 is stored as 0, as msgpackr does
        expect(decoded.timestamp).toBe(ts);
        expect(codec.timestampOf(bytes)).toBe(ts);
        expect(decoded.originals).toEqual(o);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [withoutNegativeZero(k), withoutNegativeZero(v)]));
  if (value instanceof Set) return new Set([...value].map(withoutNegativeZero));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]));
  }
  return value;
}

describe('PredefinedOptions and backend options', () => {
  it('maps presets to LevelDB options and opens task backends with each; incremental off writes full checkpoints', async () => {
    expect(levelDBOptionsFor('SPINNING_DISK_OPTIMIZED_HIGH_MEM')).toMatchObject({ cacheSize: 256 * 1024 * 1024, blockSize: 128 * 1024, writeBufferSize: 64 * 1024 * 1024 });
    expect(levelDBOptionsFor('DEFAULT')).toMatchObject({ writeBufferSize: 4 << 20, blockSize: 4096, cacheSize: 8 << 20, maxOpenFiles: 1000 });
    expect(levelDBOptionsFor('FLASH_SSD_OPTIMIZED').maxOpenFiles).toBeGreaterThan(1000);
    expect(() => levelDBOptionsFor('FAST' as PredefinedOptions)).toThrow(/DEFAULT, SPINNING_DISK_OPTIMIZED/);
    for (const preset of Object.values(PredefinedOptions)) {
      const backend = await LevelDBKeyedStateBackend.create({
        keyGroupRange: ALL,
        maxParallelism: MAX_P,
        clock: new ManualClock(),
        dbPath: join(root, preset),
        predefinedOptions: preset,
        incrementalCheckpoints: false,
      });
      opened.push(backend);
      put(backend, 'k', 1);
      await backend.flush();
      put(backend, 'k2', 2);
      const handle = await checkpoint(backend, 1);
      backend.notifyCheckpointComplete(1);
      put(backend, 'k3', 3);
      expect((await checkpoint(backend, 2)).sharedFiles).toHaveLength(1); // incremental off
      expect(handle.sharedFiles).toHaveLength(1);
    }
  });

  it('validates its options', async () => {
    await expect(LevelDBKeyedStateBackend.create({ keyGroupRange: new KeyGroupRange(0, 128), maxParallelism: 128, clock: new ManualClock(), dbPath: join(root, 'x') })).rejects.toThrow(/within 0..127/);
    await expect(LevelDBKeyedStateBackend.create({ keyGroupRange: ALL, maxParallelism: MAX_P, clock: new ManualClock(), dbPath: '' })).rejects.toThrow(/dbPath/);
    await expect(open({ cache: { maxEntries: 0 } })).rejects.toThrow(/maxEntries/);
    await expect(open({ consolidation: { maxDeltaRatio: 0 } })).rejects.toThrow(/maxDeltaRatio/);
    expect(readdirSync(root)).not.toContain('x');
    expect(readdirSync(join(root, 'work'))).toEqual([]); // a backend that failed to build closed and removed its database
  });
});
