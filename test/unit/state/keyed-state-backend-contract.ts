// The shared contract every KeyedStateBackend implementation runs: state kinds, snapshot/restore, rescaling, TTL, timers.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { SluiceError } from '../../../src/core/errors.ts';
import { AggregatingStateDescriptor } from '../../../src/state/aggregating-state-descriptor.ts';
import type { InternalTimer } from '../../../src/state/internal-timer.ts';
import { KeyGroupRange, assignToKeyGroup, type Key } from '../../../src/state/key-group.ts';
import type { KeyedStateBackend } from '../../../src/state/keyed-state-backend.ts';
import { keyGroupEntries, selectKeyGroups, type KeyedStateSnapshot } from '../../../src/state/keyed-state-snapshot.ts';
import { ListStateDescriptor } from '../../../src/state/list-state-descriptor.ts';
import { ManualProcessingTimeService } from '../../../src/state/manual-processing-time-service.ts';
import { MapStateDescriptor } from '../../../src/state/map-state-descriptor.ts';
import { ReducingStateDescriptor } from '../../../src/state/reducing-state-descriptor.ts';
import { StateTtlConfig } from '../../../src/state/state-ttl-config.ts';
import type { InternalMergingState, ListState, Namespace } from '../../../src/state/state.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';

/** What the contract needs to build a backend. */
export interface KeyedStateBackendFactoryOptions {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly clock: ManualClock;
}

export type KeyedStateBackendFactory = (options: KeyedStateBackendFactoryOptions) => KeyedStateBackend;

/**
 * For backends that need asynchronous steps (opening a database, asynchronous plain-data snapshots, closing):
 * each hook replaces the synchronous call it names; a missing hook means the backend's own synchronous method.
 */
export interface KeyedStateBackendContractHooks<B extends KeyedStateBackend> {
  create(options: KeyedStateBackendFactoryOptions): B | Promise<B>;
  /** Instead of `backend.snapshot(range)`; must capture the state at the call. */
  snapshot?(backend: B, range?: KeyGroupRange): KeyedStateSnapshot | Promise<KeyedStateSnapshot>;
  /** Instead of `backend.restore(snapshots)`. */
  restore?(backend: B, snapshots: readonly KeyedStateSnapshot[]): void | Promise<void>;
  /** Instead of `backend.getKeys(stateName, namespace)`. */
  getKeys?(backend: B, stateName: string, namespace?: Namespace): Iterable<Key> | Promise<Iterable<Key>>;
  /** Releases a backend the contract created (after each test). */
  close?(backend: B): void | Promise<void>;
}

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
 * `describeKeyedStateBackendContract('HeapKeyedStateBackend', (o) => new HeapKeyedStateBackend(o))`, or with
 * hooks for a backend with asynchronous steps (see KeyedStateBackendContractHooks).
 */
