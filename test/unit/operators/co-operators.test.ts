// Two-input operators on the harness: CoMap, CoFlatMap, CoProcess and KeyedCoProcess, and the combined watermark.
import { describe, expect, it } from 'vitest';
import {
  ListStateDescriptor,
  OutputTag,
  ValueStateDescriptor,
  type Collector,
  type Configuration,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ListState,
  type ProcessContext,
  type ValueState,
} from '../../../src/index.ts';
import {
  CoProcessFunction,
  KeyedCoProcessFunction,
  RichCoFlatMapFunction,
  RichCoMapFunction,
  type CoMapFunction,
} from '../../../src/api/co-functions.ts';
import { CoProcessOperator, KeyedCoProcessOperator } from '../../../src/api/operators/co-process-operator.ts';
import { CoStreamFlatMap } from '../../../src/api/operators/co-stream-flat-map.ts';
import { CoStreamMap } from '../../../src/api/operators/co-stream-map.ts';
import { assignKeyToParallelOperator } from '../../../src/state/key-group.ts';
import type { CheckpointedFunction, FunctionInitializationContext } from '../../../src/state/operator-state.ts';
import {
  KeyedTwoInputStreamOperatorTestHarness,
  repartitionSnapshots,
  TwoInputStreamOperatorTestHarness,
} from '../../../src/testing/index.ts';

const identity: CoMapFunction<number, string, string> = { map1: (n) => `n${n}`, map2: (s) => `s${s}` };

