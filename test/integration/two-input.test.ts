// Two-input operators end to end: connect/CoMap/CoFlatMap/CoProcess/KeyedCoProcess and the interval join on the
// in-process runtime, and keyed two-input jobs with parallelism 2 in worker threads.
import { describe, expect, it } from 'vitest';
import {
  CollectionSource,
  IllegalArgumentError,
  InvalidProgramError,
  OutputTag,
  StreamExecutionEnvironment,
  Time,
  ValueStateDescriptor,
  WatermarkStrategy,
  runJobModule,
  type Collector,
  type KeyedProcessContext,
  type ProcessContext,
  type ValueState,
} from 'sluice';
import {
  CoProcessFunction,
  KeyedCoProcessFunction,
  RichCoFlatMapFunction,
  type CoMapFunction,
} from '../../src/api/co-functions.ts';
import { assignKeyToParallelOperator, computeDefaultMaxParallelism } from '../../src/state/key-group.ts';
import * as enrich from '../fixtures/jobs/two-input-enrich.ts';
import * as join from '../fixtures/jobs/two-input-interval-join.ts';

const fixture = (name: string): string => new URL(`../fixtures/jobs/${name}.ts`, import.meta.url).href;
const local = (): StreamExecutionEnvironment => StreamExecutionEnvironment.createLocalEnvironment(1);
const sortStrings = (xs: string[]): string[] => [...xs].sort();

/** What the enrichment job must produce, computed directly from its inputs. */
function expectedEnrichment(): Map<number, { customer: string; result: string; at: number | null }> {
  const profileOf = new Map(enrich.profiles().map((p) => [p.customer, p]));
  const expected = new Map<number, { customer: string; result: string; at: number | null }>();
  for (let n = 0; n < enrich.ORDERS; n++) {
    const o = enrich.orderOf(n);
    const p = profileOf.get(o.customer);
    expected.set(
      o.id,
      p !== undefined && p.ts <= o.ts + enrich.MAX_WAIT
        ? { customer: o.customer, result: `matched:${p.name}`, at: null }
        : { customer: o.customer, result: 'timeout', at: o.ts + enrich.MAX_WAIT },
    );
  }
  return expected;
}

function checkEnrichment(rows: enrich.Enriched[]): void {
  const expected = expectedEnrichment();
  expect(rows).toHaveLength(expected.size);
  const byOrder = new Map(rows.map((r) => [r.order, { customer: r.customer, result: r.result, at: r.at }]));
  expect(byOrder).toEqual(expected);
  // Both outcomes occur, so the check means something.
  const results = [...expected.values()].map((e) => e.result);
  expect(results.filter((r) => r === 'timeout').length).toBeGreaterThan(100);
  expect(results.filter((r) => r !== 'timeout').length).toBeGreaterThan(1000);
}

/** Every pair the interval join must produce, as "order-payment@ts". */
function expectedPairs(): string[] {
  const pairs: string[] = [];
  const paymentsByAccount = new Map<string, join.Payment[]>();
  for (let n = 0; n < join.PAYMENTS; n++) {
    const p = join.paymentOf(n);
    paymentsByAccount.set(p.account, [...(paymentsByAccount.get(p.account) ?? []), p]);
  }
  for (let n = 0; n < join.ORDERS; n++) {
    const o = join.orderOf(n);
    for (const p of paymentsByAccount.get(o.account) ?? []) {
      const d = p.ts - o.ts;
      if (d >= join.LOWER && d < join.UPPER) pairs.push(`${o.id}-${p.id}@${Math.max(o.ts, p.ts)}`);
    }
  }
  return pairs.sort();
}