export function describeKeyedStateBackendContract<B extends KeyedStateBackend>(
  name: string,
  factoryOrHooks: KeyedStateBackendFactory | KeyedStateBackendContractHooks<B>,
): void {
  const hooks = (typeof factoryOrHooks === 'function' ? { create: factoryOrHooks } : factoryOrHooks) as KeyedStateBackendContractHooks<B>;
  const created: B[] = [];
  const factory = async (options: KeyedStateBackendFactoryOptions): Promise<B> => {
    const backend = await hooks.create(options);
    created.push(backend);
    return backend;
  };
  const make = (range = ALL, clock = new ManualClock(1_000)): Promise<B> => factory({ keyGroupRange: range, maxParallelism: MAX_P, clock });
  // Synchronous backends snapshot inside the call, before its first await: a snapshot is captured at the call.
  const snapshotOf = async (backend: B, range?: KeyGroupRange): Promise<KeyedStateSnapshot> =>
    hooks.snapshot !== undefined ? hooks.snapshot(backend, range) : backend.snapshot(range);
  const restore = async (backend: B, snapshots: readonly KeyedStateSnapshot[]): Promise<void> =>
    hooks.restore !== undefined ? hooks.restore(backend, snapshots) : backend.restore(snapshots);
  const keysOf = async (backend: B, stateName: string, namespace?: Namespace): Promise<Key[]> => [
    ...(hooks.getKeys !== undefined ? await hooks.getKeys(backend, stateName, namespace) : backend.getKeys(stateName, namespace)),
  ];
  const closeAll = async (): Promise<void> => {
    for (const backend of created.splice(0)) await hooks.close?.(backend);
  };

  describe(`KeyedStateBackend contract: ${name}`, () => {
    afterEach(closeAll);

    it('keeps state per key, for every kind of state and every kind of key', async () => {
      const backend = await make();
      SAMPLE_KEYS.forEach((k, i) => fill(backend, k, i));
      SAMPLE_KEYS.forEach((k, i) => expect(read(backend, k), String(k)).toEqual(expected(k, i)));
      // equal composite keys built anew address the same state
      backend.setCurrentKey({ region: 'eu', at: new Date(0), user: 'bob' });
      expect(backend.getPartitionedState(descriptors().reducing).get()).toBe(SAMPLE_KEYS.length - 1 + 1);
    });

    it('returns the same state object for the same name, and refuses another kind under that name', async () => {
      const backend = await make();
      const a = backend.getPartitionedState(new ValueStateDescriptor<number>('s'));
      expect(backend.getPartitionedState(new ValueStateDescriptor<number>('s'))).toBe(a);
      expect(() => backend.getPartitionedState(new ListStateDescriptor<number>('s'))).toThrow(
        expect.objectContaining({ code: 'STATE_INCOMPATIBLE' }),
      );
    });

    it('has empty defaults: undefined value (or the default), empty list and map, no aggregate', async () => {
      const backend = await make();
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

    it('clears values; update(undefined) and update([]) clear too', async () => {
      const backend = await make();
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

    it('keeps namespaces apart and merges them', async () => {
      const backend = await make();
      const list = backend.getPartitionedState({ start: 0, end: 10 }, new ListStateDescriptor<number>('window')) as ListState<number> &
        InternalMergingState;
      backend.setCurrentKey('k');
      list.add(1);
      list.setCurrentNamespace({ start: 10, end: 20 });
      list.add(2);
      list.setCurrentNamespace(null);
      expect([...list.get()]).toEqual([]);
      expect(await keysOf(backend, 'window', { end: 20, start: 10 })).toEqual(['k']);
      list.mergeNamespaces({ start: 0, end: 20 }, [{ start: 0, end: 10 }, { start: 10, end: 20 }]);
      list.setCurrentNamespace({ start: 0, end: 20 });
      expect([...list.get()]).toEqual([1, 2]);
      list.setCurrentNamespace({ start: 0, end: 10 });
      expect([...list.get()]).toEqual([]);
      expect(backend.numKeyValueStateEntries()).toBe(1);
    });

    it('refuses a key outside its key groups', async () => {
      const backend = await make(new KeyGroupRange(0, 63));
      const foreign = SAMPLE_KEYS.find((k) => assignToKeyGroup(k, MAX_P) >= 64)!;
      expect(() => backend.setCurrentKey(foreign)).toThrow(expect.objectContaining({ code: 'KEY_GROUP_OUT_OF_RANGE' }));
    });

    it('snapshots to plain data and restores it, keys of every type included', async () => {
      const backend = await make();
      SAMPLE_KEYS.forEach((k, i) => fill(backend, k, i));
      const snapshot = await snapshotOf(backend);
      const copy = structuredClone(snapshot);
      expect(copy).toEqual(snapshot);
      const restored = await make();
      await restore(restored, [copy]);
      SAMPLE_KEYS.forEach((k, i) => expect(read(restored, k)).toEqual(expected(k, i)));
      expect(restored.numKeyValueStateEntries()).toBe(backend.numKeyValueStateEntries());
    });

    it('a snapshot does not change when state changes afterwards', async () => {
      const backend = await make();
      fill(backend, 'k', 1);
      const pending = snapshotOf(backend);
      fill(backend, 'k', 2); // after the capture, before the snapshot is handed over
      const snapshot = await pending;
      const before = structuredClone(snapshot);
      fill(backend, 'k', 3);
      fill(backend, 'other', 3);
      expect(snapshot).toEqual(before);
      const restored = await make();
      await restore(restored, [snapshot]);
      expect(read(restored, 'k')).toEqual(expected('k', 1));
    });

    it('snapshots and restores empty state', async () => {
      const backend = await make();
      backend.getPartitionedState(new ValueStateDescriptor<number>('v'));
      const snapshot = await snapshotOf(backend);
      expect(snapshot.states).toEqual([{ name: 'v', kind: 'value', keyGroups: [] }]);
      const restored = await make();
      await restore(restored, [snapshot]);
      expect(restored.numKeyValueStateEntries()).toBe(0);
      await restore(restored, []);
    });

    it('snapshots and restores large values', async () => {
      const backend = await make();
      const big = { text: 'x'.repeat(2_000_000), numbers: Array.from({ length: 100_000 }, (_, i) => i) };
      backend.setCurrentKey('big');
      backend.getPartitionedState(new ValueStateDescriptor<typeof big>('big')).update(big);
      const list = backend.getPartitionedState(new ListStateDescriptor<number>('many'));
      for (let i = 0; i < 100_000; i++) list.add(i);
      const restored = await make();
      await restore(restored, [structuredClone(await snapshotOf(backend))]);
      restored.setCurrentKey('big');
      expect(restored.getPartitionedState(new ValueStateDescriptor<typeof big>('big')).value()).toEqual(big);
      expect([...restored.getPartitionedState(new ListStateDescriptor<number>('many')).get()].length).toBe(100_000);
    });

    it('refuses snapshots of another max parallelism or version, and state of another kind', async () => {
      const backend = await make();
      fill(backend, 'k', 1);
      const snapshot = await snapshotOf(backend);
      const other = await factory({ keyGroupRange: new KeyGroupRange(0, 255), maxParallelism: 256, clock: new ManualClock() });
      await expect(restore(other, [snapshot])).rejects.toThrow(SluiceError);
      await expect(restore(await make(), [{ ...snapshot, version: 99 }])).rejects.toThrow(expect.objectContaining({ code: 'STATE_INCOMPATIBLE' }));
      const clash = await make();
      clash.getPartitionedState(new MapStateDescriptor<string, number>('value'));
      await expect(restore(clash, [snapshot])).rejects.toThrow(expect.objectContaining({ code: 'STATE_INCOMPATIBLE' }));
    });

    it('snapshot(range) holds only the key groups of the range', async () => {
      const backend = await make();
      SAMPLE_KEYS.forEach((k, i) => fill(backend, k, i));
      const half = new KeyGroupRange(0, 63);
      const snapshot = await snapshotOf(backend, half);
      for (const s of snapshot.states) for (const g of s.keyGroups) expect(half.contains(g.keyGroup)).toBe(true);
      const restored = await make(half);
      await restore(restored, [snapshot]);
      SAMPLE_KEYS.forEach((k, i) => {
        if (half.contains(assignToKeyGroup(k, MAX_P))) expect(read(restored, k)).toEqual(expected(k, i));
      });
    });

    it(`rescales: split over 1..4 new subtasks and merged back, state is preserved (fast-check seed ${CONTRACT_SEED})`, async () => {
      const keyArb = fc.oneof(
        fc.string({ maxLength: 6 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        fc.boolean(),
        fc.tuple(fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 9 })),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(keyArb, { minLength: 0, maxLength: 40, selector: (k) => JSON.stringify(k, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)) }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          async (keys, oldParallelism, newParallelism) => {
            try {
              // Old subtasks: each holds the keys of its range, with timers.
              const olds: KeyedStateSnapshot[] = [];
              for (let op = 0; op < oldParallelism; op++) {
                const range = KeyGroupRange.forOperator(MAX_P, oldParallelism, op);
                const backend = await make(range);
                const timers = backend.getTimerService('t', { processingTimeService: new ManualProcessingTimeService() });
                keys.forEach((k, i) => {
                  if (!range.contains(assignToKeyGroup(k, MAX_P))) return;
                  fill(backend, k, i);
                  timers.registerEventTimeTimer(null, 100 + i);
                });
                olds.push(structuredClone(await snapshotOf(backend)));
              }
              // New subtasks at another parallelism: each restores all old snapshots, keeps its key groups.
              const news: KeyedStateSnapshot[] = [];
              let timerCount = 0;
              for (let np = 0; np < newParallelism; np++) {
                const range = KeyGroupRange.forOperator(MAX_P, newParallelism, np);
                const backend = await make(range);
                await restore(
                  backend,
                  olds.map((s) => selectKeyGroups(s, range)),
                );
                keys.forEach((k, i) => {
                  if (range.contains(assignToKeyGroup(k, MAX_P))) expect(read(backend, k)).toEqual(expected(k, i));
                });
                timerCount += backend.getTimerService('t', { processingTimeService: new ManualProcessingTimeService() }).numEventTimeTimers();
                news.push(await snapshotOf(backend));
              }
              expect(timerCount).toBe(keys.length);
              // And back to one subtask.
              const merged = await make();
              await restore(merged, news);
              keys.forEach((k, i) => expect(read(merged, k)).toEqual(expected(k, i)));
              const fired: unknown[] = [];
              merged
                .getTimerService('t', { processingTimeService: new ManualProcessingTimeService() })
                .advanceWatermark(Number.MAX_SAFE_INTEGER, (t) => fired.push([t.key, t.timestamp]));
              expect(fired).toEqual(keys.map((k, i) => [k, 100 + i]).sort((a, b) => (a[1] as number) - (b[1] as number)));
            } finally {
              await closeAll();
            }
          },
        ),
        { seed: CONTRACT_SEED, numRuns: 60 },
      );
    });

    it('TTL: expired values are removed on read, and never returned by default', async () => {
      const clock = new ManualClock(0);
      const backend = await make(ALL, clock);
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

    it('TTL: full-snapshot cleanup leaves expired entries out of snapshots', async () => {
      const clock = new ManualClock(0);
      const backend = await make(ALL, clock);
      const ttl = StateTtlConfig.newBuilder(100).cleanupFullSnapshot().build();
      const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
      for (let i = 0; i < 10; i++) {
        backend.setCurrentKey(i);
        v.update(i);
        clock.advance(10);
      }
      // now = 100: the entry written at 0 has expired; the one written at 10 expires at 110.
      const snapshot = await snapshotOf(backend);
      const keys = snapshot.states[0]!.keyGroups.flatMap((g) => [...keyGroupEntries(g)].map((e) => e[1])).sort();
      expect(keys).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(snapshot.states[0]!.ttl?.ttlMs).toBe(100);
      const restored = await make(ALL, clock);
      await restore(restored, [snapshot]);
      const rv = restored.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
      restored.setCurrentKey(1);
      expect(rv.value()).toBe(1);
      clock.advance(10);
      expect(rv.value()).toBeUndefined(); // the restored entry kept its timestamp
    });

    it('timers: fire in timestamp order with the key set, deduplicated, deletable, and snapshotted', async () => {
      const pts = new ManualProcessingTimeService(new ManualClock(0));
      const backend = await make(ALL, pts.clock);
      const timers = backend.getTimerService('timers', { processingTimeService: pts });
      for (const [key, ts] of [['a', 30], ['b', 10], ['a', 30], ['c', 20], [7, 5], ['d', 40]] as const) {
        backend.setCurrentKey(key);
        timers.registerEventTimeTimer(null, ts);
      }
      backend.setCurrentKey('d');
      timers.deleteEventTimeTimer(null, 40);
      expect(timers.numEventTimeTimers()).toBe(4);
      const restored = await make(ALL, pts.clock);
      await restore(restored, [structuredClone(await snapshotOf(backend))]);
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
