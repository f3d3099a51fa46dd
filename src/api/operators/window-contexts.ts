// The contexts window operators hand out: the trigger's (timers and state of one key and window) and the window
// function's (window, clocks, per-window and per-key state, side outputs).

import { IllegalArgumentError, IllegalStateError } from '../../core/errors.ts';
import type { AggregatingStateDescriptor } from '../../state/aggregating-state-descriptor.ts';
import type { InternalTimerService } from '../../state/internal-timer-service.ts';
import type { KeyedStateBackend } from '../../state/keyed-state-backend.ts';
import type { ListStateDescriptor } from '../../state/list-state-descriptor.ts';
import type { MapStateDescriptor } from '../../state/map-state-descriptor.ts';
import type { ReducingStateDescriptor } from '../../state/reducing-state-descriptor.ts';
import type { StateDescriptor } from '../../state/state-descriptor.ts';
import {
  VOID_NAMESPACE,
  type AggregatingState,
  type InternalMergingState,
  type ListState,
  type MapState,
  type Namespace,
  type ReducingState,
  type State,
  type ValueState,
} from '../../state/state.ts';
import type { ValueStateDescriptor } from '../../state/value-state-descriptor.ts';
import type { OutputTag } from '../output-tag.ts';
import type { ProcessAllWindowContext } from '../windowing/process-all-window-function.ts';
import type { ProcessWindowContext } from '../windowing/process-window-function.ts';
import type { OnMergeContext } from '../windowing/trigger.ts';
import type { WindowStateStore } from '../windowing/window-function-context.ts';
import type { WindowSerializer } from '../windowing/window-serializer.ts';
import type { Window } from '../windowing/window.ts';
import type { Output } from './stream-operator.ts';

/** Whether a keyed state object can merge namespaces (list, reducing and aggregating state can). */
export function isMergingState(state: unknown): state is InternalMergingState {
  return typeof (state as Partial<InternalMergingState>).mergeNamespaces === 'function';
}

/**
 * The TriggerContext and OnMergeContext of a window operator: timers and state of the current key (set by the
 * task or the firing timer) in the namespace of `window`. The operator points it at a window before each call.
 */
export class WindowTriggerContext<W extends Window> implements OnMergeContext {
  window!: W;
  /** The namespace of `window`. */
  namespace: Namespace = VOID_NAMESPACE;
  /** While `onMerge` runs: the namespaces of the windows that merged into `window`. */
  mergedNamespaces: readonly Namespace[] = [];
  /** The last event-time / processing-time timer registered for `namespace` (NaN once the operator resets them). */
  lastEventTimer = Number.NaN;
  lastProcessingTimer = Number.NaN;

  constructor(
    private readonly timers: InternalTimerService,
    private readonly backend: KeyedStateBackend,
  ) {}

  getCurrentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }

  getCurrentWatermark(): number {
    return this.timers.currentWatermark();
  }

  registerEventTimeTimer(time: number): void {
    this.timers.registerEventTimeTimer(this.namespace, time);
    this.lastEventTimer = time;
  }

  registerProcessingTimeTimer(time: number): void {
    this.timers.registerProcessingTimeTimer(this.namespace, time);
    this.lastProcessingTimer = time;
  }

  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(this.namespace, time);
    if (time === this.lastEventTimer) this.lastEventTimer = Number.NaN;
  }

  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(this.namespace, time);
    if (time === this.lastProcessingTimer) this.lastProcessingTimer = Number.NaN;
  }

  getPartitionedState<S extends State>(descriptor: StateDescriptor<S>): S {
    return this.backend.getPartitionedState(this.namespace, descriptor);
  }

  mergePartitionedState<S extends State>(descriptor: StateDescriptor<S>): void {
    if (this.mergedNamespaces.length === 0) return;
    const state = this.backend.getPartitionedState(descriptor);
    if (!isMergingState(state)) {
      throw new IllegalArgumentError(
        `trigger state '${descriptor.name}' is ${descriptor.kind} state, which cannot merge: use list, reducing or ` +
          `aggregating state for what a trigger merges in onMerge`,
      );
    }
    state.mergeNamespaces(this.namespace, this.mergedNamespaces);
  }
}

/** A WindowStateStore over the keyed backend, in the namespace `namespace()` gives. */
class ScopedStateStore implements WindowStateStore {
  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly namespace: () => Namespace,
    private readonly onUse: (descriptor: StateDescriptor<State>) => void = () => {},
  ) {}

  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.getPartitionedState(descriptor);
  }
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.getPartitionedState(descriptor);
  }
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV> {
    return this.getPartitionedState(descriptor);
  }
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.getPartitionedState(descriptor);
  }
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.getPartitionedState(descriptor);
  }
  getPartitionedState<S extends State>(descriptor: StateDescriptor<S>): S {
    const namespace = this.namespace();
    this.onUse(descriptor as unknown as StateDescriptor<State>);
    return this.backend.getPartitionedState(namespace, descriptor);
  }
}

/**
 * The context of ProcessWindowFunction / ProcessAllWindowFunction: the window being evaluated, the clocks, state
 * per window and per key, side outputs stamped with the window's `maxTimestamp()`. Per-window state is tracked by
 * descriptor so the operator can delete it when the window goes (`clearWindowState`).
 */
export class WindowProcessContext<W extends Window> implements ProcessWindowContext<W>, ProcessAllWindowContext<W> {
  #window!: W;
  /** The namespace of `#window`, computed on first use. */
  #namespace: Namespace | undefined;
  readonly #windowStore: WindowStateStore;
  readonly #globalStore: WindowStateStore;
  /** Descriptors the function used through windowState(), by name. */
  readonly #windowDescriptors = new Map<string, StateDescriptor<State>>();

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly timers: InternalTimerService,
    private readonly out: Output<unknown>,
    private readonly serializer: WindowSerializer<W>,
    private readonly merging: boolean,
  ) {
    this.#windowStore = new ScopedStateStore(backend, () => this.#currentNamespace(), (d) => this.#windowDescriptors.set(d.name, d));
    this.#globalStore = new ScopedStateStore(backend, () => VOID_NAMESPACE);
  }

  /** Points the context at `window` (whose namespace is `namespace`, if the caller has it at hand). */
  setWindow(window: W, namespace?: Namespace): void {
    this.#window = window;
    this.#namespace = namespace;
  }

  window(): W {
    return this.#window;
  }

  currentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }

  currentWatermark(): number {
    return this.timers.currentWatermark();
  }

  windowState(): WindowStateStore {
    if (this.merging) {
      throw new IllegalStateError(
        'Per-window state is not allowed when using merging windows (session windows): keep the state in ' +
          'globalState() instead',
      );
    }
    return this.#windowStore;
  }

  globalState(): WindowStateStore {
    return this.#globalStore;
  }

  output<X>(outputTag: OutputTag<X>, value: X): void {
    this.out.collectSide(outputTag, value, this.#window.maxTimestamp());
  }

  /** Whether the function has used per-window state (so windows going away have some to delete). */
  get usesWindowState(): boolean {
    return this.#windowDescriptors.size > 0;
  }

  /** Deletes the per-window state the function used, for the current key and window. */
  clearWindowState(): void {
    if (this.#windowDescriptors.size === 0) return;
    const namespace = this.#currentNamespace();
    for (const descriptor of this.#windowDescriptors.values()) {
      this.backend.getPartitionedState(namespace, descriptor).clear();
    }
  }

  #currentNamespace(): Namespace {
    return (this.#namespace ??= this.serializer.toNamespace(this.#window));
  }
}
