import { describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  OutputTag,
  ProcessFunction,
  ValueStateDescriptor,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ValueState,
} from '../../../src/index.ts';
import {
  KeyedOneInputStreamOperatorTestHarness,
  KeyedProcessOperator,
  OneInputStreamOperatorTestHarness,
  ProcessOperator,
  repartitionSnapshots,
} from '../../../src/testing/index.ts';

interface Click {
  user: string;
  at: number;
}

const late = new OutputTag<Click>('late');

/** Counts clicks per user and reports a user idle 10 s (event time) after their last click. */
class IdleAfterTenSeconds extends KeyedProcessFunction<string, Click, string> {
  #count!: ValueState<number>;
  #last!: ValueState<number>;
  override open(): void {
    this.#count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', 0));
    this.#last = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('last'));
  }
  processElement(click: Click, ctx: KeyedProcessContext<string>): void {
    if (click.at <= ctx.timerService().currentWatermark()) {
      ctx.output(late, click);
      return;
    }
    this.#count.update(this.#count.value()! + 1);
    const previous = this.#last.value();
    if (previous !== undefined) ctx.timerService().deleteEventTimeTimer(previous + 10_000);
    this.#last.update(click.at);
    ctx.timerService().registerEventTimeTimer(click.at + 10_000);
  }
  override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()}:${this.#count.value()}@${ts}:${ctx.timeDomain()}`);
    this.#count.update(undefined);
  }
}

const harnessFor = (options = {}) =>
  new KeyedOneInputStreamOperatorTestHarness(
    new KeyedProcessOperator(new IdleAfterTenSeconds()),
    (c: Click) => c.user,
    options,
  );

describe('KeyedProcessOperator', () => {
  it('keeps state per key and fires event-time timers with their key current, deduplicated', async () => {
    const h = harnessFor();
    await h.open();
    h.processElement({ user: 'a', at: 1_000 }, 1_000);
    h.processElement({ user: 'b', at: 2_000 }, 2_000);
    h.processElement({ user: 'a', at: 5_000 }, 5_000);
    expect(h.numEventTimeTimers()).toBe(2);
    h.processWatermark(12_000);
    expect(h.extractOutputValues()).toEqual(['b:1@12000:EVENT_TIME']);
    h.processWatermark(15_000);
    expect(h.extractOutputValues()).toEqual(['b:1@12000:EVENT_TIME', 'a:2@15000:EVENT_TIME']);
    // Timer output carries the timer's timestamp, and comes before the watermark that fired it.
    expect(h.getOutput().slice(-2)).toEqual([
      { kind: 'record', value: 'a:2@15000:EVENT_TIME', timestamp: 15_000 },
      { kind: 'watermark', timestamp: 15_000 },
    ]);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('sends late records to a side output', async () => {
    const h = harnessFor();
    await h.open();
    h.processWatermark(3_000);
    h.processElement({ user: 'a', at: 2_000 }, 2_000);
    expect(h.getSideOutput(late)).toEqual([{ value: { user: 'a', at: 2_000 }, timestamp: 2_000 }]);
    expect(h.extractOutputValues()).toEqual([]);
  });

  it('fires processing-time timers from the virtual clock, without a timestamp on the output', async () => {
    class Ping extends KeyedProcessFunction<string, string, string> {
      processElement(v: string, ctx: KeyedProcessContext<string>): void {
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 100);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()}@${ts}:${ctx.timeDomain()}:${ctx.timestamp()}`);
      }
    }
    const h = new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new Ping()), (v: string) => v, {
      initialProcessingTime: 1_000,
    });
    await h.open();
    h.processElement('x');
    h.advanceProcessingTime(99);
    expect(h.extractOutputValues()).toEqual([]);
    h.advanceProcessingTime(1);
    expect(h.extractOutputRecords()).toEqual([{ value: 'x@1100:PROCESSING_TIME:1100', timestamp: undefined }]);
  });

  it('restores state and timers from a snapshot, also split over more subtasks', async () => {
    const h = harnessFor({ maxParallelism: 128 });
    await h.open();
    const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    for (const user of users) h.processElement({ user, at: 1_000 }, 1_000);
    const snapshot = await h.snapshot();
    await h.close();

    const fired: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = harnessFor({ maxParallelism: 128, parallelism: 3, subtaskIndex: i });
      r.initializeState(repartitionSnapshots([snapshot], 3, i));
      await r.open();
      r.processWatermark(11_000);
      fired.push(...r.extractOutputValues());
      await r.close();
    }
    expect(fired.sort()).toEqual(users.map((u) => `${u}:1@11000:EVENT_TIME`).sort());
  });

  it('ProcessFunction on a non-keyed stream refuses timers with a clear error', async () => {
    class SetsTimer extends ProcessFunction<number, number> {
      processElement(_v: number, ctx: KeyedProcessContext<never>): void {
        ctx.timerService().registerEventTimeTimer(5);
      }
    }
    const h = new OneInputStreamOperatorTestHarness(new ProcessOperator(new SetsTimer()));
    await h.open();
    expect(() => h.processElement(1)).toThrow(/only supported on a keyed stream/);
  });
});
