import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStorage, loadCheckpoint, writeMetadataAtomically } from '../../../src/checkpoint/checkpoint-storage.ts';
import { decodeMetadata, encodeMetadata, type CheckpointMetadata } from '../../../src/checkpoint/metadata.ts';
import { SharedStateRegistry } from '../../../src/checkpoint/shared-state-registry.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import { SluiceError } from '../../../src/core/errors.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../../../src/state/key-group.ts';
import type { HeapKeyedStateHandle, KeyedStateHandle } from '../../../src/state/state-handle.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ckp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const metadata = (id = 7, keyed: KeyedStateHandle[] = []): CheckpointMetadata => ({
  version: 1,
  jobId: 'a'.repeat(32),
  checkpointId: id,
  timestamp: 1_700_000_000_000,
  type: 'CHECKPOINT',
  operators: [{ operatorId: 'op1', uid: 'counter', name: 'Counter', parallelism: 1, maxParallelism: 128, subtasks: [{ subtaskIndex: 0, keyed, operator: undefined }] }],
});

function invalid(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('_metadata format', () => {
  it('round-trips, and refuses truncated, corrupt, foreign and future files with CHECKPOINT_INVALID naming the file', () => {
    const bytes = encodeMetadata(metadata());
    expect(decodeMetadata(bytes, 'x')).toEqual(metadata());
    const truncated = invalid(() => decodeMetadata(bytes.subarray(0, bytes.byteLength - 3), '/ckp/chk-7/_metadata'));
    expect(truncated.code).toBe('CHECKPOINT_INVALID');
    expect(truncated.message).toMatch(/\/ckp\/chk-7\/_metadata.*truncated/);
    const corrupt = bytes.slice();
    corrupt[corrupt.byteLength - 1]! ^= 0xff;
    expect(invalid(() => decodeMetadata(corrupt, 'f')).message).toMatch(/checksum/);
    expect(invalid(() => decodeMetadata(new TextEncoder().encode('{"hello":"json"}'), 'f')).message).toMatch(/foreign/);
    expect(invalid(() => decodeMetadata(new Uint8Array(), 'f')).message).toMatch(/empty or truncated/);
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(11, 99);
    expect(invalid(() => decodeMetadata(future, 'f')).message).toMatch(/format version 99/);
  });

  it('is written atomically: no temp file is left and a reader sees the whole file', async () => {
    const path = await writeMetadataAtomically(join(dir, 'chk-7'), metadata());
    expect(await readdir(join(dir, 'chk-7'))).toEqual(['_metadata']);
    const loaded = await loadCheckpoint(join(dir, 'chk-7'));
    expect(loaded.metadataPath).toBe(path);
    expect(loaded.rootDir).toBe(dir);
    expect((await loadCheckpoint(`file://${path}`)).metadata.checkpointId).toBe(7);
  });

  it('a checkpoint directory without _metadata is not a checkpoint', async () => {
    await writeFile(join(dir, 'state-file'), 'x');
    const error = await loadCheckpoint(dir).catch((e: unknown) => e);
    expect((error as SluiceError).code).toBe('CHECKPOINT_INVALID');
    expect((error as Error).message).toContain(join(dir, '_metadata'));
  });
});

function backendWith(entries: number, range = new KeyGroupRange(0, 127)): HeapKeyedStateBackend {
  const backend = new HeapKeyedStateBackend({ keyGroupRange: range, maxParallelism: 128, clock: new ManualClock() });
  const count = backend.getPartitionedState(new ValueStateDescriptor<string>('v'));
  for (let k = 0; k < entries; k++) {
    backend.setCurrentKey(k);
    count.update(`value-${k}`);
  }
  return backend;
}

function valuesOf(backend: HeapKeyedStateBackend): Map<number, string> {
  const state = backend.getPartitionedState(new ValueStateDescriptor<string>('v'));
  const out = new Map<number, string>();
  for (const key of backend.getKeys('v')) {
    backend.setCurrentKey(key);
    out.set(key as number, state.value()!);
  }
  return out;
}

describe('heap snapshots through checkpoint storage', () => {
  it('inlines small state and writes large state to a file in chk-n, both restorable at another parallelism', async () => {
    for (const [entries, kind] of [[10, 'inline'], [5_000, 'file']] as const) {
      const storage = new CheckpointStorage({ jobId: 'job1', checkpointsDirectory: dir, compression: kind === 'file', inlineLimitBytes: 20 * 1024 });
      await storage.initialize();
      await storage.initializeCheckpoint(3);
      const source = backendWith(entries);
      const handle = (await source.snapshotToStorage(storage.location(3, 'op1-0-0'))()) as HeapKeyedStateHandle;
      expect(handle.data.kind).toBe(kind);
      if (handle.data.kind === 'file') expect(handle.data.path).toBe('chk-3/op1-0-0-keyed');
      const restored = new Map<number, string>();
      for (let i = 0; i < 2; i++) {
        const target = new HeapKeyedStateBackend({ keyGroupRange: KeyGroupRange.forOperator(128, 2, i), maxParallelism: 128, clock: new ManualClock() });
        await target.restoreFromHandles([handle], (h) => storage.readFile(h));
        for (const [k, v] of valuesOf(target)) restored.set(k, v);
      }
      expect(restored).toEqual(valuesOf(source));
    }
  });

  it('declines a memory checkpoint above the limit, naming the limit and the fix', async () => {
    const storage = new CheckpointStorage({ jobId: 'job1', checkpointsDirectory: undefined, compression: false, inlineLimitBytes: 1024 });
    const error = await backendWith(1_000).snapshotToStorage(storage.location(1, 'op1-0-0'))().catch((e: unknown) => e);
    expect((error as SluiceError).code).toBe('CHECKPOINT_DECLINED');
    expect((error as Error).message).toMatch(/1024 bytes.*state\.checkpoints\.dir/);
  });

  it('refuses a state file whose bytes changed, naming the file', async () => {
    const storage = new CheckpointStorage({ jobId: 'job1', checkpointsDirectory: dir, compression: false, inlineLimitBytes: 0 });
    await storage.initialize();
    await storage.initializeCheckpoint(1);
    const handle = (await backendWith(100).snapshotToStorage(storage.location(1, 'p'))()) as HeapKeyedStateHandle;
    const path = join(dir, 'job1', 'chk-1', 'p-keyed');
    const bytes = await readFile(path);
    bytes[10]! ^= 1;
    await writeFile(path, bytes);
    const target = backendWith(0);
    const error = await target.restoreFromHandles([handle], (h) => storage.readFile(h)).catch((e: unknown) => e);
    expect((error as SluiceError).code).toBe('CHECKPOINT_INVALID');
    expect((error as Error).message).toContain(path);
  });
});

describe('SharedStateRegistry', () => {
  it('frees a shared file once no retained checkpoint references it', () => {
    const file = (path: string) => ({ kind: 'file' as const, path, size: 1, checksum: 'x' });
    const leveldb = (id: number, shared: string[]): KeyedStateHandle => ({
      kind: 'leveldb',
      keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 },
      maxParallelism: 128,
      checkpointId: id,
      sharedFiles: shared.map(file),
      privateFiles: [],
      incrementalSize: 1,
      fullSize: shared.length,
    });
    const registry = new SharedStateRegistry();
    const c1 = metadata(1, [leveldb(1, ['shared/base'])]);
    const c2 = metadata(2, [leveldb(2, ['shared/base', 'shared/delta-2'])]);
    registry.register(c1);
    registry.register(c2);
    expect(registry.references('shared/base')).toBe(2);
    expect(registry.unregister(c1)).toEqual([]);
    expect(registry.unregister(c2).sort()).toEqual(['shared/base', 'shared/delta-2']);
  });
});
