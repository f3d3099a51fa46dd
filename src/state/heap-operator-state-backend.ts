// Operator list state on the heap, and the even-split / union redistribution of its snapshots on rescale.

import { IllegalArgumentError, SluiceError } from '../core/errors.ts';
import type { ListStateDescriptor } from './list-state-descriptor.ts';
import {
  OPERATOR_STATE_SNAPSHOT_VERSION,
  type OperatorListStateSnapshot,
  type OperatorStateBackend,
  type OperatorStateDistributionMode,
  type OperatorStateSnapshot,
} from './operator-state.ts';
import type { ListState } from './state.ts';

class HeapOperatorListState<T> implements ListState<T> {
  elements: T[] = [];
  constructor(readonly mode: OperatorStateDistributionMode) {}
  get(): Iterable<T> {
    return this.elements;
  }
  add(value: T): void {
    this.elements.push(value);
  }
  addAll(values: Iterable<T>): void {
    for (const v of values) this.elements.push(v);
  }
  update(values: Iterable<T>): void {
    this.elements = [...values];
  }
  clear(): void {
    this.elements = [];
  }
}

/**
 * The operator state of one subtask: named lists. Snapshots copy the lists (elements by reference), so the
 * function may keep changing its lists right after.
 */
export class HeapOperatorStateBackend implements OperatorStateBackend {
  readonly #states = new Map<string, HeapOperatorListState<unknown>>();
  readonly #restored = new Map<string, OperatorListStateSnapshot>();

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.#get(descriptor, 'SPLIT_DISTRIBUTE');
  }

  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.#get(descriptor, 'UNION');
  }

  getRegisteredStateNames(): ReadonlySet<string> {
    return new Set([...this.#states.keys(), ...this.#restored.keys()]);
  }

  snapshot(): OperatorStateSnapshot {
    const states: OperatorListStateSnapshot[] = [];
    for (const [name, state] of this.#states) states.push({ name, mode: state.mode, elements: [...state.elements] });
    // Restored state nobody asked for (yet) is kept, as Flink keeps it, so a later snapshot does not lose it.
    for (const [name, restored] of this.#restored) if (!this.#states.has(name)) states.push(restored);
    return { version: OPERATOR_STATE_SNAPSHOT_VERSION, states };
  }

  restore(snapshot: OperatorStateSnapshot): void {
    if (snapshot.version !== OPERATOR_STATE_SNAPSHOT_VERSION) {
      throw new SluiceError(
        'STATE_INCOMPATIBLE',
        `operator state snapshot version ${snapshot.version} cannot be restored by this version of sluice ` +
          `(it reads version ${OPERATOR_STATE_SNAPSHOT_VERSION})`,
      );
    }
    for (const s of snapshot.states) {
      const known = this.#restored.get(s.name);
      this.#restored.set(s.name, known === undefined ? s : { ...s, elements: [...known.elements, ...s.elements] });
    }
  }

  dispose(): void {
    this.#states.clear();
    this.#restored.clear();
  }

  #get<T>(descriptor: ListStateDescriptor<T>, mode: OperatorStateDistributionMode): ListState<T> {
    if (descriptor?.kind !== 'list') {
      throw new IllegalArgumentError('operator state is list state: pass a ListStateDescriptor');
    }
    const existing = this.#states.get(descriptor.name);
    if (existing !== undefined) {
      checkMode(descriptor.name, existing.mode, mode, 'registered');
      return existing as ListState<T>;
    }
    const state = new HeapOperatorListState<unknown>(mode);
    const restored = this.#restored.get(descriptor.name);
    if (restored !== undefined) {
      checkMode(descriptor.name, restored.mode, mode, 'restored');
      state.elements = [...restored.elements];
      this.#restored.delete(descriptor.name);
    }
    this.#states.set(descriptor.name, state);
    return state as ListState<T>;
  }
}

function checkMode(name: string, had: OperatorStateDistributionMode, wants: OperatorStateDistributionMode, how: string): void {
  if (had !== wants) {
    const call = (m: OperatorStateDistributionMode): string => (m === 'UNION' ? 'getUnionListState' : 'getListState');
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `operator state '${name}' was ${how} with ${call(had)} and is now asked for with ${call(wants)}; use one ` +
        `kind per state name`,
    );
  }
}

/**
 * Spreads the operator state of the old subtasks over `newParallelism` new ones (Flink's
 * RoundRobinOperatorStateRepartitioner): at the same parallelism every subtask keeps its own even-split lists;
 * at another, an even-split list's elements, concatenated in old-subtask order, are cut into `newParallelism`
 * contiguous parts whose sizes differ by at most one. A union list goes whole to every new subtask. Result `i` is what new subtask `i` restores (undefined when there is nothing for it).
 */
export function redistributeOperatorState(
  old: readonly (OperatorStateSnapshot | undefined)[],
  newParallelism: number,
): (OperatorStateSnapshot | undefined)[] {
  if (!Number.isInteger(newParallelism) || newParallelism < 1) {
    throw new IllegalArgumentError(`newParallelism must be a whole number >= 1, got ${newParallelism}`);
  }
  const byName = new Map<string, { mode: OperatorStateDistributionMode; elements: unknown[] }>();
  for (const snapshot of old) {
    if (snapshot === undefined) continue;
    if (snapshot.version !== OPERATOR_STATE_SNAPSHOT_VERSION) {
      throw new SluiceError('STATE_INCOMPATIBLE', `operator state snapshot version ${snapshot.version} is not supported`);
    }
    for (const s of snapshot.states) {
      const acc = byName.get(s.name);
      if (acc === undefined) byName.set(s.name, { mode: s.mode, elements: [...s.elements] });
      else {
        if (acc.mode !== s.mode) {
          throw new SluiceError('STATE_INCOMPATIBLE', `operator state '${s.name}' has both modes in one snapshot`);
        }
        acc.elements.push(...s.elements);
      }
    }
  }
  if (byName.size === 0) return Array.from({ length: newParallelism }, () => undefined);
  const result: OperatorListStateSnapshot[][] = Array.from({ length: newParallelism }, () => []);
  // Same parallelism: every subtask keeps its own even-split lists (Flink keeps the old assignment then).
  const keep = old.length === newParallelism;
  for (const [name, { mode, elements }] of byName) {
    if (mode === 'UNION') {
      for (const states of result) states.push({ name, mode, elements });
      continue;
    }
    if (keep) {
      old.forEach((snapshot, i) => {
        const own = snapshot?.states.find((st) => st.name === name);
        result[i]!.push({ name, mode, elements: own === undefined ? [] : [...own.elements] });
      });
      continue;
    }
    const base = Math.floor(elements.length / newParallelism);
    const extra = elements.length % newParallelism;
    let start = 0;
    for (let i = 0; i < newParallelism; i++) {
      const size = base + (i < extra ? 1 : 0);
      result[i]!.push({ name, mode, elements: elements.slice(start, start + size) });
      start += size;
    }
  }
  return result.map((states) => ({ version: OPERATOR_STATE_SNAPSHOT_VERSION, states }));
}
