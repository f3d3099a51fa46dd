// WindowOperator: Flink's window operator on the keyed state backend: window contents, trigger state, merging
// window sets and per-window function state are keyed state in the window's namespace; triggers and cleanup run on
// timers of the 'window-timers' service with the window as namespace.

import { IllegalArgumentError, IllegalStateError } from '../../core/errors.ts';
import { NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { Counter } from '../../metrics/counter.ts';
import type { InternalTimerService } from '../../state/internal-timer-service.ts';
import type { InternalTimer } from '../../state/internal-timer.ts';
import { ListStateDescriptor } from '../../state/list-state-descriptor.ts';
import type { StateDescriptor } from '../../state/state-descriptor.ts';
import type { AppendingState, InternalKvState, InternalMergingState, ListState, Namespace } from '../../state/state.ts';
import type { OutputTag } from '../output-tag.ts';
import { isMergingWindowAssigner, type MergingWindowAssigner } from '../windowing/merging-window-assigner.ts';
import type { Trigger } from '../windowing/trigger.ts';
import type { TriggerResult } from '../windowing/trigger-result.ts';
import type { WindowAssigner, WindowAssignerContext } from '../windowing/window-assigner.ts';
import type { WindowSerializer } from '../windowing/window-serializer.ts';
import type { Window } from '../windowing/window.ts';
import type { InternalWindowFunction } from './internal-window-function.ts';
import { MergingWindowSet, type MergingWindowEntry } from './merging-window-set.ts';
import { AbstractUdfStreamOperator, TimestampedCollector, type Triggerable } from './stream-operator.ts';
import { isMergingState, WindowProcessContext, WindowTriggerContext } from './window-contexts.ts';

/** What a WindowOperator is built from (the WindowedStream API fills it in). */
export interface WindowOperatorOptions<IN, ACC, OUT, K, W extends Window> {
  readonly assigner: WindowAssigner<IN, W>;
  readonly trigger: Trigger<IN, W>;
  /**
   * The keyed state holding a window's contents, in the window's namespace: a ListStateDescriptor of elements
   * (`process`/`apply`), a ReducingStateDescriptor (`reduce`) or an AggregatingStateDescriptor (`aggregate`).
   */
  readonly windowStateDescriptor: StateDescriptor<AppendingState<IN, ACC>>;
  readonly windowFunction: InternalWindowFunction<ACC, OUT, K, W>;
  /** Event time only: how long after `maxTimestamp()` a window keeps its state and accepts late elements (ms). */
  readonly allowedLateness?: number;
  /** Where elements too late for all their windows go; without it they are dropped and counted. */
  readonly lateDataOutputTag?: OutputTag<IN> | undefined;
}

/** The state names the operator uses itself (a trigger or window function must not reuse them). */
export const WINDOW_CONTENTS_STATE = 'window-contents';
export const MERGING_WINDOW_SET_STATE = 'merging-window-set';
export const WINDOW_TIMER_SERVICE = 'window-timers';

/**
 * Evaluates windows per key (Flink's WindowOperator). Each element goes into the windows its assigner gives it;
 * the trigger decides per window when to evaluate the window function and when to purge; results carry the
 * timestamp `window.maxTimestamp()`.
 *
 * Event-time windows live until the watermark passes `maxTimestamp() + allowedLateness` (a cleanup timer);
 * elements arriving for a window past that are skipped, and an element skipped by all its windows whose timestamp
 * is that late goes to the late-data side output if one is set, else is dropped and counted in the
 * `numLateRecordsDropped` metric. Processing-time windows are removed when the clock passes `maxTimestamp()`.
 * With a merging assigner (session windows), the key's in-flight windows and the namespace holding each one's
 * state are kept in keyed list state; merges merge contents and trigger state and move timers.
 *
 * @example
 * const op = new WindowOperator({
 *   assigner: TumblingEventTimeWindows.of(1_000),
 *   trigger: EventTimeTrigger.create(),
 *   windowStateDescriptor: new ReducingStateDescriptor<number>('window-contents', (a, b) => a + b),
 *   windowFunction: passThroughWindowFunction(),
 * });
 */
export class WindowOperator<K, IN, ACC, OUT, W extends Window>
  extends AbstractUdfStreamOperator<IN, OUT, InternalWindowFunction<ACC, OUT, K, W>>
  implements Triggerable
{
  protected readonly assigner: WindowAssigner<IN, W>;
  protected readonly trigger: Trigger<IN, W>;
  protected readonly allowedLateness: number;
  protected readonly lateDataOutputTag: OutputTag<IN> | undefined;
  protected readonly serializer: WindowSerializer<W>;
  protected readonly isEventTime: boolean;
  readonly #windowStateDescriptor: StateDescriptor<AppendingState<IN, ACC>>;
  readonly #mergingAssigner: MergingWindowAssigner<unknown, W> | undefined;
  readonly #listContents: boolean;

  /** The window contents; its namespace is set to the (state) window before each use. */
  protected windowState!: AppendingState<IN, ACC> & InternalKvState;
  protected timers!: InternalTimerService;
  protected triggerContext!: WindowTriggerContext<W>;
  protected processContext!: WindowProcessContext<W>;
  #mergingSets: ListState<MergingWindowEntry> | undefined;
  /** The contents as mergeable state (merging assigners only). */
  #mergingContents: InternalMergingState | undefined;
  #collector!: TimestampedCollector<OUT>;
  #numLateRecordsDropped: Counter | undefined;
  readonly #assignerContext: WindowAssignerContext = {
    getCurrentProcessingTime: () => this.timers.currentProcessingTime(),
  };

  constructor(options: WindowOperatorOptions<IN, ACC, OUT, K, W>) {
    super(options.windowFunction);
    const lateness = options.allowedLateness ?? 0;
    if (!(lateness >= 0)) throw new IllegalArgumentError(`The allowed lateness cannot be negative, got ${lateness} ms`);
    this.assigner = options.assigner;
    this.trigger = options.trigger;
    this.isEventTime = options.assigner.isEventTime();
    // Lateness only means something in event time (Flink ignores it for processing-time windows too).
    this.allowedLateness = this.isEventTime ? lateness : 0;
    this.lateDataOutputTag = options.lateDataOutputTag;
    this.serializer = options.assigner.getWindowSerializer();
    this.#windowStateDescriptor = options.windowStateDescriptor;
    this.#listContents = options.windowStateDescriptor.kind === 'list';
    this.#mergingAssigner = isMergingWindowAssigner(options.assigner)
      ? (options.assigner as unknown as MergingWindowAssigner<unknown, W>)
      : undefined;
    if (this.#mergingAssigner !== undefined && !options.trigger.canMerge()) {
      throw new IllegalArgumentError(
        `A merging window assigner cannot be used with a trigger that does not support merging: ` +
          `${String(options.assigner)} with ${String(options.trigger)}`,
      );
    }
  }

  /** Records dropped because every window they belong to was past its allowed lateness (no late-data output). */
  get numLateRecordsDropped(): Counter {
    if (this.#numLateRecordsDropped === undefined) throw new IllegalStateError('the window operator is not open yet');
    return this.#numLateRecordsDropped;
  }

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    this.#numLateRecordsDropped = this.context.runtimeContext.getMetricGroup().counter('numLateRecordsDropped');
    const backend = this.getKeyedStateBackend();
    this.timers = this.getInternalTimerService(WINDOW_TIMER_SERVICE, this);
    this.windowState = backend.getPartitionedState(this.#windowStateDescriptor);
    this.triggerContext = new WindowTriggerContext<W>(this.timers, backend);
    this.processContext = new WindowProcessContext<W>(backend, this.timers, this.output, this.serializer, this.#mergingAssigner !== undefined);
    if (this.#mergingAssigner !== undefined) {
      if (isMergingState(this.windowState)) this.#mergingContents = this.windowState;
      else {
        throw new IllegalStateError(
          `window state '${this.#windowStateDescriptor.name}' is ${this.#windowStateDescriptor.kind} state, which cannot ` +
            `merge: merging windows need list, reducing or aggregating contents`,
        );
      }
      this.#mergingSets = backend.getPartitionedState(new ListStateDescriptor<MergingWindowEntry>(MERGING_WINDOW_SET_STATE));
    }
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    const windows = this.assigner.assignWindows(value, timestamp, this.#assignerContext);
    const skipped =
      this.#mergingAssigner === undefined ? this.#addToWindows(value, timestamp, windows) : this.#addToMergingWindows(value, timestamp, windows);
    if (skipped && this.isElementLate(timestamp)) {
      if (this.lateDataOutputTag !== undefined) this.output.collectSide(this.lateDataOutputTag, value, timestamp);
      else this.#numLateRecordsDropped!.inc();
    }
  }

  onEventTime(timer: InternalTimer): void {
    this.#onTimer(timer, true);
  }

  onProcessingTime(timer: InternalTimer): void {
    this.#onTimer(timer, false);
  }

  // ---- hooks for the evicting operator ----

  /** Adds an element to the contents (the state's namespace is the element's state window). */
  protected addElement(value: IN, _timestamp: number): void {
    this.windowState.add(value);
  }

  /** Evaluates the window function over the contents of `window`, if any (the state's namespace is set). */
  protected fireWindow(window: W): void {
    const contents = this.windowState.get();
    if (contents === undefined || (this.#listContents && isEmptyIterable(contents as Iterable<unknown>))) return;
    this.emitWindowContents(window, contents);
  }

  /** Calls the window function; its output carries `window.maxTimestamp()`. */
  protected emitWindowContents(window: W, contents: ACC): void {
    this.#collector.timestamp = window.maxTimestamp();
    const ctx = this.processContext;
    ctx.setWindow(window, this.triggerContext.namespace);
    this.userFunction.process(this.getCurrentKey() as K, window, ctx, contents, this.#collector);
  }

  // ---- elements ----

  /** Non-merging assigners; returns whether every window skipped the element. */
  #addToWindows(value: IN, timestamp: number, windows: readonly W[]): boolean {
    let skipped = true;
    const tc = this.triggerContext;
    for (let i = 0; i < windows.length; i++) {
      const window = windows[i]!;
      if (this.isWindowLate(window)) continue;
      skipped = false;
      const namespace = this.serializer.toNamespace(window);
      this.windowState.setCurrentNamespace(namespace);
      this.addElement(value, timestamp);
      tc.window = window;
      tc.namespace = namespace;
      tc.lastEventTimer = tc.lastProcessingTimer = Number.NaN;
      this.#afterTrigger(window, namespace, namespace, this.trigger.onElement(value, timestamp, window, tc));
      this.#registerCleanupTimerAfterTrigger(window, namespace);
    }
    return skipped;
  }

  /** Merging assigners: each new window joins the key's MergingWindowSet, merging state as windows merge. */
  #addToMergingWindows(value: IN, timestamp: number, windows: readonly W[]): boolean {
    let skipped = true;
    const set = this.#mergingSet();
    const tc = this.triggerContext;
    for (const window of windows) {
      const actual = set.addWindow(window, (mergeResult, mergedWindows, stateWindowResult, mergedStateWindows) =>
        this.#merge(mergeResult, mergedWindows, stateWindowResult, mergedStateWindows),
      );
      const namespace = this.serializer.toNamespace(actual);
      if (this.isWindowLate(actual)) {
        set.retireWindow(namespace);
        continue;
      }
      skipped = false;
      const stateNamespace = set.getStateWindow(namespace);
      if (stateNamespace === undefined) throw new IllegalStateError(`Window ${String(window)} is not in the in-flight window set.`);
      this.windowState.setCurrentNamespace(stateNamespace);
      this.addElement(value, timestamp);
      tc.window = actual;
      tc.namespace = namespace;
      tc.lastEventTimer = tc.lastProcessingTimer = Number.NaN;
      this.#afterTrigger(actual, namespace, stateNamespace, this.trigger.onElement(value, timestamp, actual, tc));
      this.#registerCleanupTimerAfterTrigger(actual, namespace);
    }
    set.persist();
    return skipped;
  }

  #merge(mergeResult: W, mergedWindows: readonly W[], stateWindowResult: Namespace, mergedStateWindows: readonly Namespace[]): void {
    if (this.isEventTime && mergeResult.maxTimestamp() + this.allowedLateness <= this.timers.currentWatermark()) {
      throw new IllegalStateError(
        `The end timestamp of an event-time window cannot become earlier than the current watermark by merging. ` +
          `Current watermark: ${this.timers.currentWatermark()} window: ${String(mergeResult)}`,
      );
    }
    if (!this.isEventTime && mergeResult.maxTimestamp() <= this.timers.currentProcessingTime()) {
      throw new IllegalStateError(
        `The end timestamp of a processing-time window cannot become earlier than the current processing time by ` +
          `merging. Current processing time: ${this.timers.currentProcessingTime()} window: ${String(mergeResult)}`,
      );
    }
    const tc = this.triggerContext;
    tc.window = mergeResult;
    tc.namespace = this.serializer.toNamespace(mergeResult);
    tc.mergedNamespaces = mergedWindows.map((w) => this.serializer.toNamespace(w));
    try {
      this.trigger.onMerge(mergeResult, tc);
    } finally {
      tc.mergedNamespaces = [];
    }
    for (const merged of mergedWindows) {
      const namespace = this.serializer.toNamespace(merged);
      tc.window = merged;
      tc.namespace = namespace;
      this.trigger.clear(merged, tc);
      this.deleteCleanupTimer(merged, namespace);
    }
    if (mergedStateWindows.length > 0) this.#mergingContents!.mergeNamespaces(stateWindowResult, mergedStateWindows);
  }

  // ---- timers ----

  #onTimer(timer: InternalTimer, eventTime: boolean): void {
    const namespace = timer.namespace;
    const window = this.serializer.fromNamespace(namespace);
    let set: MergingWindowSet<W> | undefined;
    let stateNamespace: Namespace = namespace;
    if (this.#mergingAssigner !== undefined) {
      set = this.#mergingSet();
      const found = set.getStateWindow(namespace);
      // A timer of a window that no longer exists (a trigger that did not delete its timers): nothing to do.
      if (found === undefined) return;
      stateNamespace = found;
    }
    this.windowState.setCurrentNamespace(stateNamespace);
    const tc = this.triggerContext;
    tc.window = window;
    tc.namespace = namespace;
    const result = eventTime
      ? this.trigger.onEventTime(timer.timestamp, window, tc)
      : this.trigger.onProcessingTime(timer.timestamp, window, tc);
    this.#afterTrigger(window, namespace, stateNamespace, result);
    if (eventTime === this.isEventTime && this.cleanupTime(window) === timer.timestamp) {
      this.#clearAllState(window, namespace, stateNamespace, set);
    }
    set?.persist();
  }

  /** Fires and/or purges as the trigger said. */
  #afterTrigger(window: W, namespace: Namespace, stateNamespace: Namespace, result: TriggerResult): void {
    if (result.isFire()) {
      this.windowState.setCurrentNamespace(stateNamespace);
      this.triggerContext.namespace = namespace;
      this.fireWindow(window);
    }
    if (result.isPurge()) {
      this.windowState.setCurrentNamespace(stateNamespace);
      this.windowState.clear();
    }
  }

  /** The window is gone: contents, trigger state and timers, the function's per-window state, the merging entry. */
  #clearAllState(window: W, namespace: Namespace, stateNamespace: Namespace, set: MergingWindowSet<W> | undefined): void {
    this.windowState.setCurrentNamespace(stateNamespace);
    this.windowState.clear();
    const tc = this.triggerContext;
    tc.window = window;
    tc.namespace = namespace;
    this.trigger.clear(window, tc);
    const ctx = this.processContext;
    ctx.setWindow(window, namespace);
    this.userFunction.clear(window, ctx);
    if (set === undefined) ctx.clearWindowState();
    else set.retireWindow(namespace);
  }

  #mergingSet(): MergingWindowSet<W> {
    return new MergingWindowSet<W>(this.#mergingAssigner!, this.serializer, this.#mergingSets!);
  }

  // ---- lateness and cleanup ----

  /** When the window's state goes: `maxTimestamp + allowedLateness` in event time, `maxTimestamp` in processing time. */
  protected cleanupTime(window: W): number {
    return this.isEventTime ? window.maxTimestamp() + this.allowedLateness : window.maxTimestamp();
  }

  /** Whether the window was already cleaned up (event time only). */
  protected isWindowLate(window: W): boolean {
    return this.isEventTime && this.cleanupTime(window) <= this.timers.currentWatermark();
  }

  /** Whether an element is late: its timestamp plus the allowed lateness is not after the watermark. */
  protected isElementLate(timestamp: number): boolean {
    return this.isEventTime && timestamp + this.allowedLateness <= this.timers.currentWatermark();
  }

  /**
   * registerCleanupTimer after the trigger's onElement: skipped when the trigger has just registered that very timer
   * (EventTimeTrigger without lateness, ProcessingTimeTrigger), which saves a timer lookup per element and window.
   */
  #registerCleanupTimerAfterTrigger(window: W, namespace: Namespace): void {
    const tc = this.triggerContext;
    const time = this.cleanupTime(window);
    if (tc.namespace === namespace && (this.isEventTime ? tc.lastEventTimer : tc.lastProcessingTimer) === time) return;
    this.registerCleanupTimer(window, namespace);
  }

  protected registerCleanupTimer(window: W, namespace: Namespace): void {
    const time = this.cleanupTime(window);
    if (time === Number.POSITIVE_INFINITY) return; // GlobalWindow: never cleaned up
    if (this.isEventTime) this.timers.registerEventTimeTimer(namespace, time);
    else this.timers.registerProcessingTimeTimer(namespace, time);
  }

  protected deleteCleanupTimer(window: W, namespace: Namespace): void {
    const time = this.cleanupTime(window);
    if (time === Number.POSITIVE_INFINITY) return;
    if (this.isEventTime) this.timers.deleteEventTimeTimer(namespace, time);
    else this.timers.deleteProcessingTimeTimer(namespace, time);
  }
}

function isEmptyIterable(contents: Iterable<unknown>): boolean {
  return Array.isArray(contents) ? contents.length === 0 : contents[Symbol.iterator]().next().done === true;
}