describe('connect on the in-process runtime', () => {
  it('CoMap sees both inputs, each through its own method', async () => {
    const numbers = local().fromElements(1, 2, 3);
    const words = numbers.getExecutionEnvironment().fromElements('a', 'b');
    const fn: CoMapFunction<number, string, string> = { map1: (n) => `n${n * 10}`, map2: (w) => w.toUpperCase() };
    const out = await numbers.connect(words).map(fn).executeAndCollect(100);
    expect(sortStrings(out)).toEqual(['A', 'B', 'n10', 'n20', 'n30']);
    // Each input keeps its own order.
    expect(out.filter((v) => v.startsWith('n'))).toEqual(['n10', 'n20', 'n30']);

    // A stream connected with itself: two edges between the same two nodes.
    const env = local();
    const keyed = env.fromElements(1, 2, 3, 4).keyBy((n) => n % 2);
    const both = await keyed.connect(keyed).map({ map1: (n: number) => n, map2: (n: number) => -n }).executeAndCollect(100);
    expect([...both].sort((a, b) => a - b)).toEqual([-4, -3, -2, -1, 1, 2, 3, 4]);
  });

  it('CoFlatMap emits any number of records per input and a Rich function gets its context', async () => {
    class Explode extends RichCoFlatMapFunction<string, number, string> {
      flatMap1(line: string, out: Collector<string>): void {
        for (const w of line.split(' ')) out.collect(w);
      }
      flatMap2(n: number, out: Collector<string>): void {
        for (let i = 0; i < n; i++) out.collect(`${this.getRuntimeContext().getIndexOfThisSubtask()}:${i}`);
      }
    }
    const env = local();
    const out = await env.fromElements('x y', 'z').connect(env.fromElements(2, 0)).flatMap(new Explode()).executeAndCollect(100);
    expect(sortStrings(out)).toEqual(['0:0', '0:1', 'x', 'y', 'z']);
  });

  it('a CoProcessFunction emits side outputs; timers need keyed connected streams', async () => {
    const negative = new OutputTag<number>('negative');
    class Split extends CoProcessFunction<number, number, number> {
      processElement1(n: number, ctx: ProcessContext, out: Collector<number>): void {
        if (n < 0) ctx.output(negative, n);
        else out.collect(n);
      }
      processElement2(n: number, _ctx: ProcessContext, out: Collector<number>): void {
        out.collect(n * 100);
      }
    }
    const env = local();
    const main = env.fromElements(1, -2, 3).connect(env.fromElements(4)).process(new Split());
    const side = main.getSideOutput(negative).map((n) => `side ${n}`);
    const all = await main.map((n) => `main ${n}`).union(side).executeAndCollect(100);
    expect(sortStrings(all)).toEqual(['main 1', 'main 3', 'main 400', 'side -2']);

    class SetsTimer extends CoProcessFunction<number, number, number> {
      processElement1(_n: number, ctx: ProcessContext): void {
        ctx.timerService().registerEventTimeTimer(1);
      }
      processElement2(): void {}
    }
    const env2 = local();
    const failing = env2.fromElements(1).connect(env2.fromElements(2)).process(new SetsTimer());
    await expect(failing.executeAndCollect(10)).rejects.toThrow(/only supported on keyed connected streams/);
  });

  it('connecting two keyed streams keys the operator; a KeyedCoProcessFunction needs that', async () => {
    /** Running total per key over both inputs: the first adds, the second subtracts. */
    class Balance extends KeyedCoProcessFunction<string, [string, number], [string, number], string> {
      #total!: ValueState<number>;
      override open(): void {
        this.#total = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('total', 0));
      }
      processElement1(v: [string, number], ctx: KeyedProcessContext<string>, out: Collector<string>): void {
        this.#total.update(this.#total.value()! + v[1]);
        out.collect(`${ctx.getCurrentKey()}=${this.#total.value()}`);
      }
      processElement2(v: [string, number], ctx: KeyedProcessContext<string>, out: Collector<string>): void {
        this.#total.update(this.#total.value()! - v[1]);
        out.collect(`${ctx.getCurrentKey()}=${this.#total.value()}`);
      }
    }
    const env = local();
    const credits = env.fromElements<[string, number]>(['a', 10], ['b', 5], ['a', 1]);
    const debits = env.fromElements<[string, number]>(['a', 3], ['b', 5]);
    const out = await credits
      .keyBy((v) => v[0])
      .connect(debits.keyBy((v) => v[0]))
      .process(new Balance())
      .executeAndCollect(100);
    const last = new Map<string, string>();
    for (const r of out) last.set(r.split('=')[0]!, r);
    expect(out).toHaveLength(5);
    expect([...last.values()].sort()).toEqual(['a=8', 'b=0']);

    const env2 = local();
    const unkeyed = env2.fromElements<[string, number]>(['a', 1]).connect(env2.fromElements<[string, number]>(['a', 1]));
    expect(() => unkeyed.process(new Balance())).toThrow(InvalidProgramError);
    expect(() => unkeyed.process(new Balance())).toThrow(/keyBy\(keySelector1, keySelector2\)/);
    expect(unkeyed.keyBy((v) => v[0], (v) => v[0]).process(new Balance())).toBeDefined();
  });

  it('connect keeps the inputs reachable and refuses streams of another environment', () => {
    const env = local();
    const a = env.fromElements(1);
    const b = env.fromElements('x');
    const connected = a.connect(b);
    expect(connected.getFirstInput()).toBe(a);
    expect(connected.getSecondInput()).toBe(b);
    expect(connected.getExecutionEnvironment()).toBe(env);
    expect(() => a.connect(local().fromElements(2))).toThrow(IllegalArgumentError);
  });

  it('runs the event-time enrichment job with the expected result', async () => {
    const rows = (await enrich.buildEnrichment(local()).executeAndCollect(1_000_000)) as enrich.Enriched[];
    checkEnrichment(rows);
  });
});

