// In-memory deltas and merged bases: distinct changes (latest wins) and the k-way merge of a chain's sources.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distinctChanges, mergeSorted, type SortedEntries } from '../../../src/state/leveldb/chain-merge.ts';

const key = fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a));
const value = fc.option(fc.uint8Array({ maxLength: 4 }).map((a) => Buffer.from(a)), { nil: undefined });
const segment = fc.array(fc.tuple(key, value), { maxLength: 30 }).map((pairs) => ({ keys: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) }));

/** The model: apply every (key, value) in order to a map, then sort by Buffer.compare. */
function model(sources: readonly { keys: readonly Buffer[]; values: readonly (Buffer | undefined)[] }[]): [string, string | undefined][] {
  const latest = new Map<string, Buffer | undefined>();
  for (const s of sources) s.keys.forEach((k, i) => latest.set(k.toString('hex'), s.values[i]));
  return [...latest.entries()]
    .sort((a, b) => Buffer.compare(Buffer.from(a[0], 'hex'), Buffer.from(b[0], 'hex')))
    .map(([k, v]) => [k, v?.toString('hex')]);
}

function show(entries: SortedEntries): [string, string | undefined][] {
  return entries.keys.map((k, i) => [k.toString('hex'), entries.values[i]?.toString('hex')]);
}

describe('distinctChanges', () => {
  it('keeps each key once, in byte order, with its latest value (fast-check, any bytes)', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), (segments) => {
        expect(show(distinctChanges(segments))).toEqual(model(segments));
      }),
      { seed: 20261125, numRuns: 300 },
    );
  });
});

describe('distinctChanges with keys that are prefixes of others', () => {
  it('orders a key before its extensions, NUL bytes included, and keeps the latest copy', () => {
    const b = (...bytes: number[]): Buffer => Buffer.from(bytes);
    const segments = [
      { keys: [b(1, 2), b(1, 2, 0, 0, 0, 0, 9), b(1, 2, 0), b(1)], values: [b(1), b(2), b(3), b(4)] },
      { keys: [b(1, 2), b(1, 2, 0, 0, 0, 0, 0, 0)], values: [undefined, b(6)] },
    ];
    expect(show(distinctChanges(segments))).toEqual(model(segments));
  });
});

describe('mergeSorted', () => {
  it('folding sorted sources oldest to newest equals applying them in order (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), (segments) => {
        const sorted = segments.map((s) => distinctChanges([s]));
        const merged = sorted.reduce<SortedEntries>((acc, s) => mergeSorted(acc, s), { keys: [], values: [] });
        expect(show(merged)).toEqual(model(segments));
      }),
      { seed: 20261125, numRuns: 300 },
    );
  });
});
