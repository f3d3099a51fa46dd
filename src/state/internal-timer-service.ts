// Event-time and processing-time timers per (key, namespace, timestamp), stored per key group (Flink's InternalTimerService).

import { IllegalArgumentError, IllegalStateError } from '../core/errors.ts';
import { canonicalKey, type KeyGroupRange } from './key-group.ts';
import type { KeyContext } from './key-context.ts';
import type { KeyGroupTimersSnapshot, TimerServiceSnapshot } from './keyed-state-snapshot.ts';
import { TimerEntry, timerId, type TimerCallback } from './internal-timer.ts';
import type { Cancellable, ProcessingTimeService } from './processing-time-service.ts';
import type { Namespace } from './state.ts';
import { TimerQueue } from './timer-queue.ts';

/** What an InternalTimerService is built from; a keyed backend's `getTimerService` fills in the key context. */
export interface InternalTimerServiceOptions {
  readonly name: string;
  /** The backend's key context: timers are registered for its current key, and set it when they fire. */
  readonly keyContext: KeyContext;
  readonly processingTimeService: ProcessingTimeService;
  /** Called for each processing-time timer that fires (from the ProcessingTimeService's callback). */
  readonly onProcessingTime?: TimerCallback;
}

/**
 * Timers of one operator, as keyed state: a timer belongs to the current key's key group, is snapshotted with it
 * and follows it on rescale. Registering the same (key, namespace, timestamp) twice keeps one timer.
 *
 * @example
 * const timers = backend.getTimerService('user-timers', { processingTimeService, onProcessingTime: onTimer });
 * backend.setCurrentKey(record.user);
 * timers.registerEventTimeTimer(VOID_NAMESPACE, record.timestamp + 60_000);
 * // on a watermark:
 * timers.advanceWatermark(watermark, (timer) => emitSession(timer.key, timer.timestamp));
 */
export class InternalTimerService {
  readonly name: string;
  readonly #ctx: KeyContext;
  readonly #pts: ProcessingTimeService;
  readonly #onProcessingTime: TimerCallback | undefined;
  readonly #eventTime: TimerQueue;
  readonly #processingTime: TimerQueue;
  #watermark = Number.NEGATIVE_INFINITY;
  #wakeUp: Cancellable | undefined;
  #wakeUpAt = Number.POSITIVE_INFINITY;
  #disposed = false;

  constructor(options: InternalTimerServiceOptions) {
    this.name = options.name;
    this.#ctx = options.keyContext;
    this.#pts = options.processingTimeService;
    this.#onProcessingTime = options.onProcessingTime;
    this.#eventTime = new TimerQueue(this.#ctx.keyGroupRange);
    this.#processingTime = new TimerQueue(this.#ctx.keyGroupRange);
  }

  get keyGroupRange(): KeyGroupRange {
    return this.#ctx.keyGroupRange;
  }

  currentProcessingTime(): number {
    return this.#pts.getCurrentProcessingTime();
  }

  /** The last watermark passed to `advanceWatermark` (-Infinity before the first). */
  currentWatermark(): number {
    return this.#watermark;
  }

  registerEventTimeTimer(namespace: Namespace, time: number): void {
    this.#eventTime.add(this.#newTimer(namespace, time));
  }

  deleteEventTimeTimer(namespace: Namespace, time: number): void {
    this.#eventTime.remove(this.#currentIndex(), this.#id(namespace, time));
  }

  registerProcessingTimeTimer(namespace: Namespace, time: number): void {
    if (this.#processingTime.add(this.#newTimer(namespace, time))) this.#scheduleWakeUp();
  }

  deleteProcessingTimeTimer(namespace: Namespace, time: number): void {
    this.#processingTime.remove(this.#currentIndex(), this.#id(namespace, time));
  }

  /**
   * Moves event time to `watermark` and fires every event-time timer with timestamp <= watermark, in timestamp
   * order, with the current key set to the timer's key (timers registered meanwhile fire too when due).
   */
  advanceWatermark(watermark: number, onTimer: TimerCallback): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
    const queue = this.#eventTime;
    for (let t = queue.peek(); t !== undefined && t.timestamp <= watermark; t = queue.peek()) {
      queue.poll();
      this.#ctx.setCurrentKey(t.key);
      onTimer(t);
    }
  }

