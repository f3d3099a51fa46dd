// ListState on LevelDB: an array per (key, namespace), appended in the cache and written as one value.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { InternalMergingState, ListState, Namespace } from '../state.ts';
import { AbstractLevelDBState } from './abstract-leveldb-state.ts';

const EMPTY: readonly never[] = Object.freeze([]);

/** LevelDB implementation of ListState (the time to live applies to the whole list of a key). */
export class LevelDBListState<T> extends AbstractLevelDBState<T[]> implements ListState<T>, InternalMergingState {
  get(): Iterable<T> {
    const list = this.readValue();
    this.afterAccess();
    return list ?? EMPTY;
  }

  add(value: T): void {
    if (value === undefined) throw new IllegalArgumentError(`ListState '${this.table.name}': cannot add undefined`);
    const entry = this.liveEntry();
    if (entry.value === undefined) this.writeEntry(entry, [value]);
    else {
      (entry.value as T[]).push(value);
      this.touched(entry);
    }
    this.afterAccess();
  }

  addAll(values: Iterable<T>): void {
    const list = this.#checked(values);
    if (list.length === 0) return;
    const entry = this.liveEntry();
    if (entry.value === undefined) this.writeEntry(entry, list);
    else {
      const target = entry.value as T[];
      for (const v of list) target.push(v);
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
