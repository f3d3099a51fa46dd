// The shared contract every KeyedStateBackend implementation runs: state kinds, snapshot/restore, rescaling, TTL, timers.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { SluiceError } from '../../../src/core/errors.ts';
import { AggregatingStateDescriptor } from '../../../src/state/aggregating-state-descriptor.ts';
import type { InternalTimer } from '../../../src/state/internal-timer.ts';
import { KeyGroupRange, assignToKeyGroup, type Key } from '../../../src/state/key-group.ts';
import type { KeyedStateBackend } from '../../../src/state/keyed-state-backend.ts';
import { selectKeyGroups, type KeyedStateSnapshot } from '../../../src/state/keyed-state-snapshot.ts';
import { ListStateDescriptor } from '../../../src/state/list-state-descriptor.ts';
import { ManualProcessingTimeService } from '../../../src/state/manual-processing-time-service.ts';
import { MapStateDescriptor } from '../../../src/state/map-state-descriptor.ts';
import { ReducingStateDescriptor } from '../../../src/state/reducing-state-descriptor.ts';
import { StateTtlConfig } from '../../../src/state/state-ttl-config.ts';
import type { InternalMergingState, ListState } from '../../../src/state/state.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';

/** What the contract needs to build a backend. */
export interface KeyedStateBackendFactoryOptions {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly clock: ManualClock;
}

export type KeyedStateBackendFactory = (options: KeyedStateBackendFactoryOptions) => KeyedStateBackend;

/** Seed of every property test in the contract (reported in the test names). */
export const CONTRACT_SEED = 20_240_611;

const MAX_P = 128;
const ALL = new KeyGroupRange(0, MAX_P - 1);

/** Keys of every supported type. */
export const SAMPLE_KEYS: readonly Key[] = [
  'alice',
  '',
  'h\u00e9llo|with|pipes',
  42,
  -7,
  3.5,
  2 ** 40,
  12345678901234567890n,
  true,
  false,
  new Date(1_700_000_000_000),
  ['tuple', 1, 2n],
  { user: 'bob', region: 'eu', at: new Date(0) },
];

const sumAgg = {
  createAccumulator: () => ({ sum: 0, count: 0 }),
  add: (v: number, acc: { sum: number; count: number }) => {
    acc.sum += v;
    acc.count++;
    return acc;
  },
  getResult: (acc: { sum: number; count: number }) => acc.sum / acc.count,
  merge: (a: { sum: number; count: number }, b: { sum: number; count: number }) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
};

const descriptors = () => ({
  value: new ValueStateDescriptor<unknown>('value'),
  list: new ListStateDescriptor<unknown>('list'),
  map: new MapStateDescriptor<unknown, unknown>('map'),
  reducing: new ReducingStateDescriptor<number>('reducing', (a, b) => a + b),
  aggregating: new AggregatingStateDescriptor('aggregating', sumAgg),
});

/** Writes one of each state kind for `key` (values derived from `i`). */
function fill(backend: KeyedStateBackend, key: Key, i: number): void {
  const d = descriptors();
  backend.setCurrentKey(key);
  backend.getPartitionedState(d.value).update({ i, key, nested: [i, `s${i}`] });
  const list = backend.getPartitionedState(d.list);
  list.add(i);
  list.add(`x${i}`);
  const map = backend.getPartitionedState(d.map);
  map.put('a', i);
  map.put([1, 'composite'], { i });
  backend.getPartitionedState(d.reducing).add(i);
  backend.getPartitionedState(d.reducing).add(1);
  backend.getPartitionedState(d.aggregating).add(i);
  backend.getPartitionedState(d.aggregating).add(i + 2);
}

/** Reads back what `fill` wrote, as plain data. */
function read(backend: KeyedStateBackend, key: Key): unknown {
  const d = descriptors();
  backend.setCurrentKey(key);
  return {
    value: backend.getPartitionedState(d.value).value(),
    list: [...backend.getPartitionedState(d.list).get()],
    map: [...backend.getPartitionedState(d.map).entries()],
    reducing: backend.getPartitionedState(d.reducing).get(),
    aggregating: backend.getPartitionedState(d.aggregating).get(),
  };
}

function expected(key: Key, i: number): unknown {
  return {
    value: { i, key, nested: [i, `s${i}`] },
    list: [i, `x${i}`],
    map: [
      ['a', i],
      [[1, 'composite'], { i }],
    ],
    reducing: i + 1,
    aggregating: i + 1,
  };
}

/**
 * Registers the keyed-state-backend contract as a vitest suite. Call it from a test file of each backend:
 * `describeKeyedStateBackendContract('HeapKeyedStateBackend', (o) => new HeapKeyedStateBackend(o))`.
 */
