// Operator (non-keyed) state: named list states per operator subtask, redistributed on rescale by even split or union.

import type { KeyedStateBackend } from './keyed-state-backend.ts';
import type { ListStateDescriptor } from './list-state-descriptor.ts';
import type { ListState } from './state.ts';

/** Format version of OperatorStateSnapshot; a restore refuses other versions. */
export const OPERATOR_STATE_SNAPSHOT_VERSION = 1;

/** How a list state is spread over the subtasks of a restored operator (Flink's `OperatorStateHandle.Mode`). */
export type OperatorStateDistributionMode = 'SPLIT_DISTRIBUTE' | 'UNION';

/** One named list state of one subtask, as plain data. */
export interface OperatorListStateSnapshot {
  readonly name: string;
  readonly mode: OperatorStateDistributionMode;
  readonly elements: readonly unknown[];
}

/** All operator state of one subtask, as plain data. */
export interface OperatorStateSnapshot {
  readonly version: number;
  readonly states: readonly OperatorListStateSnapshot[];
}

/** What a function sees of operator state (Flink's `OperatorStateStore`). */
export interface OperatorStateStore {
  /**
   * A list state whose elements are split evenly (round robin over the old lists, in order) across the new
   * subtasks on restore. The same name returns the same object.
   */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  /** A list state every subtask gets all elements of, from every old subtask, on restore. */
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getRegisteredStateNames(): ReadonlySet<string>;
}

/** Operator state of one subtask, as the runtime drives it. */
export interface OperatorStateBackend extends OperatorStateStore {
  /** A plain-data capture (lists copied) of every registered state. */
  snapshot(): OperatorStateSnapshot;
  /**
   * Loads state meant for this subtask (already redistributed, see `redistributeOperatorState`). A state
   * restored under one mode and registered under the other throws STATE_INCOMPATIBLE at registration.
   */
  restore(snapshot: OperatorStateSnapshot): void;
  dispose(): void;
}

/** Keyed state as a function sees it (Flink's `KeyedStateStore`): the RuntimeContext state getters. */
export type KeyedStateStore = Pick<KeyedStateBackend, 'getPartitionedState'>;

/** What `initializeState` gets (Flink's `FunctionInitializationContext` / `StateInitializationContext`). */
export interface FunctionInitializationContext {
  /** True when the operator starts from a checkpoint or savepoint (even if it holds no state for this one). */
  isRestored(): boolean;
  getOperatorStateStore(): OperatorStateStore;
  /** The keyed state store; throws on a non-keyed stream. */
  getKeyedStateStore(): KeyedStateStore;
}

/** What `snapshotState` gets (Flink's `FunctionSnapshotContext`). */
export interface FunctionSnapshotContext {
  getCheckpointId(): number;
  getCheckpointTimestamp(): number;
}

/**
 * A function with operator state (Flink's `CheckpointedFunction`): `initializeState` runs before `open`, on a
 * fresh start and on restore; `snapshotState` runs when a checkpoint or savepoint is taken, and must copy what
 * the function holds into its states.
 *
 * @example
 * class BufferingSink implements SinkFunction, CheckpointedFunction {
 *   #buffered: string[] = [];
 *   #state!: ListState<string>;
 *   initializeState(ctx: FunctionInitializationContext) {
 *     this.#state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<string>('buffered'));
 *     if (ctx.isRestored()) this.#buffered = [...this.#state.get()];
 *   }
 *   snapshotState() { this.#state.update(this.#buffered); }
 * }
 */
export interface CheckpointedFunction {
  initializeState(context: FunctionInitializationContext): void | Promise<void>;
  snapshotState(context: FunctionSnapshotContext): void | Promise<void>;
}

export function isCheckpointedFunction(fn: unknown): fn is CheckpointedFunction {
  return (
    typeof fn === 'object' &&
    fn !== null &&
    typeof (fn as CheckpointedFunction).initializeState === 'function' &&
    typeof (fn as CheckpointedFunction).snapshotState === 'function'
  );
}

/**
 * Told when a checkpoint completed (Flink's `CheckpointListener`): the moment a two-phase-commit function
 * publishes what it staged for that checkpoint. `notifyCheckpointAborted` is optional.
 */
export interface CheckpointListener {
  notifyCheckpointComplete(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
}

export function isCheckpointListener(fn: unknown): fn is CheckpointListener {
  return typeof fn === 'object' && fn !== null && typeof (fn as CheckpointListener).notifyCheckpointComplete === 'function';
}
