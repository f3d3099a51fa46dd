// The user-facing keyed state interfaces (Flink names), all synchronous: each call acts on the current key.

/** Any keyed state: scoped to the backend's current key (and the state's current namespace). */
export interface State {
  /** Removes the value of the current key (and namespace). */
  clear(): void;
}

/** One value per key (Flink's `ValueState`). */
export interface ValueState<T> extends State {
  /** The value, or the descriptor's default value (undefined if none) when there is none. */
  value(): T | undefined;
  /** Sets the value; `undefined` clears it. */
  update(value: T | undefined): void;
}

/** A list of values per key (Flink's `ListState`). */
export interface ListState<T> extends State {
  /** The values in insertion order (empty when there are none). Do not modify the returned iterable. */
  get(): Iterable<T>;
  add(value: T): void;
  addAll(values: Iterable<T>): void;
  /** Replaces the list; an empty list clears it. */
  update(values: Iterable<T>): void;
}

/** A map per key (Flink's `MapState`); user keys compare by value (composite keys by their canonical form). */
export interface MapState<K, V> extends State {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void;
  remove(key: K): void;
  contains(key: K): boolean;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  isEmpty(): boolean;
}

/** A value aggregated from everything added (Flink's `AppendingState`). */
export interface AppendingState<IN, OUT> extends State {
  /** The aggregate, or undefined when nothing was added. */
  get(): OUT | undefined;
  add(value: IN): void;
}

/** Values folded with a ReduceFunction (Flink's `ReducingState`). */
export interface ReducingState<T> extends AppendingState<T, T> {}

/** Values folded into an accumulator by an AggregateFunction (Flink's `AggregatingState`). */
export interface AggregatingState<IN, OUT> extends AppendingState<IN, OUT> {}

/**
 * The runtime's view of a state object (Flink's `InternalKvState`): which namespace (e.g. window) it acts on.
 * A namespace is plain data compared by value; `null` is the default (void) namespace.
 */
export interface InternalKvState {
  setCurrentNamespace(namespace: Namespace): void;
  getCurrentNamespace(): Namespace;
}

/** State whose namespaces can be merged into one (Flink's `InternalMergingState`), for merging windows. */
export interface InternalMergingState extends InternalKvState {
  /** Merges the contents of `sources` into `target` for the current key and removes the sources. */
  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void;
}

/**
 * A namespace (the window of window state): plain data compared by value, as keys are; `null` is the void
 * namespace that state uses unless told otherwise. Namespaces go into snapshots as they are.
 */
export type Namespace = string | number | bigint | boolean | Date | null | readonly unknown[] | { readonly [field: string]: unknown };

/** The default namespace of keyed state and timers (Flink's `VoidNamespace`). */
export const VOID_NAMESPACE: Namespace = null;
