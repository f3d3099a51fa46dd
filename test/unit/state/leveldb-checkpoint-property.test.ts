// Property: random state operations with random checkpoint / complete / abort / flush / restore points on the LevelDB
// backend (tiny cache, short delta chains) always restore exactly the model state of the restored checkpoint.

import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { KeyGroupRange, type Key } from '../../../src/state/key-group.ts';
import { ListStateDescriptor } from '../../../src/state/list-state-descriptor.ts';
import { LevelDBKeyedStateBackend } from '../../../src/state/leveldb/leveldb-keyed-state-backend.ts';
import { partReaderFor } from '../../../src/state/leveldb/snapshot-parts.ts';
import { MapStateDescriptor } from '../../../src/state/map-state-descriptor.ts';
import type { LevelDBKeyedStateHandle } from '../../../src/state/state-handle.ts';
import type { InternalMergingState, ListState, Namespace } from '../../../src/state/state.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';

const SEED = 20_251_124;
const MAX_P = 128;

const KEYS: readonly Key[] = [0, 1, 2, 3, 4, 5, 'alice', 'bob', ['t', 1], { user: 'u', n: 2 }];
const NAMESPACES: readonly Namespace[] = [null, { w: 1 }, { w: 2 }, 'n3'];
const MAP_KEYS = ['a', 'b', 'c'] as const;

type Mutation =
  | { readonly op: 'put'; readonly key: number; readonly value: number | undefined }
  | { readonly op: 'add'; readonly key: number; readonly ns: number; readonly value: number }
  | { readonly op: 'merge'; readonly key: number; readonly target: number; readonly sources: readonly number[] }
  | { readonly op: 'mapPut'; readonly key: number; readonly mk: number; readonly value: number }
  | { readonly op: 'mapRemove'; readonly key: number; readonly mk: number };

type Command =
  | Mutation
  | { readonly op: 'checkpoint'; readonly meanwhile: readonly Mutation[]; readonly deferred: boolean }
  | { readonly op: 'settle' }
  | { readonly op: 'complete'; readonly pick: number }
  | { readonly op: 'abort'; readonly pick: number }
  | { readonly op: 'flush' }
  | { readonly op: 'restore'; readonly pick: number };

const key = fc.integer({ min: 0, max: KEYS.length - 1 });
const ns = fc.integer({ min: 0, max: NAMESPACES.length - 1 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key, value: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }) }),
  fc.record({ op: fc.constant('add' as const), key, ns, value: fc.integer({ min: 0, max: 99 }) }),
  fc.record({ op: fc.constant('merge' as const), key, target: ns, sources: fc.array(ns, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('mapPut' as const), key, mk: fc.integer({ min: 0, max: 2 }), value: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ op: fc.constant('mapRemove' as const), key, mk: fc.integer({ min: 0, max: 2 }) }),
);
const pick = fc.nat({ max: 7 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: mutation },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('checkpoint' as const), meanwhile: fc.array(mutation, { maxLength: 3 }), deferred: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'settle' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('complete' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('abort' as const), pick }) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restore' as const), pick }) },
);

/** The reference: state name | key index | namespace index -> value (lists as arrays, maps as Maps). */
type Model = Map<string, unknown>;
const slot = (state: string, k: number, n = 0): string => `${state}|${k}|${n}`;

function applyToModel(model: Model, m: Mutation): void {
  switch (m.op) {
    case 'put':
      if (m.value === undefined) model.delete(slot('v', m.key));
      else model.set(slot('v', m.key), m.value);
      return;
    case 'add': {
      const list = model.get(slot('l', m.key, m.ns)) as number[] | undefined;
      model.set(slot('l', m.key, m.ns), list === undefined ? [m.value] : [...list, m.value]);
      return;
    }
    case 'merge': {
      let merged: number[] | undefined;
      for (const s of m.sources) {
        const list = model.get(slot('l', m.key, s)) as number[] | undefined;
        if (list === undefined) continue;
        model.delete(slot('l', m.key, s));
        merged = merged === undefined ? list : merged.concat(list);
      }
      if (merged === undefined) return;
      const existing = model.get(slot('l', m.key, m.target)) as number[] | undefined;
      model.set(slot('l', m.key, m.target), existing === undefined ? merged : existing.concat(merged));
      return;
    }
    case 'mapPut': {
      const map = new Map(model.get(slot('m', m.key)) as Map<string, number> | undefined);
      map.set(MAP_KEYS[m.mk]!, m.value);
      model.set(slot('m', m.key), map);
      return;
    }
    case 'mapRemove': {
      const old = model.get(slot('m', m.key)) as Map<string, number> | undefined;
      if (old === undefined) return;
      const map = new Map(old);
      map.delete(MAP_KEYS[m.mk]!);
      if (map.size === 0) model.delete(slot('m', m.key));
      else model.set(slot('m', m.key), map);
      return;
    }
  }
}

const value = new ValueStateDescriptor<number>('v');
const list = new ListStateDescriptor<number>('l');
const map = new MapStateDescriptor<string, number>('m');

function applyToBackend(backend: LevelDBKeyedStateBackend, m: Mutation): void {
  backend.setCurrentKey(KEYS[m.key]!);
  switch (m.op) {
    case 'put':
      backend.getPartitionedState(value).update(m.value);
      return;
    case 'add':
      backend.getPartitionedState(NAMESPACES[m.ns]!, list).add(m.value);
      return;
    case 'merge':
      (backend.getPartitionedState(list) as ListState<number> & InternalMergingState).mergeNamespaces(
        NAMESPACES[m.target]!,
        m.sources.map((s) => NAMESPACES[s]!),
      );
      return;
    case 'mapPut':
      backend.getPartitionedState(map).put(MAP_KEYS[m.mk]!, m.value);
      return;
    case 'mapRemove':
      backend.getPartitionedState(map).remove(MAP_KEYS[m.mk]!);
      return;
  }
}

