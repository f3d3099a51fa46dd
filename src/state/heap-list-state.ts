// ListState on the heap: an array per (key, namespace), appended in place.

import { IllegalArgumentError } from '../core/errors.ts';
import { AbstractHeapState } from './abstract-heap-state.ts';
import type { InternalMergingState, ListState, Namespace } from './state.ts';

const EMPTY: readonly never[] = Object.freeze([]);

/** Heap implementation of ListState (the time to live applies to the whole list of a key). */
export class HeapListState<T> extends AbstractHeapState<T[]> implements ListState<T>, InternalMergingState {
  get(): Iterable<T> {
    const entry = this.readEntry();
    this.afterAccess();
    return entry === undefined ? EMPTY : entry.value;
  }

  add(value: T): void {
    if (value === undefined) throw new IllegalArgumentError(`ListState '${this.table.name}': cannot add undefined`);
    const entry = this.liveEntry();
    if (entry === undefined) this.insert([value]);
    else {
      entry.value.push(value);
      this.touched(entry);
    }
    this.afterAccess();
  }

  addAll(values: Iterable<T>): void {
    const list = this.#checked(values);
    if (list.length === 0) return;
    const entry = this.liveEntry();
    if (entry === undefined) this.insert(list);
    else {
      for (const v of list) entry.value.push(v);
      this.touched(entry);
    }
    this.afterAccess();
  }

  update(values: Iterable<T>): void {
    const list = this.#checked(values);
    if (list.length === 0) {
      this.clear();
      return;
    }
    this.write(list);
    this.afterAccess();
  }

  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void {
    this.mergeInto(target, sources, (a, b) => a.concat(b));
  }

  #checked(values: Iterable<T>): T[] {
    const list = Array.from(values);
    if (list.includes(undefined as T)) {
      throw new IllegalArgumentError(`ListState '${this.table.name}': the list must not contain undefined`);
    }
    return list;
  }
}
