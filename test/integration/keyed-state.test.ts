// Keyed state, timers and side outputs on the real runtime: in-process and across worker threads.
import { describe, expect, it } from 'vitest';
import {
  JobExecutionError,
  KeyedProcessFunction,
  OutputTag,
  ProcessFunction,
  RichMapFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  runJobModule,
  type Collector,
  type KeyedProcessContext,
  type ProcessContext,
  type ValueState,
} from 'sluice';

const fixture = (name: string): string => new URL(`../fixtures/jobs/${name}.ts`, import.meta.url).href;
const local = () => StreamExecutionEnvironment.createLocalEnvironment(1);

describe('keyed state in jobs', () => {
  it('keeps value, list and map state per key across two worker threads, with a side output over the network', async () => {
    const rows = (await runJobModule(fixture('keyed-state'))) as unknown[][];
    const counts = rows.filter((r) => r[0] === 'count') as ['count', string, number, number[], number][];
    const milestones = rows.filter((r) => r[0] === 'milestone') as ['milestone', string, number][];
    expect(counts).toHaveLength(20_000);
    // Per user, counts run 1..k with no gap or repeat: every record saw its key's own state.
    const byUser = new Map<string, number[]>();
    for (const [, user, count] of counts) byUser.set(user, [...(byUser.get(user) ?? []), count]);
    expect(byUser.size).toBe(97);
    for (const [user, seen] of byUser) {
      const k = Math.floor(20_000 / 97) + (Number(user.slice(1)) <= 20_000 % 97 && user !== 'u0' ? 1 : 0);
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: k }, (_, i) => i + 1));
    }
    // The last record of a user: its three most recent values, and its number of even values.
    const last = counts.find(([, user, count]) => user === 'u5' && count === byUser.get('u5')!.length)!;
    const u5 = Array.from({ length: 20_000 }, (_, i) => i + 1).filter((n) => n % 97 === 5);
    expect(last[3]).toEqual(u5.slice(-3));
    expect(last[4]).toBe(u5.filter((n) => n % 2 === 0).length);
    const expectedMilestones = [...byUser].flatMap(([user, seen]) =>
      seen.filter((c) => c % 50 === 0).map((c) => `${user}:${c}`),
    );
    expect(milestones.map(([, u, c]) => `${u}:${c}`).sort()).toEqual(expectedMilestones.sort());
  });

  it('fires processing-time timers in worker threads, once per key', async () => {
    const fired = (await runJobModule(fixture('keyed-state'), { args: ['timers'] })) as string[];
    expect(fired.sort()).toEqual(['timer:0:PROCESSING_TIME', 'timer:1:PROCESSING_TIME', 'timer:2:PROCESSING_TIME', 'timer:3:PROCESSING_TIME']);
  });

  it('gives keyed state to a RichMapFunction on a keyed stream', async () => {
    class Running extends RichMapFunction<string, string> {
      #n!: ValueState<number>;
      override open(): void {
        this.#n = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('n', 0));
      }
      map(word: string): string {
        this.#n.update(this.#n.value()! + 1);
        return `${word}${this.#n.value()}`;
      }
    }
    const out = await local().fromElements('a', 'b', 'a', 'a', 'b').keyBy((w) => w).map(new Running()).executeAndCollect(10);
    expect(out).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
  });

  it('refuses keyed state on a non-keyed stream with an error that says to call keyBy()', async () => {
    class NotKeyed extends RichMapFunction<number, number> {
      override open(): void {
        this.getRuntimeContext().getState(new ValueStateDescriptor<number>('n'));
      }
      map(n: number): number {
        return n;
      }
    }
    const error = await local().fromElements(1).map(new NotKeyed()).executeAndCollect(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toMatch(/keyed state 'n'.*keyBy\(\)/);
  });

  it('fails the job when a timer callback throws, naming the operator', async () => {
    class Boom extends KeyedProcessFunction<number, number, number> {
      processElement(n: number, ctx: KeyedProcessContext<number>): void {
        ctx.timerService().registerEventTimeTimer(n);
      }
      override onTimer(): void {
        throw new Error('timer exploded');
      }
    }
    const env = local();
    const error = await env
      .fromElements(1, 2)
      .keyBy((n) => n)
      .process(new Boom())
      .name('Boom')
      .executeAndCollect(10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toMatch(/operator 'Boom'.*timer exploded/);
  });

  it('routes a side output of a chained operator to its own consumer only', async () => {
    const odd = new OutputTag<number>('odd');
    class SplitOdd extends ProcessFunction<number, number> {
      processElement(n: number, ctx: ProcessContext, out: Collector<number>): void {
        if (n % 2 === 1) ctx.output(odd, n * 10);
        else out.collect(n);
      }
    }
    const main = local().fromElements(1, 2, 3, 4, 5).process(new SplitOdd());
    const both = main.map((n) => `main:${n}`).union(main.getSideOutput(odd).map((n) => `odd:${n}`));
    expect((await both.executeAndCollect(10)).sort()).toEqual(['main:2', 'main:4', 'odd:10', 'odd:30', 'odd:50']);
  });
});
