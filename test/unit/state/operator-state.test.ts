import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ListStateDescriptor, RichMapFunction, SluiceError } from '../../../src/index.ts';
import type { FunctionInitializationContext, ListState } from '../../../src/index.ts';
import { HeapOperatorStateBackend, redistributeOperatorState } from '../../../src/state/heap-operator-state-backend.ts';
import type { OperatorStateSnapshot } from '../../../src/state/operator-state.ts';
import { OneInputStreamOperatorTestHarness, repartitionSnapshots, StreamMap } from '../../../src/testing/index.ts';

const offsets = new ListStateDescriptor<number>('offsets');

function backendWith(values: number[], union = false): OperatorStateSnapshot {
  const b = new HeapOperatorStateBackend();
  (union ? b.getUnionListState(offsets) : b.getListState(offsets)).update(values);
  return b.snapshot();
}

describe('HeapOperatorStateBackend', () => {
  it('returns the same state for a name and snapshots copies of the lists', () => {
    const b = new HeapOperatorStateBackend();
    const s = b.getListState(offsets);
    expect(b.getListState(offsets)).toBe(s);
    s.add(1);
    s.add(2);
    const snap = b.snapshot();
    s.add(3);
    expect(snap.states).toEqual([{ name: 'offsets', mode: 'SPLIT_DISTRIBUTE', elements: [1, 2] }]);
    expect(b.getRegisteredStateNames()).toEqual(new Set(['offsets']));
  });

  it('restores lists and keeps restored state no one asked for in later snapshots', () => {
    const b = new HeapOperatorStateBackend();
    b.restore({ version: 1, states: [{ name: 'kept', mode: 'UNION', elements: ['x'] }, { name: 'offsets', mode: 'SPLIT_DISTRIBUTE', elements: [7] }] });
    expect([...b.getListState(offsets).get()]).toEqual([7]);
    expect(b.snapshot().states.map((s) => s.name).sort()).toEqual(['kept', 'offsets']);
  });

  it('refuses a state restored as union and asked for as even-split, naming both calls', () => {
    const b = new HeapOperatorStateBackend();
    b.restore(backendWith([1], true));
    expect(() => b.getListState(offsets)).toThrow(SluiceError);
    expect(() => b.getListState(offsets)).toThrow(/getUnionListState.*getListState/);
  });

  it('refuses a snapshot of another format version', () => {
    const b = new HeapOperatorStateBackend();
    expect(() => b.restore({ version: 99, states: [] })).toThrow(/version 99/);
  });
});

describe('redistributeOperatorState', () => {
  it('splits even-split lists into contiguous parts differing by at most one', () => {
    const parts = redistributeOperatorState([backendWith([1, 2, 3]), backendWith([4, 5])], 3);
    expect(parts.map((p) => p!.states[0]!.elements)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('keeps each subtask its own even-split list when the parallelism is unchanged', () => {
    const parts = redistributeOperatorState([backendWith([1, 2, 3]), backendWith([4])], 2);
    expect(parts.map((p) => p!.states[0]!.elements)).toEqual([[1, 2, 3], [4]]);
  });

  it('gives every new subtask all elements of a union list', () => {
    const parts = redistributeOperatorState([backendWith([1], true), backendWith([2], true)], 3);
    expect(parts.map((p) => p!.states[0]!.elements)).toEqual([[1, 2], [1, 2], [1, 2]]);
  });

  it('property: even split loses and duplicates nothing, at any old and new parallelism', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer(), { maxLength: 20 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 }), (old, n) => {
        const parts = redistributeOperatorState(old.map((values) => backendWith(values)), n);
        const all = parts.flatMap((p) => (p === undefined ? [] : [...p.states[0]!.elements]));
        expect(all).toEqual(old.flat());
        // At the same parallelism every subtask keeps its own list; otherwise sizes are balanced.
        const sizes = parts.map((p) => p?.states[0]?.elements.length ?? 0);
        if (old.length === n) expect(sizes).toEqual(old.map((o) => o.length));
        else expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

/** A map function that buffers what it saw in operator state (CheckpointedFunction). */
class Remembering extends RichMapFunction<number, number> {
  seen: number[] = [];
  restored = false;
  #state!: ListState<number>;
  initializeState(ctx: FunctionInitializationContext): void {
    this.#state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number>('seen'));
    this.restored = ctx.isRestored();
    this.seen = [...this.#state.get()];
  }
  snapshotState(): void {
    this.#state.update(this.seen);
  }
  map(v: number): number {
    this.seen.push(v);
    return v;
  }
}

describe('CheckpointedFunction', () => {
  it('gets initializeState before open and its snapshot back after a rescale from 2 to 3 subtasks', async () => {
    const snapshots = [];
    for (const values of [[1, 2, 3], [4, 5]]) {
      const fn = new Remembering();
      const h = new OneInputStreamOperatorTestHarness(new StreamMap(fn));
      await h.open();
      expect(fn.restored).toBe(false);
      for (const v of values) h.processElement(v);
      snapshots.push(await h.snapshot());
      await h.close();
    }
    const restored: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const fn = new Remembering();
      const h = new OneInputStreamOperatorTestHarness(new StreamMap(fn), { parallelism: 3, subtaskIndex: i });
      h.initializeState(repartitionSnapshots(snapshots, 3, i));
      await h.open();
      expect(fn.restored).toBe(true);
      restored.push(fn.seen);
      await h.close();
    }
    expect(restored).toEqual([[1, 2], [3, 4], [5]]);
  });
});