  /** Fires the processing-time timers due at `time`; the ProcessingTimeService calls this. */
  onProcessingTime(time: number): void {
    this.#wakeUp = undefined;
    this.#wakeUpAt = Number.POSITIVE_INFINITY;
    const now = Math.max(time, this.#pts.getCurrentProcessingTime());
    const queue = this.#processingTime;
    try {
      for (let t = queue.peek(); t !== undefined && t.timestamp <= now; t = queue.peek()) {
        queue.poll();
        this.#ctx.setCurrentKey(t.key);
        this.#onProcessingTime?.(t);
      }
    } finally {
      this.#scheduleWakeUp();
    }
  }

  numEventTimeTimers(): number {
    return this.#eventTime.size;
  }

  numProcessingTimeTimers(): number {
    return this.#processingTime.size;
  }

  /** The timers of the key groups in `range` (intersected with this service's) as plain data. */
  snapshot(range: KeyGroupRange = this.keyGroupRange): TimerServiceSnapshot {
    const own = this.keyGroupRange;
    const keyGroups: KeyGroupTimersSnapshot[] = [];
    for (let g = Math.max(range.startKeyGroup, own.startKeyGroup); g <= Math.min(range.endKeyGroup, own.endKeyGroup); g++) {
      const eventTime = this.#eventTime.snapshotKeyGroup(g);
      const processingTime = this.#processingTime.snapshotKeyGroup(g);
      if (eventTime.length > 0 || processingTime.length > 0) keyGroups.push({ keyGroup: g, eventTime, processingTime });
    }
    return { name: this.name, keyGroups };
  }

  /** Adds the timers of a snapshot's key groups that are in this service's range; others are ignored. */
  restore(snapshot: TimerServiceSnapshot): void {
    const own = this.keyGroupRange;
    for (const group of snapshot.keyGroups) {
      if (!own.contains(group.keyGroup)) continue;
      const index = group.keyGroup - own.startKeyGroup;
      for (const [ck, key, namespace, ts] of group.eventTime) {
        this.#eventTime.add(new TimerEntry(ts, key, ck, namespace, index, timerId(ck, nsKey(namespace), ts)));
      }
      for (const [ck, key, namespace, ts] of group.processingTime) {
        this.#processingTime.add(new TimerEntry(ts, key, ck, namespace, index, timerId(ck, nsKey(namespace), ts)));
      }
    }
    this.#scheduleWakeUp();
  }

  /** Cancels the pending processing-time wake-up and drops all timers. */
  dispose(): void {
    this.#disposed = true;
    this.#wakeUp?.cancel();
    this.#wakeUp = undefined;
    this.#eventTime.clear();
    this.#processingTime.clear();
  }

  #newTimer(namespace: Namespace, time: number): TimerEntry {
    if (typeof time !== 'number' || Number.isNaN(time)) {
      throw new IllegalArgumentError(`timer service '${this.name}': a timer time must be a number, got ${String(time)}`);
    }
    const ctx = this.#ctx;
    const index = this.#currentIndex();
    const ck = ctx.currentCanonicalKey;
    return new TimerEntry(time, ctx.currentKey!, ck, namespace, index, timerId(ck, nsKey(namespace), time));
  }

  #id(namespace: Namespace, time: number): string {
    return timerId(this.#ctx.currentCanonicalKey, nsKey(namespace), time);
  }

  #currentIndex(): number {
    const index = this.#ctx.currentKeyGroupIndex;
    if (index < 0) {
      throw new IllegalStateError(
        `timer service '${this.name}': timers need a current key; call setCurrentKey(key) on the backend first`,
      );
    }
    return index;
  }

  #scheduleWakeUp(): void {
    if (this.#disposed) return;
    const head = this.#processingTime.peek();
    if (head === undefined || head.timestamp >= this.#wakeUpAt) return;
    this.#wakeUp?.cancel();
    this.#wakeUpAt = head.timestamp;
    this.#wakeUp = this.#pts.registerTimer(head.timestamp, (t) => this.onProcessingTime(t));
  }
}

function nsKey(namespace: Namespace): string | number | bigint | boolean | undefined {
  return namespace === null ? undefined : canonicalKey(namespace);
}
