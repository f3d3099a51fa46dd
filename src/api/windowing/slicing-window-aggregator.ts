// SlicingWindowAggregator: event-time tumbling and sliding window aggregation with one accumulator per record (pane sharing).

import { IllegalArgumentError, IllegalStateError } from '../../core/errors.ts';
import { MIN_WATERMARK } from '../../core/stream-element.ts';
import type { Duration } from '../time.ts';
import type { AggregateFunction } from './aggregate-function.ts';
import { NumberMinHeap } from './number-min-heap.ts';
import { TimeWindow } from './time-window.ts';
import { missingTimestampError, offsetMillis, spanMillis, type WindowOffset } from './window-arguments.ts';

/** How a SlicingWindowAggregator cuts time: Flink's tumbling (no `slide`) or sliding event-time windows. */
export interface SlicingWindowAggregatorOptions<IN, ACC, OUT> {
  readonly size: Duration;
  /** Omitted: tumbling windows (`slide = size`). */
  readonly slide?: Duration;
  /** Shift of window starts from the epoch, as the assigners' offset: `abs(offset) < slide`. */
  readonly offset?: WindowOffset;
  readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>;
}

/** One key's slices in a snapshot: `[slice start, accumulator]` pairs. */
export interface SlicingKeySnapshot<K, ACC> {
  readonly key: K;
  readonly slices: [number, ACC][];
}

/**
 * The aggregator's state as plain data (accumulators are copied with `structuredClone`). `watermark` is `null`
 * before the first watermark; windows ending at or before it have fired and do not fire again after a restore.
 */
export interface SlicingWindowSnapshot<K, ACC> {
  readonly version: 1;
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  readonly watermark: number | null;
  readonly keys: SlicingKeySnapshot<K, ACC>[];
}

/** Receives each window result, in order of window end (keys of one window in no particular order). */
export type WindowResultEmitter<K, OUT> = (key: K, window: TimeWindow, result: OUT) => void;

/** Per-key state: slice accumulators by slice start, plus the two-stack queue over the current window's slices. */
class KeyState<K, ACC> {
  readonly slices = new Map<number, ACC>();
  /** Cache of the slice the last record went to. */
  lastStart = Number.NaN;
  lastAcc: ACC | undefined = undefined;
  /** The window end this key waits in (NaN: none). */
  scheduledEnd = Number.NaN;
  /** No window ending before this fires for the key (set by restore: those fired before the snapshot). */
  floorEnd = Number.NEGATIVE_INFINITY;
  /** Slices starting before this have been pushed into the two stacks. */
  pushedUntil = Number.NEGATIVE_INFINITY;
  /** A record went into a slice already in the stacks: rebuild them before the next result. */
  dirty = false;
  // Two-stack queue (oldest slice first): the back stack keeps its running aggregate, the front stack its
  // suffix aggregates (top = oldest = last array element).
  backStarts: number[] = [];
  backAccs: ACC[] = [];
  backAgg: ACC | undefined = undefined;
  frontStarts: number[] = [];
  frontAggs: ACC[] = [];

  constructor(readonly key: K) {}
}

/**
 * Aggregates keyed records into event-time tumbling or sliding windows by slicing time into panes of
 * `gcd(size, slide)`: each record is added to ONE slice accumulator, whatever the number of windows it belongs
 * to; when the watermark passes a window's end, the window's result is the merge of its slices, computed
 * incrementally per key with two stacks (a few merges per result, not `size / slide`). Slices are freed as soon as
 * no unfired window needs them; a key with no slices left is forgotten.
 *
 * Semantics are those of Flink's WindowOperator with an AggregateFunction, EventTimeTrigger and no allowed
 * lateness: a window fires once for a key, with every record of that key whose timestamp it contains, if it got
 * at least one; records arriving when every window they belong to has fired are dropped (`add` returns false).
 *
 * Keys are compared as Map keys (SameValueZero): use primitives. `merge(a, b)` must not modify `b`;
 * accumulators must not be `undefined`, and should be plain data (snapshots copy them with `structuredClone`).
 *
 * @example
 * const agg = new SlicingWindowAggregator({ size: Time.seconds(10), slide: Time.seconds(1), aggregateFunction: average });
 * agg.add('sensor-1', 1_250, 21.5);
 * agg.advanceWatermark(10_999, (key, window, avg) => console.log(key, window.getStart(), avg));
 */
export class SlicingWindowAggregator<K, IN, ACC, OUT> {
  readonly #fn: AggregateFunction<IN, ACC, OUT>;
  readonly #size: number;
  readonly #slide: number;
  readonly #offset: number;
  /** Slice length: gcd(size, slide). */
  readonly #slice: number;
  readonly #sliceOffset: number;
  /** Window ends are `endAlign + k * slide`. */
  readonly #endAlign: number;
  /** Slices per window. */
  readonly #slicesPerWindow: number;
  /** slide > size: some slices belong to no window. */
  readonly #hasGaps: boolean;