describe('CoStreamMap', () => {
  it('maps each input with its own method and keeps the timestamps', async () => {
    const h = new TwoInputStreamOperatorTestHarness(new CoStreamMap(identity));
    await h.open();
    h.processElement1(1, 10);
    h.processElement2('a', 20);
    h.processElement1(2);
    expect(h.extractOutputRecords()).toEqual([
      { value: 'n1', timestamp: 10 },
      { value: 'sa', timestamp: 20 },
      { value: 'n2', timestamp: undefined },
    ]);
  });

  it('gives a Rich function its runtime context, open and close', async () => {
    const calls: string[] = [];
    class Tagged extends RichCoMapFunction<number, number, string> {
      override open(_parameters: Configuration): void {
        calls.push(`open ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
      }
      override close(): void {
        calls.push('close');
      }
      map1(n: number): string {
        return `left ${n}`;
      }
      map2(n: number): string {
        return `right ${n}`;
      }
    }
    const h = new TwoInputStreamOperatorTestHarness(new CoStreamMap(new Tagged()), undefined, undefined, {
      parallelism: 2,
      subtaskIndex: 1,
    });
    await h.open();
    h.processElement2(7);
    await h.close();
    expect(calls).toEqual(['open 1', 'close']);
    expect(h.extractOutputValues()).toEqual(['right 7']);
  });

  it('snapshots and restores the operator state of a CheckpointedFunction', async () => {
    class Counting extends RichCoMapFunction<number, number, number> implements CheckpointedFunction {
      count = 0;
      #state!: ListState<number>;
      initializeState(context: FunctionInitializationContext): void {
        this.#state = context.getOperatorStateStore().getListState(new ListStateDescriptor<number>('count'));
        for (const c of this.#state.get()) this.count += c;
      }
      snapshotState(): void {
        this.#state.update([this.count]);
      }
      map1(): number {
        return ++this.count;
      }
      map2(): number {
        return ++this.count;
      }
    }
    const h = new TwoInputStreamOperatorTestHarness(new CoStreamMap(new Counting()));
    await h.open();
    h.processElement1(0);
    h.processElement2(0);
    const snapshot = await h.snapshot();
    const restored = new TwoInputStreamOperatorTestHarness(new CoStreamMap(new Counting()));
    restored.initializeState(snapshot);
    await restored.open();
    restored.processElement1(0);
    expect(restored.extractOutputValues()).toEqual([3]);
  });
});

describe('CoStreamFlatMap', () => {
  it('emits zero or more records per input with the input timestamp', async () => {
    class Split extends RichCoFlatMapFunction<string, number, string> {
      flatMap1(line: string, out: Collector<string>): void {
        for (const w of line.split(' ')) if (w.length > 0) out.collect(w);
      }
      flatMap2(n: number, out: Collector<string>): void {
        for (let i = 0; i < n; i++) out.collect(`#${i}`);
      }
    }
    const h = new TwoInputStreamOperatorTestHarness(new CoStreamFlatMap(new Split()));
    await h.open();
    h.processElement1('a b', 5);
    h.processElement2(0, 6);
    h.processElement2(2, 7);
    h.processElement1('', 8);
    expect(h.extractOutputRecords()).toEqual([
      { value: 'a', timestamp: 5 },
      { value: 'b', timestamp: 5 },
      { value: '#0', timestamp: 7 },
      { value: '#1', timestamp: 7 },
    ]);
  });
});

describe('two-input watermarks', () => {
  it('forwards the minimum of the two inputs, only when it advances', async () => {
    const h = new TwoInputStreamOperatorTestHarness(new CoStreamMap(identity));
    await h.open();
    h.processWatermark1(10);
    expect(h.extractWatermarks()).toEqual([]);
    h.processWatermark2(5);
    h.processWatermark2(15);
    h.processWatermark1(12);
    h.processWatermark1(20);
    expect(h.extractWatermarks()).toEqual([5, 10, 12, 15]);
    expect(h.twoInputOperator.combinedInputWatermark).toBe(15);
  });

  it('leaves an idle input out of the minimum and goes idle only when both are', async () => {
    const h = new TwoInputStreamOperatorTestHarness(new CoStreamMap(identity));
    await h.open();
    const op = h.twoInputOperator;
    h.processWatermark1(100);
    h.processWatermark2(10);
    op.processWatermarkStatus2(true);
    // The idle second input no longer holds back the first one's watermark.
    expect(h.extractWatermarks()).toEqual([10, 100]);
    h.processWatermark1(150);
    expect(h.extractWatermarks()).toEqual([10, 100, 150]);
    op.processWatermarkStatus1(true);
    expect(h.getOutput().at(-1)).toEqual({ kind: 'status', idle: true });
    op.processWatermarkStatus2(false);
    expect(h.getOutput().at(-1)).toEqual({ kind: 'status', idle: false });
    // Back from idle with an old watermark: the combined watermark never goes back.
    h.processWatermark2(120);
    op.processWatermarkStatus1(false);
    h.processWatermark2(200);
    expect(h.extractWatermarks()).toEqual([10, 100, 150]);
    h.processWatermark1(170);
    expect(h.extractWatermarks()).toEqual([10, 100, 150, 170]);
    expect(op.combinedInputWatermark).toBe(170);
  });
});

describe('CoProcessOperator', () => {
  it('gives each element its timestamp, side outputs and clocks; timers need keys', async () => {
    const odd = new OutputTag<number>('odd');
    class Route extends CoProcessFunction<number, string, string> {
      processElement1(n: number, ctx: ProcessContext, out: Collector<string>): void {
        if (n % 2 === 1) ctx.output(odd, n);
        else out.collect(`${n}@${ctx.timestamp()} wm ${ctx.timerService().currentWatermark()}`);
      }
      processElement2(s: string, ctx: ProcessContext): void {
        ctx.timerService().registerEventTimeTimer(Number(s));
      }
    }
    const h = new TwoInputStreamOperatorTestHarness(new CoProcessOperator(new Route()));
    await h.open();
    h.processElement1(1, 100);
    h.processWatermark(50);
    h.processElement1(2, 200);
    h.processElement1(4);
    expect(h.extractOutputValues()).toEqual(['2@200 wm 50', '4@null wm 50']);
    expect(h.getSideOutput(odd)).toEqual([{ value: 1, timestamp: 100 }]);
    expect(() => h.processElement2('5', 5)).toThrow(/only supported on keyed connected streams.*keyBy/);
  });
});

interface Order {
  customer: string;
  id: number;
}
interface Profile {
  customer: string;
  name: string;
}

/**
 * Enriches orders with the customer's latest profile, whichever arrives first; orders still waiting for a profile
 * 1 s (event time) after they came are reported; a profile is forgotten after 10 s of processing time.
 */
class Enrich extends KeyedCoProcessFunction<string, Order, Profile, string> {
  #profile!: ValueState<Profile>;
  #waiting!: ListState<Order>;
  override open(): void {
    this.#profile = this.getRuntimeContext().getState(new ValueStateDescriptor<Profile>('profile'));
    this.#waiting = this.getRuntimeContext().getListState(new ListStateDescriptor<Order>('waiting'));
  }
  processElement1(order: Order, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    const profile = this.#profile.value();
    if (profile !== undefined) {
      out.collect(`order ${order.id} for ${profile.name}`);
      return;
    }
    this.#waiting.add(order);
    ctx.timerService().registerEventTimeTimer(ctx.timestamp()! + 1_000);
  }
  processElement2(profile: Profile, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    this.#profile.update(profile);
    for (const order of this.#waiting.get()) out.collect(`order ${order.id} for ${profile.name}`);
    this.#waiting.clear();
    ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 10_000);
  }
  override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
    if (ctx.timeDomain() === 'PROCESSING_TIME') {
      this.#profile.clear();
      out.collect(`forgot ${ctx.getCurrentKey()}@${ts}`);
      return;
    }
    const waiting = [...this.#waiting.get()];
    if (waiting.length > 0) out.collect(`${ctx.getCurrentKey()} waits: ${waiting.map((o) => o.id).join(',')}@${ctx.timestamp()}`);
  }
}

const enrichHarness = (options = {}) =>
  new KeyedTwoInputStreamOperatorTestHarness(
    new KeyedCoProcessOperator(new Enrich()),
    (o: Order) => o.customer,
    (p: Profile) => p.customer,
    options,
  );

describe('KeyedCoProcessOperator', () => {
  it('shares keyed state between both inputs', async () => {
    const h = enrichHarness();
    await h.open();
    h.processElement1({ customer: 'c1', id: 1 }, 100);
    h.processElement1({ customer: 'c2', id: 2 }, 110);
    h.processElement2({ customer: 'c1', name: 'Ada' }, 120);
    h.processElement1({ customer: 'c1', id: 3 }, 130);
    expect(h.extractOutputValues()).toEqual(['order 1 for Ada', 'order 3 for Ada']);
  });

  it('fires event-time timers at the combined watermark with the timer timestamp, processing-time ones without', async () => {
    const h = enrichHarness({ initialProcessingTime: 0 });
    await h.open();
    h.processElement1({ customer: 'c1', id: 1 }, 100);
    h.processElement1({ customer: 'c2', id: 2 }, 500);
    h.processElement2({ customer: 'c2', name: 'Bo' }, 600);
    expect(h.numEventTimeTimers()).toBe(2);
    expect(h.numProcessingTimeTimers()).toBe(1);
    // Only the first input advanced: the combined watermark stays behind.
    h.processWatermark1(5_000);
    expect(h.extractOutputValues()).toEqual(['order 2 for Bo']);
    h.processWatermark2(1_100);
    expect(h.getOutput().slice(-2)).toEqual([
      { kind: 'record', value: 'c1 waits: 1@1100', timestamp: 1_100 },
      { kind: 'watermark', timestamp: 1_100 },
    ]);
    h.processWatermark2(2_000);
    expect(h.numEventTimeTimers()).toBe(0);
    h.setProcessingTime(10_000);
    expect(h.extractOutputRecords().at(-1)).toEqual({ value: 'forgot c2@10000', timestamp: undefined });
    h.processElement1({ customer: 'c2', id: 4 }, 3_000);
    expect(h.extractOutputValues().at(-1)).toBe('forgot c2@10000');
  });

  it('restores state and timers, also spread over more subtasks', async () => {
    const h = enrichHarness({ maxParallelism: 128 });
    await h.open();
    const customers = Array.from({ length: 16 }, (_, i) => `c${i}`);
    for (const [i, customer] of customers.entries()) h.processElement1({ customer, id: i }, 1_000);
    const snapshot = await h.snapshot();
    await h.close();

    const out: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = enrichHarness({ maxParallelism: 128, parallelism: 2, subtaskIndex: i });
      r.initializeState(repartitionSnapshots([snapshot], 2, i));
      await r.open();
      for (const customer of customers) {
        // Only the keys of this subtask's key groups may be processed here.
        if (assignKeyToParallelOperator(customer, 128, 2) === i) {
          r.processElement2({ customer, name: customer.toUpperCase() }, 1_500);
        }
      }
      r.processWatermark(10_000);
      out.push(...r.extractOutputValues());
      await r.close();
    }
    expect(out.sort()).toEqual(customers.map((c, i) => `order ${i} for ${c.toUpperCase()}`).sort());
  });

  it('runs a plain CoProcessFunction keyed, with timers', async () => {
    class Echo extends CoProcessFunction<string, string, string> {
      processElement1(v: string, ctx: ProcessContext): void {
        ctx.timerService().registerEventTimeTimer(ctx.timestamp()!);
      }
      processElement2(v: string, _ctx: ProcessContext, out: Collector<string>): void {
        out.collect(v);
      }
      override onTimer(ts: number, _ctx: ProcessContext, out: Collector<string>): void {
        out.collect(`timer ${ts}`);
      }
    }
    const h = new KeyedTwoInputStreamOperatorTestHarness(
      new KeyedCoProcessOperator(new Echo()),
      (v: string) => v,
      (v: string) => v,
    );
    await h.open();
    h.processElement1('a', 7);
    h.processElement2('b', 8);
    h.processWatermark(7);
    expect(h.extractOutputValues()).toEqual(['b', 'timer 7']);
  });
});