export function describeKeyedStateBackendContract(name: string, factory: KeyedStateBackendFactory): void {
  const make = (range = ALL, clock = new ManualClock(1_000)): KeyedStateBackend =>
    factory({ keyGroupRange: range, maxParallelism: MAX_P, clock });

  describe(`KeyedStateBackend contract: ${name}`, () => {
    it('keeps state per key, for every kind of state and every kind of key', () => {
      const backend = make();
      SAMPLE_KEYS.forEach((k, i) => fill(backend, k, i));
      SAMPLE_KEYS.forEach((k, i) => expect(read(backend, k), String(k)).toEqual(expected(k, i)));
      // equal composite keys built anew address the same state
      backend.setCurrentKey({ region: 'eu', at: new Date(0), user: 'bob' });
      expect(backend.getPartitionedState(descriptors().reducing).get()).toBe(SAMPLE_KEYS.length - 1 + 1);
    });

    it('returns the same state object for the same name, and refuses another kind under that name', () => {
      const backend = make();
      const a = backend.getPartitionedState(new ValueStateDescriptor<number>('s'));
      expect(backend.getPartitionedState(new ValueStateDescriptor<number>('s'))).toBe(a);
      expect(() => backend.getPartitionedState(new ListStateDescriptor<number>('s'))).toThrow(
        expect.objectContaining({ code: 'STATE_INCOMPATIBLE' }),
      );
    });

    it('has empty defaults: undefined value (or the default), empty list and map, no aggregate', () => {
      const backend = make();
      backend.setCurrentKey('nobody');
      expect(backend.getPartitionedState(new ValueStateDescriptor<number>('v')).value()).toBeUndefined();
      expect(backend.getPartitionedState(new ValueStateDescriptor<number>('d', 5)).value()).toBe(5);
      expect([...backend.getPartitionedState(new ListStateDescriptor<number>('l')).get()]).toEqual([]);
      const map = backend.getPartitionedState(new MapStateDescriptor<string, number>('m'));
      expect(map.isEmpty()).toBe(true);
      expect([...map.keys()]).toEqual([]);
      expect(backend.getPartitionedState(descriptors().aggregating).get()).toBeUndefined();
      expect(backend.numKeyValueStateEntries()).toBe(0);
    });

    it('clears values; update(undefined) and update([]) clear too', () => {
      const backend = make();
      backend.setCurrentKey('k');
      const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v'));
      const l = backend.getPartitionedState(new ListStateDescriptor<number>('l'));
      const m = backend.getPartitionedState(new MapStateDescriptor<string, number>('m'));
      v.update(1);
      l.update([1, 2]);
      m.putAll([['a', 1], ['b', 2]]);
      expect(backend.numKeyValueStateEntries()).toBe(3);
      v.update(undefined);
      l.update([]);
      m.remove('a');
      expect(m.get('b')).toBe(2);
      expect(m.contains('a')).toBe(false);
      m.clear();
      expect(backend.numKeyValueStateEntries()).toBe(0);
      expect(v.value()).toBeUndefined();
    });

    it('keeps namespaces apart and merges them', () => {
      const backend = make();
      const list = backend.getPartitionedState({ start: 0, end: 10 }, new ListStateDescriptor<number>('window')) as ListState<number> &
        InternalMergingState;
      backend.setCurrentKey('k');
      list.add(1);
      list.setCurrentNamespace({ start: 10, end: 20 });
      list.add(2);
      list.setCurrentNamespace(null);
      expect([...list.get()]).toEqual([]);
      expect([...backend.getKeys('window', { end: 20, start: 10 })]).toEqual(['k']);
      list.mergeNamespaces({ start: 0, end: 20 }, [{ start: 0, end: 10 }, { start: 10, end: 20 }]);
      list.setCurrentNamespace({ start: 0, end: 20 });
      expect([...list.get()]).toEqual([1, 2]);
      list.setCurrentNamespace({ start: 0, end: 10 });
      expect([...list.get()]).toEqual([]);
      expect(backend.numKeyValueStateEntries()).toBe(1);
    });

    it('refuses a key outside its key groups', () => {
      const backend = make(new KeyGroupRange(0, 63));
      const foreign = SAMPLE_KEYS.find((k) => assignToKeyGroup(k, MAX_P) >= 64)!;
      expect(() => backend.setCurrentKey(foreign)).toThrow(expect.objectContaining({ code: 'KEY_GROUP_OUT_OF_RANGE' }));
    });

    it('snapshots to plain data and restores it, keys of every type included', () => {
      const backend = make();
      SAMPLE_KEYS.forEach((k, i) => fill(backend, k, i));
      const snapshot = backend.snapshot();
      const copy = structuredClone(snapshot);
      expect(copy).toEqual(snapshot);
      const restored = make();
      restored.restore([copy]);
      SAMPLE_KEYS.forEach((k, i) => expect(read(restored, k)).toEqual(expected(k, i)));
      expect(restored.numKeyValueStateEntries()).toBe(backend.numKeyValueStateEntries());
    });

    it('a snapshot does not change when state changes afterwards', () => {
      const backend = make();
      fill(backend, 'k', 1);
      const snapshot = backend.snapshot();
      const before = structuredClone(snapshot);
      fill(backend, 'k', 2);
      fill(backend, 'other', 3);
      expect(snapshot).toEqual(before);
    });

    it('snapshots and restores empty state', () => {
      const backend = make();
      backend.getPartitionedState(new ValueStateDescriptor<number>('v'));
      const snapshot = backend.snapshot();
      expect(snapshot.states).toEqual([{ name: 'v', kind: 'value', keyGroups: [] }]);
      const restored = make();
      restored.restore([snapshot]);
      expect(restored.numKeyValueStateEntries()).toBe(0);
      restored.restore([]);
    });

    it('snapshots and restores large values', () => {
      const backend = make();
      const big = { text: 'x'.repeat(2_000_000), numbers: Array.from({ length: 100_000 }, (_, i) => i) };
      backend.setCurrentKey('big');
      backend.getPartitionedState(new ValueStateDescriptor<typeof big>('big')).update(big);
      const list = backend.getPartitionedState(new ListStateDescriptor<number>('many'));
      for (let i = 0; i < 100_000; i++) list.add(i);
      const restored = make();
      restored.restore([structuredClone(backend.snapshot())]);
      restored.setCurrentKey('big');
      expect(restored.getPartitionedState(new ValueStateDescriptor<typeof big>('big')).value()).toEqual(big);
      expect([...restored.getPartitionedState(new ListStateDescriptor<number>('many')).get()].length).toBe(100_000);
    });

    it('refuses snapshots of another max parallelism or version, and state of another kind', () => {
      const backend = make();
      fill(backend, 'k', 1);
      const snapshot = backend.snapshot();
      const other = factory({ keyGroupRange: new KeyGroupRange(0, 255), maxParallelism: 256, clock: new ManualClock() });
      expect(() => other.restore([snapshot])).toThrow(SluiceError);
      expect(() => make().restore([{ ...snapshot, version: 99 }])).toThrow(expect.objectContaining({ code: 'STATE_INCOMPATIBLE' }));
      const clash = make();
      clash.getPartitionedState(new MapStateDescriptor<string, number>('value'));
      expect(() => clash.restore([snapshot])).toThrow(expect.objectContaining({ code: 'STATE_INCOMPATIBLE' }));
    });

    it('snapshot(range) holds only the key groups of the range', () => {
      const backend = make();
      SAMPLE_KEYS.forEach((k, i) => fill(backend, k, i));
      const half = new KeyGroupRange(0, 63);
      const snapshot = backend.snapshot(half);
      for (const s of snapshot.states) for (const g of s.keyGroups) expect(half.contains(g.keyGroup)).toBe(true);
      const restored = make(half);
      restored.restore([snapshot]);
      SAMPLE_KEYS.forEach((k, i) => {
        if (half.contains(assignToKeyGroup(k, MAX_P))) expect(read(restored, k)).toEqual(expected(k, i));
      });
    });

    it(`rescales: split over 1..4 new subtasks and merged back, state is preserved (fast-check seed ${CONTRACT_SEED})`, () => {
      const keyArb = fc.oneof(
        fc.string({ maxLength: 6 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        fc.boolean(),
        fc.tuple(fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 9 })),
      );
      fc.assert(
        fc.property(
          fc.uniqueArray(keyArb, { minLength: 0, maxLength: 40, selector: (k) => JSON.stringify(k, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)) }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          (keys, oldParallelism, newParallelism) => {
            // Old subtasks: each holds the keys of its range, with timers.
            const olds: KeyedStateSnapshot[] = [];
            for (let op = 0; op < oldParallelism; op++) {
              const range = KeyGroupRange.forOperator(MAX_P, oldParallelism, op);
              const backend = make(range);
              const timers = backend.getTimerService('t', { processingTimeService: new ManualProcessingTimeService() });
              keys.forEach((k, i) => {
                if (!range.contains(assignToKeyGroup(k, MAX_P))) return;
                fill(backend, k, i);
                timers.registerEventTimeTimer(null, 100 + i);
              });
              olds.push(structuredClone(backend.snapshot()));
            }
            // New subtasks at another parallelism: each restores all old snapshots, keeps its key groups.
            const news: KeyedStateSnapshot[] = [];
            let timerCount = 0;
            for (let np = 0; np < newParallelism; np++) {
              const range = KeyGroupRange.forOperator(MAX_P, newParallelism, np);
              const backend = make(range);
              backend.restore(olds.map((s) => selectKeyGroups(s, range)));
              keys.forEach((k, i) => {
                if (range.contains(assignToKeyGroup(k, MAX_P))) expect(read(backend, k)).toEqual(expected(k, i));
              });
              timerCount += backend.getTimerService('t', { processingTimeService: new ManualProcessingTimeService() }).numEventTimeTimers();
              news.push(backend.snapshot());
            }
            expect(timerCount).toBe(keys.length);
            // And back to one subtask.
            const merged = make();
            merged.restore(news);
            keys.forEach((k, i) => expect(read(merged, k)).toEqual(expected(k, i)));
            const fired: unknown[] = [];
            merged
              .getTimerService('t', { processingTimeService: new ManualProcessingTimeService() })
              .advanceWatermark(Number.MAX_SAFE_INTEGER, (t) => fired.push([t.key, t.timestamp]));
            expect(fired).toEqual(keys.map((k, i) => [k, 100 + i]).sort((a, b) => (a[1] as number) - (b[1] as number)));
          },
        ),
        { seed: CONTRACT_SEED, numRuns: 60 },
      );
    });

    it('TTL: expired values are removed on read, and never returned by default', () => {
      const clock = new ManualClock(0);
      const backend = make(ALL, clock);
      const ttl = StateTtlConfig.newBuilder(100).build();
      const v = backend.getPartitionedState(new ValueStateDescriptor<string>('v').enableTimeToLive(ttl));
      backend.setCurrentKey('k');
      v.update('x');
      clock.advance(99);
      expect(v.value()).toBe('x');
      clock.advance(1);
      expect(backend.numKeyValueStateEntries()).toBe(1);
      expect(v.value()).toBeUndefined();
      expect(backend.numKeyValueStateEntries()).toBe(0);
    });

    it('TTL: full-snapshot cleanup leaves expired entries out of snapshots', () => {
      const clock = new ManualClock(0);
      const backend = make(ALL, clock);
      const ttl = StateTtlConfig.newBuilder(100).cleanupFullSnapshot().build();
      const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
      for (let i = 0; i < 10; i++) {
        backend.setCurrentKey(i);
        v.update(i);
        clock.advance(10);
      }
      // now = 100: the entry written at 0 has expired; the one written at 10 expires at 110.
      const snapshot = backend.snapshot();
      const keys = snapshot.states[0]!.keyGroups.flatMap((g) => g.entries.map((e) => e[1])).sort();
      expect(keys).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(snapshot.states[0]!.ttl?.ttlMs).toBe(100);
      const restored = make(ALL, clock);
      restored.restore([snapshot]);
      const rv = restored.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
      restored.setCurrentKey(1);
      expect(rv.value()).toBe(1);
      clock.advance(10);
      expect(rv.value()).toBeUndefined(); // the restored entry kept its timestamp
    });

    it('timers: fire in timestamp order with the key set, deduplicated, deletable, and snapshotted', () => {
      const pts = new ManualProcessingTimeService(new ManualClock(0));
      const backend = make(ALL, pts.clock);
      const timers = backend.getTimerService('timers', { processingTimeService: pts });
      for (const [key, ts] of [['a', 30], ['b', 10], ['a', 30], ['c', 20], [7, 5], ['d', 40]] as const) {
        backend.setCurrentKey(key);
        timers.registerEventTimeTimer(null, ts);
      }
      backend.setCurrentKey('d');
      timers.deleteEventTimeTimer(null, 40);
      expect(timers.numEventTimeTimers()).toBe(4);
      const restored = make(ALL, pts.clock);
      restored.restore([structuredClone(backend.snapshot())]);
      for (const [b, t] of [
        [backend, timers],
        [restored, restored.getTimerService('timers', { processingTimeService: pts })],
      ] as const) {
        const fired: unknown[] = [];
        t.advanceWatermark(25, (timer: InternalTimer) => fired.push([timer.key, timer.timestamp, b.getCurrentKey()]));
        expect(fired).toEqual([
          [7, 5, 7],
          ['b', 10, 'b'],
          ['c', 20, 'c'],
        ]);
        expect(t.currentWatermark()).toBe(25);
        expect(t.numEventTimeTimers()).toBe(1);
      }
    });
  });
}