  readonly #keys = new Map<K, KeyState<K, ACC>>();
  readonly #buckets = new Map<number, KeyState<K, ACC>[]>();
  readonly #ends = new NumberMinHeap();
  #watermark = MIN_WATERMARK;
  /** The first window end that has not fired. */
  #firstUnfired = Number.NEGATIVE_INFINITY;
  /** Records in slices starting before this are late. */
  #acceptFrom = Number.NEGATIVE_INFINITY;
  #started = false;
  #restored = false;
  #dropped = 0;

  constructor(options: SlicingWindowAggregatorOptions<IN, ACC, OUT>) {
    const size = spanMillis('size', options.size);
    const slide = options.slide === undefined ? size : spanMillis('slide', options.slide);
    const offset = offsetMillis(options.offset ?? 0);
    if (size <= 0) throw new IllegalArgumentError(`size must be > 0, got ${size} ms`);
    if (slide <= 0) throw new IllegalArgumentError(`slide must be > 0, got ${slide} ms`);
    if (Math.abs(offset) >= slide) {
      throw new IllegalArgumentError(`offset must satisfy abs(offset) < slide, got offset ${offset} ms, slide ${slide} ms`);
    }
    this.#fn = options.aggregateFunction;
    this.#size = size;
    this.#slide = slide;
    this.#offset = offset;
    this.#slice = gcd(size, slide);
    this.#sliceOffset = mod(offset, this.#slice);
    this.#endAlign = mod(offset + size, slide);
    this.#slicesPerWindow = size / this.#slice;
    this.#hasGaps = slide > size;
  }

  /** Slice length in milliseconds: gcd(size, slide). */
  get sliceSize(): number {
    return this.#slice;
  }

  /** The last watermark passed to `advanceWatermark` (or restored). */
  get currentWatermark(): number {
    return this.#watermark;
  }

  /** Records dropped because every window they belong to had fired (or, with slide > size, there was none). */
  get numLateRecordsDropped(): number {
    return this.#dropped;
  }

  /** Keys holding at least one slice. */
  get numKeys(): number {
    return this.#keys.size;
  }

