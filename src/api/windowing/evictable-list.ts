// EvictableList: a window's contents as an iterable whose iterators can remove the element they last returned.

import { IllegalStateError } from '../../core/errors.ts';

/** An iterator with Java's `Iterator.remove()`: removes the element `next()` last returned. */
export interface RemovingIterator<T> extends Iterator<T> {
  remove(): void;
}

/** What evictors iterate: every iteration may remove elements, and later iterations no longer see them. */
export interface EvictableIterable<T> extends Iterable<T> {
  [Symbol.iterator](): RemovingIterator<T>;
}

/**
 * An array-backed EvictableIterable. The operator loads a window's contents into one, calls the evictor, runs
 * the window function over it, calls the evictor again, and writes `toArray()` back to state.
 *
 * @example
 * const list = new EvictableList([1, 2, 3]);
 * const it = list[Symbol.iterator]();
 * it.next(); it.remove();
 * list.toArray(); // [2, 3]
 */
export class EvictableList<T> implements EvictableIterable<T> {
  #items: T[];

  constructor(items: Iterable<T> = []) {
    this.#items = [...items];
  }

  get size(): number {
    return this.#items.length;
  }

  /** The elements not removed, in order (a copy). */
  toArray(): T[] {
    return [...this.#items];
  }

  [Symbol.iterator](): RemovingIterator<T> {
    let index = 0;
    let canRemove = false;
    const items = (): T[] => this.#items;
    return {
      next: (): IteratorResult<T> => {
        const arr = items();
        if (index < arr.length) {
          canRemove = true;
          return { done: false, value: arr[index++]! };
        }
        canRemove = false;
        return { done: true, value: undefined };
      },
      remove: (): void => {
        if (!canRemove) throw new IllegalStateError('remove() must follow a next() that returned an element');
        canRemove = false;
        items().splice(--index, 1);
      },
    };
  }
}