/** The backend's state read through the state API, in the model's form. */
function readBackend(backend: LevelDBKeyedStateBackend): Model {
  const out: Model = new Map();
  KEYS.forEach((k, ki) => {
    backend.setCurrentKey(k);
    const v = backend.getPartitionedState(value).value();
    if (v !== undefined) out.set(slot('v', ki), v);
    NAMESPACES.forEach((n, ni) => {
      const l = [...backend.getPartitionedState(n, list).get()];
      if (l.length > 0) out.set(slot('l', ki, ni), l);
    });
    const m = backend.getPartitionedState(null, map);
    if (!m.isEmpty()) out.set(slot('m', ki), new Map(m.entries()));
  });
  return out;
}

describe('LevelDBKeyedStateBackend checkpoints (property)', () => {
  it(`restores exactly the model state of any completed checkpoint (fast-check seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 20, maxLength: 80, size: 'max' }),
        fc.record({
          maxEntries: fc.integer({ min: 2, max: 24 }),
          maxDirtyEntries: fc.integer({ min: 1, max: 8 }),
          maxDeltas: fc.integer({ min: 0, max: 4 }),
          maxDeltaRatio: fc.constantFrom(0.5, 100),
          compression: fc.boolean(),
        }),
        async (commands, settings) => {
          const root = mkdtempSync(join(tmpdir(), 'sluice-leveldb-prop-'));
          const readFile = partReaderFor(join(root, 'checkpoints'));
          let dbs = 0;
          const open = (): Promise<LevelDBKeyedStateBackend> =>
            LevelDBKeyedStateBackend.create({
              keyGroupRange: new KeyGroupRange(0, MAX_P - 1),
              maxParallelism: MAX_P,
              clock: new ManualClock(0),
              dbPath: join(root, `db-${dbs++}`),
              cache: { maxEntries: settings.maxEntries, maxDirtyEntries: settings.maxDirtyEntries },
              consolidation: { maxDeltas: settings.maxDeltas, maxDeltaRatio: settings.maxDeltaRatio },
            });
          let backend = await open();
          let model: Model = new Map();
          let nextId = 1;
          const pending: { id: number; handle: LevelDBKeyedStateHandle; model: Model }[] = [];
          // Writers still running (deferred checkpoints), in capture order: they complete concurrently with what follows.
          const writing: { id: number; handle: Promise<LevelDBKeyedStateHandle>; model: Model }[] = [];
          const settle = async (): Promise<void> => {
            for (const w of writing.splice(0)) pending.push({ id: w.id, handle: await w.handle, model: w.model });
          };
          const completed: { id: number; handle: LevelDBKeyedStateHandle; model: Model }[] = [];
          try {
            for (const c of commands) {
              switch (c.op) {
                case 'checkpoint': {
                  const id = nextId++;
                  const write = backend.snapshotToStorage({
                    checkpointId: id,
                    rootDir: join(root, 'checkpoints'),
                    exclusiveDir: `chk-${id}`,
                    sharedDir: 'shared',
                    taskOwnedDir: 'taskowned',
                    compression: settings.compression,
                    inlineLimitBytes: 64,
                    filePrefix: `op-${dbs}`,
                  });
                  const captured = new Map(model);
                  for (const m of c.meanwhile) {
                    applyToModel(model, m);
                    applyToBackend(backend, m);
                  }
                  if (c.deferred) writing.push({ id, handle: write(), model: captured });
                  else {
                    await settle();
                    pending.push({ id, handle: await write(), model: captured });
                  }
                  break;
                }
                case 'settle':
                  await settle();
                  break;
                case 'complete': {
                  if (pending.length === 0) break;
                  const i = c.pick % pending.length;
                  const done = pending[i]!;
                  backend.notifyCheckpointComplete(done.id);
                  completed.push(done);
                  pending.splice(0, i + 1); // earlier pending checkpoints are subsumed
                  break;
                }
                case 'abort': {
                  if (pending.length === 0) break;
                  const [aborted] = pending.splice(c.pick % pending.length, 1);
                  backend.notifyCheckpointAborted(aborted!.id);
                  break;
                }
                case 'flush':
                  await backend.flush();
                  break;
                case 'restore': {
                  await settle();
                  if (completed.length === 0) break;
                  const from = completed[c.pick % completed.length]!;
                  await backend.close();
                  backend = await open();
                  await backend.restoreFromHandles([structuredClone(from.handle)], readFile);
                  model = new Map(from.model);
                  expect(readBackend(backend)).toEqual(model);
                  pending.length = 0;
                  break;
                }
                default:
                  applyToModel(model, c);
                  applyToBackend(backend, c);
              }
            }
            await settle();
            expect(readBackend(backend)).toEqual(model);
            expect(backend.numKeyValueStateEntries()).toBe(model.size);
            for (const done of completed) {
              const restored = await open();
              try {
                await restored.restoreFromHandles([done.handle], readFile);
                expect(readBackend(restored)).toEqual(done.model);
                expect(restored.numKeyValueStateEntries()).toBe(done.model.size);
              } finally {
                await restored.close();
              }
            }
          } finally {
            await Promise.allSettled(writing.map((w) => w.handle));
            await backend.close();
            rmSync(root, { recursive: true, force: true });
          }
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  }, 60_000);
});