  /** Slice accumulators held, over all keys. */
  numSlices(): number {
    let n = 0;
    for (const st of this.#keys.values()) n += st.slices.size;
    return n;
  }

  /** Adds a record; returns false when it is late (dropped). */
  add(key: K, timestamp: number, value: IN): boolean {
    if (!(timestamp > Number.NEGATIVE_INFINITY)) throw missingTimestampError();
    this.#started = true;
    const g = this.#slice;
    const r = (timestamp - this.#sliceOffset) % g;
    const s = r < 0 ? timestamp - r - g : timestamp - r;
    if (s < this.#acceptFrom || (this.#hasGaps && this.#lastEndContaining(s) < s + g)) {
      this.#dropped++;
      return false;
    }
    let st = this.#keys.get(key);
    if (st === undefined) {
      st = new KeyState<K, ACC>(key);
      this.#keys.set(key, st);
    }
    const fn = this.#fn;
    if (s === st.lastStart) {
      const acc = st.lastAcc as ACC;
      const next = fn.add(value, acc);
      if (next !== acc) {
        st.slices.set(s, next);
        st.lastAcc = next;
      }
    } else {
      const acc = st.slices.get(s);
      const next = fn.add(value, acc === undefined ? fn.createAccumulator() : acc);
      if (next !== acc) st.slices.set(s, next);
      st.lastStart = s;
      st.lastAcc = next;
      if (acc === undefined) this.#scheduleSlice(st, s);
    }
    if (s < st.pushedUntil) st.dirty = true;
    return true;
  }

  /**
   * Advances event time to `watermark` and emits, in order of window end, the result of every window ending at
   * or before `watermark + 1` (`window.maxTimestamp() <= watermark`) for every key with records in it.
   * A watermark not above the current one does nothing.
   */
  advanceWatermark(watermark: number, emit: WindowResultEmitter<K, OUT>): void {
    this.#started = true;
    if (!(watermark > this.#watermark)) return;
    this.#setWatermark(watermark);
    const limit = this.#firstUnfired;
    for (let end = this.#ends.peek(); end !== undefined && end < limit; end = this.#ends.peek()) {
      this.#ends.pop();
      const bucket = this.#buckets.get(end)!;
      this.#buckets.delete(end);
      for (const st of bucket) {
        if (st.scheduledEnd !== end) continue; // rescheduled earlier, or a duplicate entry
        st.scheduledEnd = Number.NaN;
        if (this.#slicesPerWindow === 1) this.#fireTumbling(st, end, emit);
        else this.#fireSliding(st, end, emit);
      }
    }
  }

  /** The state as plain data: per key, the slice accumulators still needed, and the watermark. */
  snapshot(): SlicingWindowSnapshot<K, ACC> {
    const keys: SlicingKeySnapshot<K, ACC>[] = [];
    for (const st of this.#keys.values()) {
      if (st.slices.size === 0) continue;
      const slices: [number, ACC][] = [];
      for (const [start, acc] of st.slices) slices.push([start, structuredClone(acc)]);
      slices.sort((a, b) => a[0] - b[0]);
      keys.push({ key: st.key, slices });
    }
    return {
      version: 1,
      size: this.#size,
      slide: this.#slide,
      offset: this.#offset,
      watermark: this.#watermark === MIN_WATERMARK ? null : this.#watermark,
      keys,
    };
  }

  /**
   * Loads a snapshot into a fresh aggregator (before any `add` or `advanceWatermark`). May be called more than
   * once to combine snapshots (rescaling): the watermark becomes the lowest of theirs, and each key still fires
   * only the windows its own snapshot had not fired.
   */
  restore(snapshot: SlicingWindowSnapshot<K, ACC>): void {
    if (this.#started) throw new IllegalStateError('restore() must come before any add() or advanceWatermark()');
    if (snapshot.version !== 1) throw new IllegalArgumentError(`unknown slicing window snapshot version ${String(snapshot.version)}`);
    if (snapshot.size !== this.#size || snapshot.slide !== this.#slide || mod(snapshot.offset, this.#slide) !== mod(this.#offset, this.#slide)) {
      throw new IllegalArgumentError(
        `snapshot windows (size ${snapshot.size} ms, slide ${snapshot.slide} ms, offset ${snapshot.offset} ms) differ from ` +
          `this aggregator's (size ${this.#size} ms, slide ${this.#slide} ms, offset ${this.#offset} ms)`,
      );
    }
    const wm = snapshot.watermark ?? MIN_WATERMARK;
    const floor = this.#firstUnfiredEnd(wm);
    const watermark = this.#restored ? Math.min(this.#watermark, wm) : wm;
    this.#restored = true;
    this.#setWatermark(watermark);
    for (const { key, slices } of snapshot.keys) {
      let st = this.#keys.get(key);
      if (st === undefined) {
        st = new KeyState<K, ACC>(key);
        this.#keys.set(key, st);
      }
      st.floorEnd = Math.max(st.floorEnd, floor);
      for (const [start, acc] of slices) {
        const existing = st.slices.get(start);
        const copy = structuredClone(acc);
        st.slices.set(start, existing === undefined ? copy : this.#fn.merge(existing, copy));
        if (existing === undefined) this.#scheduleSlice(st, start);
      }
    }
  }

  // ---- time arithmetic ----

  #setWatermark(watermark: number): void {
    this.#watermark = watermark;
    this.#firstUnfired = this.#firstUnfiredEnd(watermark);
    this.#acceptFrom = this.#firstUnfired - this.#size;
  }

  /** The smallest window end E with E - 1 > watermark. */
  #firstUnfiredEnd(watermark: number): number {
    if (!Number.isFinite(watermark)) return watermark;
    return TimeWindow.getWindowStartWithOffset(Math.floor(watermark) + 1, this.#endAlign, this.#slide) + this.#slide;
  }

  /** The first window end whose window contains the slice starting at `s`. */
  #firstEndContaining(s: number): number {
    return TimeWindow.getWindowStartWithOffset(s + this.#slice - 1, this.#endAlign, this.#slide) + this.#slide;
  }

  /** The last window end whose window could contain the slice starting at `s` (below `s + slice`: none does). */
  #lastEndContaining(s: number): number {
    return TimeWindow.getWindowStartWithOffset(s + this.#size, this.#endAlign, this.#slide);
  }

  // ---- scheduling ----

  /** A key got slice `s`: make sure it waits in the first unfired window end that contains `s`. */
  #scheduleSlice(st: KeyState<K, ACC>, s: number): void {
    const candidate = Math.max(this.#firstEndContaining(s), this.#firstUnfired, st.floorEnd);
    if (Number.isNaN(st.scheduledEnd) || candidate < st.scheduledEnd) this.#schedule(st, candidate);
  }

  #schedule(st: KeyState<K, ACC>, end: number): void {
    st.scheduledEnd = end;
    let bucket = this.#buckets.get(end);
    if (bucket === undefined) {
      bucket = [];
      this.#buckets.set(end, bucket);
      this.#ends.push(end);
    }
    bucket.push(st);
  }

  /**
   * Schedules the key at the first window end >= `notBefore` containing one of its slices, dropping slices no
   * such window contains; forgets the key when none is left.
   */
  #rescheduleFromMap(st: KeyState<K, ACC>, notBefore: number): void {
    let best = Number.POSITIVE_INFINITY;
    for (const s of st.slices.keys()) {
      if (this.#lastEndContaining(s) < notBefore) {
        this.#deleteSlice(st, s);
        continue;
      }
      const candidate = Math.max(this.#firstEndContaining(s), notBefore);
      if (candidate < best) best = candidate;
    }
    if (best !== Number.POSITIVE_INFINITY) this.#schedule(st, best);
    else if (st.floorEnd <= this.#firstUnfired) this.#keys.delete(st.key);
  }

  #deleteSlice(st: KeyState<K, ACC>, s: number): void {
    st.slices.delete(s);
    if (s === st.lastStart) {
      st.lastStart = Number.NaN;
      st.lastAcc = undefined;
    }
  }

  // ---- firing ----

  /** Tumbling windows: the window is its one slice. */
  #fireTumbling(st: KeyState<K, ACC>, end: number, emit: WindowResultEmitter<K, OUT>): void {
    const start = end - this.#size;
    const acc = st.slices.get(start);
    if (acc !== undefined) {
      this.#deleteSlice(st, start);
      emit(st.key, new TimeWindow(start, end), this.#fn.getResult(acc));
    }
    this.#rescheduleFromMap(st, end + this.#slide);
  }

  /** Sliding windows: slide the key's two-stack queue to the window's slices and merge its two aggregates. */
  #fireSliding(st: KeyState<K, ACC>, end: number, emit: WindowResultEmitter<K, OUT>): void {
    const fn = this.#fn;
    const start = end - this.#size;
    if (st.dirty || st.pushedUntil < start) this.#rebuild(st, start);

    // Push the slices that entered the window.
    for (let s = st.pushedUntil; s < end; s += this.#slice) {
      const acc = st.slices.get(s);
      if (acc === undefined) continue;
      st.backStarts.push(s);
      st.backAccs.push(acc);
      st.backAgg = fn.merge(st.backAgg === undefined ? fn.createAccumulator() : st.backAgg, acc);
    }
    st.pushedUntil = end;

    this.#evictBefore(st, start);

    const front = st.frontAggs.length;
    let result: ACC | undefined = front > 0 ? fn.merge(fn.createAccumulator(), st.frontAggs[front - 1]!) : undefined;
    if (st.backAgg !== undefined) result = fn.merge(result === undefined ? fn.createAccumulator() : result, st.backAgg);
    if (result !== undefined) emit(st.key, new TimeWindow(start, end), fn.getResult(result));

    const next = end + this.#slide;
    this.#evictBefore(st, next - this.#size); // free now what the next window no longer needs
    const newest = st.backStarts.length > 0 ? st.backStarts[st.backStarts.length - 1]! : st.frontStarts[0];
    if (newest !== undefined && newest >= next - this.#size) {
      this.#schedule(st, next);
    } else {
      // Nothing in the stacks is needed by a later window: free it and wait for the key's next slice, if any.
      for (const s of st.frontStarts) this.#deleteSlice(st, s);
      for (const s of st.backStarts) this.#deleteSlice(st, s);
      this.#clearStacks(st);
      this.#rescheduleFromMap(st, next);
    }
  }

  /** Pops (and frees) the queued slices starting before `start`. */
  #evictBefore(st: KeyState<K, ACC>, start: number): void {
    for (;;) {
      const front = st.frontStarts.length;
      const oldest = front > 0 ? st.frontStarts[front - 1]! : st.backStarts[0];
      if (oldest === undefined || oldest >= start) return;
      if (front === 0) this.#flip(st);
      this.#deleteSlice(st, st.frontStarts.pop()!);
      st.frontAggs.pop();
    }
  }

  /** Moves the back stack onto the front stack, computing suffix aggregates (newest to oldest). */
  #flip(st: KeyState<K, ACC>): void {
    const fn = this.#fn;
    for (let i = st.backStarts.length - 1; i >= 0; i--) {
      let agg = fn.merge(fn.createAccumulator(), st.backAccs[i]!);
      const top = st.frontAggs.length;
      if (top > 0) agg = fn.merge(agg, st.frontAggs[top - 1]!);
      st.frontStarts.push(st.backStarts[i]!);
      st.frontAggs.push(agg);
    }
    st.backStarts = [];
    st.backAccs = [];
    st.backAgg = undefined;
  }

  /** Drops the stacks (a late record changed a slice in them) and the slices before `start`. */
  #rebuild(st: KeyState<K, ACC>, start: number): void {
    this.#clearStacks(st);
    for (const s of st.slices.keys()) if (s < start) this.#deleteSlice(st, s);
    st.pushedUntil = start;
    st.dirty = false;
  }

  #clearStacks(st: KeyState<K, ACC>): void {
    st.backStarts = [];
    st.backAccs = [];
    st.backAgg = undefined;
    st.frontStarts = [];
    st.frontAggs = [];
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}
