// Window joins and co-groups of two streams (Flink's JoinedStreams and CoGroupedStreams): both sides are tagged,
// unioned, keyed by their own key selectors and windowed together; the window function splits them again.

import { IllegalArgumentError, InvalidProgramError } from '../core/errors.ts';
import type { DataStream, SingleOutputStreamOperator } from './data-stream.ts';
import { toKeyExtractor, type Collector, type KeySelector } from './functions.ts';
import type { Duration } from './time.ts';
import type { Evictor } from './windowing/evictor.ts';
import type { Trigger } from './windowing/trigger.ts';
import type { WindowAssigner } from './windowing/window-assigner.ts';
import type { Window } from './windowing/window.ts';

/** A record of either side, as the shared window holds it (plain data, so it crosses threads). */
export type TaggedUnion<T1, T2> = { readonly one: T1; readonly two?: undefined } | { readonly one?: undefined; readonly two: T2 };

/** Combines one element of each side whose keys match in a window (Flink's JoinFunction). */
export type JoinFunction<IN1, IN2, OUT> = ((first: IN1, second: IN2) => OUT) | { join(first: IN1, second: IN2): OUT };

/** Emits any number of records per matching pair (Flink's FlatJoinFunction). */
export type FlatJoinFunction<IN1, IN2, OUT> =
  | ((first: IN1, second: IN2, out: Collector<OUT>) => void)
  | { join(first: IN1, second: IN2, out: Collector<OUT>): void };

/** Gets all elements of both sides of one key and window at once (Flink's CoGroupFunction). */
export type CoGroupFunction<IN1, IN2, OUT> =
  | ((first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>) => void)
  | { coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void };

interface WindowSettings<T1, T2, W extends Window> {
  trigger?: Trigger<TaggedUnion<T1, T2>, W>;
  evictor?: Evictor<TaggedUnion<T1, T2>, W>;
  allowedLateness?: Duration;
}

/**
 * `first.coGroup(second).where(k1).equalTo(k2).window(assigner).apply(fn)`.
 *
 * @example
 * orders.coGroup(payments).where((o) => o.id).equalTo((p) => p.orderId)
 *   .window(TumblingEventTimeWindows.of(Time.minutes(1)))
 *   .apply((os, ps, out) => out.collect({ orders: [...os].length, payments: [...ps].length }));
 */
export class CoGroupedStreams<T1, T2> {
  constructor(
    readonly input1: DataStream<T1>,
    readonly input2: DataStream<T2>,
  ) {}

  where<K>(keySelector: KeySelector<T1, K>): { equalTo(keySelector: KeySelector<T2, K>): WithWindow<T1, T2, K> } {
    const key1 = toKeyExtractor(keySelector);
    return {
      equalTo: (keySelector2) => new WithWindow<T1, T2, K>(this.input1, this.input2, key1, toKeyExtractor(keySelector2)),
    };
  }
}

/** `first.join(second).where(k1).equalTo(k2).window(assigner).apply(fn)`: an inner join per key and window. */
export class JoinedStreams<T1, T2> {
  constructor(
    readonly input1: DataStream<T1>,
    readonly input2: DataStream<T2>,
  ) {}

  where<K>(keySelector: KeySelector<T1, K>): { equalTo(keySelector: KeySelector<T2, K>): { window<W extends Window>(assigner: WindowAssigner<TaggedUnion<T1, T2>, W>): JoinWindowed<T1, T2, K, W> } } {
    const key1 = toKeyExtractor(keySelector);
    return {
      equalTo: (keySelector2) => ({
        window: <W extends Window>(assigner: WindowAssigner<TaggedUnion<T1, T2>, W>) =>
          new JoinWindowed<T1, T2, K, W>(new WithWindow<T1, T2, K>(this.input1, this.input2, key1, toKeyExtractor(keySelector2)).window(assigner)),
      }),
    };
  }
}

/** The key selectors are set: choose the window. */
export class WithWindow<T1, T2, K> {
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly key1: (v: T1) => K,
    private readonly key2: (v: T2) => K,
  ) {}

  window<W extends Window>(assigner: WindowAssigner<TaggedUnion<T1, T2>, W>): CoGroupWindowed<T1, T2, K, W> {
    return new CoGroupWindowed<T1, T2, K, W>(this.input1, this.input2, this.key1, this.key2, assigner, {});
  }
}

