// The framed byte form of keyed snapshots: round trips for any columns and entries, the old form still reads,
// and damage is refused with CHECKPOINT_INVALID.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { SluiceError } from '../../../src/core/errors.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../../../src/state/key-group.ts';
import { decodeKeyedSnapshot, encodeKeyedSnapshot, encodeKeyedSnapshotBytes } from '../../../src/state/keyed-snapshot-codec.ts';
import type { KeyedStateSnapshot } from '../../../src/state/keyed-state-snapshot.ts';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnapshotStorageLocation } from '../../../src/state/state-handle.ts';
import { encodeSnapshot, readStreamStateHandle, writeStreamStateHandle } from '../../../src/state/stream-state-io.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';

/** A snapshot with one state whose key groups hold the given columns (and a composite-key entry beside them). */
const withColumns = (groups: { keys: Float64Array | unknown[]; values: Float64Array | unknown[] }[]): KeyedStateSnapshot => ({
  version: 1,
  maxParallelism: 128,
  keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 },
  states: [
    {
      name: 's',
      kind: 'value',
      keyGroups: groups.map((columns, g) => ({ keyGroup: g, entries: [['["a",1]', ['a', 1], { nested: [1, 'x'] }]], columns })),
    },
  ],
  timerServices: [],
});

const column = fc.oneof(
  fc.array(fc.double(), { maxLength: 20 }).map((a) => Float64Array.from(a)),
  fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 }),
  // Lone surrogates do not survive UTF-8: such a column must fall back to msgpackr and still round-trip.
  fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }),
  fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })), { maxLength: 20 }),
);
/** Keys of a column pair: strings or numbers, as many as the values. */
const keysFor = (n: number) =>
  fc.oneof(fc.array(fc.string(), { minLength: n, maxLength: n }), fc.array(fc.double(), { minLength: n, maxLength: n }).map((a) => Float64Array.from(a)));
const columnPair = column.chain((values) => keysFor(values.length).map((keys) => ({ keys, values })));

describe('keyed snapshot codec', () => {
  it('round-trips any columns and entries, compressed or not (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(column, { maxLength: 4 }), fc.boolean(), (columns, compress) => {
        const groups = columns.map((values) => ({ keys: Array.from({ length: values.length }, (_, i) => `k${i}`), values }));
        const snapshot = withColumns(groups);
        expect(decodeKeyedSnapshot(encodeKeyedSnapshotBytes(snapshot, compress), compress)).toEqual(snapshot);
      }),
      { seed: 20261125, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(columnPair, { maxLength: 3 }), (groups) => {
        const snapshot = withColumns(groups);
        expect(decodeKeyedSnapshot(encodeKeyedSnapshotBytes(snapshot, false), false)).toEqual(snapshot);
      }),
      { seed: 20261126, numRuns: 200 },
    );
  });

  it('restores a heap backend from its encoded snapshot (string and numeric columns)', () => {
    const make = () => new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 127), maxParallelism: 128, clock: new ManualClock() });
    const original = make();
    const text = original.getPartitionedState(new ValueStateDescriptor<string>('text'));
    const count = original.getPartitionedState(new ValueStateDescriptor<number>('count'));
    for (let k = 0; k < 2_000; k++) {
      original.setCurrentKey(k % 2 === 0 ? k : `key-${k}`);
      text.update(`value ${k} é ☃ 𝄞`);
      count.update(k * 1.5);
    }
    const snapshot = original.snapshot();
    const restored = make();
    restored.restore([decodeKeyedSnapshot(encodeKeyedSnapshotBytes(snapshot, true), true)]);
    expect(restored.snapshot()).toEqual(snapshot);
  });

  it('encodes lazily: the header and skeleton come before any column is encoded', () => {
    const chunks = encodeKeyedSnapshot(withColumns([{ keys: ['a'], values: ['b'] }]), false);
    const first = chunks.next().value as Uint8Array;
    expect(Buffer.from(first.subarray(0, 8)).toString('latin1')).toBe('SLUICEKS');
  });

  it('reads snapshots written whole with msgpackr by earlier versions', () => {
    const snapshot = withColumns([{ keys: ['a', 'b'], values: [1, 'two'] }]);
    for (const compress of [false, true]) expect(decodeKeyedSnapshot(encodeSnapshot(snapshot, compress), compress)).toEqual(snapshot);
  });

  it('refuses truncated or corrupt bytes with CHECKPOINT_INVALID, and an unknown format version', () => {
    const bytes = encodeKeyedSnapshotBytes(withColumns([{ keys: ['a', 'b'], values: ['x', 'y'] }]), false);
    for (const cut of [bytes.length - 1, bytes.length - 5, 14]) {
      expect(() => decodeKeyedSnapshot(bytes.subarray(0, cut), false)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID' }) as unknown as SluiceError);
    }
    const future = Buffer.from(bytes);
    future[8] = 99;
    expect(() => decodeKeyedSnapshot(future, false)).toThrow(/format version 99/);
  });

  it('is written intact through writeStreamStateHandle (inline, file and local copy) although frames reuse buffers', async () => {
    // ~6 MB of strings: several frames through the two scratch buffers.
    const values = Array.from({ length: 60_000 }, (_, i) => `${i}:`.padEnd(100, String.fromCharCode(97 + (i % 26))));
    const snapshot = withColumns([{ keys: Array.from({ length: values.length }, (_, i) => `k${i}`), values }]);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-codec-'));
    try {
      await mkdir(join(dir, 'chk-1'));
      const location = (rootDir: string | undefined, inlineLimitBytes: number, localCopyDir?: string): SnapshotStorageLocation => ({
        checkpointId: 1,
        rootDir,
        exclusiveDir: 'chk-1',
        sharedDir: 'shared',
        taskOwnedDir: 'taskowned',
        compression: false,
        inlineLimitBytes,
        filePrefix: 'test',
        ...(localCopyDir === undefined ? {} : { localCopyDir }),
      });
      const inline = await writeStreamStateHandle(location(undefined, 64 * 1024 * 1024), 'keyed', encodeKeyedSnapshot(snapshot, false));
      expect(inline.kind).toBe('inline');
      expect(decodeKeyedSnapshot(await readStreamStateHandle(undefined, inline), false)).toEqual(snapshot);
      const local = join(dir, 'local');
      const file = await writeStreamStateHandle(location(dir, 1024, local), 'keyed', encodeKeyedSnapshot(snapshot, false));
      expect(file.kind).toBe('file');
      expect(decodeKeyedSnapshot(await readStreamStateHandle(dir, file), false)).toEqual(snapshot);
      expect(decodeKeyedSnapshot(await readFile(join(local, file.checksum)), false)).toEqual(snapshot);
      await expect(writeStreamStateHandle(location(undefined, 1024 * 1024), 'keyed', encodeKeyedSnapshot(snapshot, false))).rejects.toThrow(
        /above the memory checkpoint storage limit/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