describe('interval join on the in-process runtime', () => {
  it('joins orders and payments by account within the bounds', async () => {
    const rows = (await join.buildIntervalJoin(local()).executeAndCollect(1_000_000)) as join.Paid[];
    const expected = expectedPairs();
    expect(expected.length).toBeGreaterThan(500);
    expect(rows.map((r) => `${r.order}-${r.payment}@${r.ts}`).sort()).toEqual(expected);
  });

  it('takes plain-function joins and Time bounds; validates the bounds', async () => {
    const env = local();
    const strategy = WatermarkStrategy.forMonotonousTimestamps<[string, number]>().withTimestampAssigner((e) => e[1]);
    const left = env.fromSource(new CollectionSource<[string, number]>([['k', 1_000], ['k', 5_000]]), strategy, 'left');
    const right = env.fromSource(new CollectionSource<[string, number]>([['k', 1_500], ['k', 2_500], ['j', 1_200]]), strategy, 'right');
    const keyedLeft = left.keyBy((e) => e[0]);
    const keyedRight = right.keyBy((e) => e[0]);
    const out = await keyedLeft
      .intervalJoin(keyedRight)
      .between(Time.milliseconds(0), Time.seconds(1))
      .lowerBoundExclusive()
      .process((l, r, ctx, collector: Collector<string>) => collector.collect(`${l[1]}+${r[1]}@${ctx.getTimestamp()}`))
      .executeAndCollect(100);
    expect(out).toEqual(['1000+1500@1500']);

    expect(() => keyedLeft.intervalJoin(keyedRight).between(5, 1)).toThrow(IllegalArgumentError);
    expect(() => keyedLeft.intervalJoin(keyedRight).between(5, 1)).toThrow(/lowerBound \(5 ms\) must be <= upperBound \(1 ms\)/);
    expect(() => keyedLeft.intervalJoin(keyedRight).between(Number.NaN, 1)).toThrow(IllegalArgumentError);
    expect(() => keyedLeft.intervalJoin(local().fromElements<[string, number]>(['k', 1]).keyBy((e) => e[0]))).toThrow(
      /same StreamExecutionEnvironment/,
    );
  });

  it('fails the job with a clear error when elements have no timestamps', async () => {
    const env = local();
    const a = env.fromElements(1, 2).keyBy((n) => n % 2);
    const b = env.fromElements(3).keyBy((n) => n % 2);
    const joined = a.intervalJoin(b).between(-1, 1).process((x, y, _ctx, out: Collector<number>) => out.collect(x + y));
    await expect(joined.executeAndCollect(10)).rejects.toThrow(/without a timestamp.*WatermarkStrategy/s);
  });
});

describe('two-input jobs in worker threads (parallelism 2)', () => {
  const maxParallelism = computeDefaultMaxParallelism(2);

  it('meets both inputs of a key on the subtask that owns the key, with state and timers shared', async () => {
    const rows = (await runJobModule(fixture('two-input-enrich'), { args: ['2'] })) as enrich.Enriched[];
    checkEnrichment(rows);
    for (const r of rows) expect(r.subtask).toBe(assignKeyToParallelOperator(r.customer, maxParallelism, 2));
    expect(new Set(rows.map((r) => r.subtask))).toEqual(new Set([0, 1]));
  });

  it('interval-joins orders and payments from parallel sources with the expected pairs', async () => {
    const rows = (await runJobModule(fixture('two-input-interval-join'), { args: ['2'] })) as join.Paid[];
    expect(rows.map((r) => `${r.order}-${r.payment}@${r.ts}`).sort()).toEqual(expectedPairs());
    for (const r of rows) {
      expect(r.subtask).toBe(assignKeyToParallelOperator(join.orderOf(r.order).account, maxParallelism, 2));
    }
    expect(new Set(rows.map((r) => r.subtask))).toEqual(new Set([0, 1]));
  });
});