/** A windowed co-group; `trigger`, `evictor` and `allowedLateness` as on WindowedStream. */
export class CoGroupWindowed<T1, T2, K, W extends Window> {
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly key1: (v: T1) => K,
    private readonly key2: (v: T2) => K,
    private readonly assigner: WindowAssigner<TaggedUnion<T1, T2>, W>,
    private readonly settings: WindowSettings<T1, T2, W>,
  ) {}

  trigger(trigger: Trigger<TaggedUnion<T1, T2>, W>): this {
    this.settings.trigger = trigger;
    return this;
  }

  evictor(evictor: Evictor<TaggedUnion<T1, T2>, W>): this {
    this.settings.evictor = evictor;
    return this;
  }

  allowedLateness(lateness: Duration): this {
    this.settings.allowedLateness = lateness;
    return this;
  }

  apply<R>(fn: CoGroupFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const coGroup = typeof fn === 'function' ? fn : (a: Iterable<T1>, b: Iterable<T2>, out: Collector<R>) => fn.coGroup(a, b, out);
    if (typeof coGroup !== 'function') throw new IllegalArgumentError('apply takes a CoGroupFunction');
    if (this.input1.getExecutionEnvironment() !== this.input2.getExecutionEnvironment()) {
      throw new InvalidProgramError('coGroup/join: both streams must come from the same StreamExecutionEnvironment');
    }
    const key1 = this.key1;
    const key2 = this.key2;
    const tagged1 = this.input1.map((v): TaggedUnion<T1, T2> => ({ one: v })).name('Map (tag first input)');
    const tagged2 = this.input2.map((v): TaggedUnion<T1, T2> => ({ two: v })).name('Map (tag second input)');
    let windowed = tagged1
      .union(tagged2)
      .keyBy((u: TaggedUnion<T1, T2>) => (u.two === undefined && 'one' in u ? key1(u.one as T1) : key2(u.two as T2)))
      .window(this.assigner);
    if (this.settings.trigger !== undefined) windowed = windowed.trigger(this.settings.trigger);
    if (this.settings.evictor !== undefined) windowed = windowed.evictor(this.settings.evictor);
    if (this.settings.allowedLateness !== undefined) windowed = windowed.allowedLateness(this.settings.allowedLateness);
    return windowed
      .apply<R>((_key: K, _window: W, elements: Iterable<TaggedUnion<T1, T2>>, out: Collector<R>) => {
        const first: T1[] = [];
        const second: T2[] = [];
        for (const e of elements) {
          if ('one' in e && e.one !== undefined) first.push(e.one);
          else second.push(e.two as T2);
        }
        coGroup(first, second, out);
      })
      .name('CoGroup');
  }
}

/** A windowed join: `apply(JoinFunction)` emits one record per matching pair, `apply(FlatJoinFunction)` any. */
export class JoinWindowed<T1, T2, K, W extends Window> {
  constructor(private readonly coGrouped: CoGroupWindowed<T1, T2, K, W>) {}

  trigger(trigger: Trigger<TaggedUnion<T1, T2>, W>): this {
    this.coGrouped.trigger(trigger);
    return this;
  }

  evictor(evictor: Evictor<TaggedUnion<T1, T2>, W>): this {
    this.coGrouped.evictor(evictor);
    return this;
  }

  allowedLateness(lateness: Duration): this {
    this.coGrouped.allowedLateness(lateness);
    return this;
  }

  /** An inner join: `fn(first, second)` for every pair of the key and window, in arrival order. */
  apply<R>(fn: JoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const join = typeof fn === 'function' ? fn : (a: T1, b: T2) => fn.join(a, b);
    return this.coGrouped
      .apply<R>((first, second, out) => {
        for (const a of first) for (const b of second) out.collect(join(a, b));
      })
      .name('Window Join');
  }

  /** An inner join emitting through a Collector (Flink's FlatJoinFunction). */
  flatApply<R>(fn: FlatJoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const join = typeof fn === 'function' ? fn : (a: T1, b: T2, out: Collector<R>) => fn.join(a, b, out);
    return this.coGrouped
      .apply<R>((first, second, out) => {
        for (const a of first) for (const b of second) join(a, b, out);
      })
      .name('Window Join');
  }
}
