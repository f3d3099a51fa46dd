// What window functions reach beyond their elements: per-window and per-key state stores, and side-output tags.

/**
 * Keyed state scoped by the operator (to the key and window for `windowState()`, to the key for
 * `globalState()`): the operator resolves a state descriptor to the state it names.
 */
export interface WindowStateStore {
  getPartitionedState<S>(descriptor: { readonly name: string }): S;
}

/** A side output a window function may emit to (Flink's OutputTag), identified by its id. */
export interface SideOutputTag<X> {
  readonly id: string;
  /** Never set: carries the element type. */
  readonly __type?: X;
}
