// Savepoints on the real runtime: stop with a savepoint, resume from it (state and source positions), refuse
// unclaimed state unless allowed, and refuse a corrupt savepoint.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DataGeneratorSource,
  RateLimiterStrategy,
  RichMapFunction,
  SluiceError,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Sink,
  type ValueState,
} from 'sluice';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-it-sp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

class CountPerKey extends RichMapFunction<number, [number, number, number]> {
  private count!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', 0));
  }
  map(n: number): [number, number, number] {
    const c = this.count.value()! + 1;
    this.count.update(c);
    return [n % 10, c, n];
  }
}

/** Collects into an array the test reads while the job runs. */
function arraySink<T>(into: T[]): Sink<T> {
  return { createWriter: () => ({ write: (v: T) => void into.push(v), flush() {}, close() {} }) };
}

function build(env: StreamExecutionEnvironment, out: [number, number, number][], rate: number, withCounter = true) {
  const numbers = env
    .fromSource(new DataGeneratorSource((i) => i, 3_000, RateLimiterStrategy.perSecond(rate)), WatermarkStrategy.noWatermarks(), 'numbers')
    .uid('numbers');
  const keyed = numbers.keyBy((n) => n % 10);
  (withCounter ? keyed.map(new CountPerKey()).uid('counter') : keyed.map((n) => [n % 10, 0, n] as [number, number, number]).uid('plain'))
    .sinkTo(arraySink(out));
}

describe('savepoints', () => {
  it('stops a job with a savepoint and resumes another from it with its keyed state and source position', async () => {
    const first: [number, number, number][] = [];
    const env1 = StreamExecutionEnvironment.createLocalEnvironment(1);
    build(env1, first, 5_000);
    const client = await env1.executeAsync('first');
    await vi.waitFor(() => expect(first.length).toBeGreaterThan(300), { timeout: 10_000 });
    const savepoint = await client.stopWithSavepoint(join(dir, 'savepoints'));
    expect(await client.getJobStatus()).toBe('FINISHED');
    expect(savepoint).toMatch(/savepoint-[0-9a-f]{6}-[0-9a-f]{12}$/);
    expect(await readdir(savepoint)).toContain('_metadata');

    const second: [number, number, number][] = [];
    const env2 = new StreamExecutionEnvironment({ configuration: { 'execution.runtime': 'local', 'execution.savepoint.path': savepoint } });
    build(env2, second, 1_000_000);
    await env2.execute('second');
    // The second job continued where the savepoint was: no record of the first job's savepoint read again,
    // every later one once, and the counts carried on (each key ends at 300).
    const resumedFrom = Math.min(...second.map(([, , n]) => n));
    expect(second.map(([, , n]) => n)).toEqual(Array.from({ length: 3_000 - resumedFrom }, (_, i) => resumedFrom + i));
    expect(resumedFrom).toBeGreaterThan(300);
    const last = new Map<number, number>();
    for (const [k, c] of second) last.set(k, c);
    expect([...last.values()]).toEqual(Array.from({ length: 10 }, () => 300));
  });

  it('refuses state no operator claims unless allowNonRestoredState, and starts with it allowed', async () => {
    const out: [number, number, number][] = [];
    const env1 = StreamExecutionEnvironment.createLocalEnvironment(1);
    build(env1, out, 5_000);
    const client = await env1.executeAsync('first');
    await vi.waitFor(() => expect(out.length).toBeGreaterThan(50), { timeout: 10_000 });
    const savepoint = await client.stopWithSavepoint(join(dir, 'savepoints'));

    const refused = new StreamExecutionEnvironment({ configuration: { 'execution.runtime': 'local', 'execution.savepoint.path': savepoint } });
    build(refused, [], 1_000_000, false);
    const error = await refused.execute('without counter').catch((e: unknown) => e);
    expect((error as SluiceError).code).toBe('STATE_NOT_RESTORED');
    expect((error as Error).message).toMatch(/uid 'counter'.*--allowNonRestoredState/);

    const allowed = new StreamExecutionEnvironment({
      configuration: { 'execution.runtime': 'local', 'execution.savepoint.path': savepoint, 'execution.savepoint.ignore-unclaimed-state': true },
    });
    const rest: [number, number, number][] = [];
    build(allowed, rest, 1_000_000, false);
    await allowed.execute('without counter, allowed');
    expect(rest.length).toBeLessThan(3_000); // the source still resumed from its position
  });

  it('refuses to start from a savepoint whose _metadata is corrupt, naming the file', async () => {
    const bad = join(dir, 'savepoint-bad');
    await rm(bad, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(bad));
    await writeFile(join(bad, '_metadata'), 'not a checkpoint');
    const env = new StreamExecutionEnvironment({ configuration: { 'execution.runtime': 'local', 'execution.savepoint.path': bad } });
    build(env, [], 1_000_000);
    const error = await env.execute().catch((e: unknown) => e);
    expect((error as SluiceError).code).toBe('CHECKPOINT_INVALID');
    expect((error as Error).message).toContain(join(bad, '_metadata'));
  });
});

describe('stop with --drain', () => {
  it('ends the sources, fires every event-time timer with the maximum watermark, then takes the savepoint', async () => {
    const { KeyedProcessFunction } = await import('sluice');
    class FireAtEnd extends KeyedProcessFunction<number, number, string> {
      processElement(n: number, ctx: import('sluice').KeyedProcessContext<number>): void {
        ctx.timerService().registerEventTimeTimer(1e12 + (n % 5));
      }
      override onTimer(ts: number, ctx: import('sluice').KeyedOnTimerContext<number>, out: import('sluice').Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()}@${ts}`);
      }
    }
    const fired: string[] = [];
    const seen: number[] = [];
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromSource(
        new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY, RateLimiterStrategy.perSecond(5_000)),
        WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((n) => n),
        'numbers',
      )
      .map((n) => (seen.push(n), n))
      .keyBy((n) => n % 5)
      .process(new FireAtEnd())
      .sinkTo(arraySink(fired));
    const client = await env.executeAsync('drained');
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(20), { timeout: 10_000 });
    expect(fired).toEqual([]); // timers far in event time: nothing fires while the job runs
    const savepoint = await client.stopWithSavepoint(join(dir, 'sp'), true);
    expect(await client.getJobStatus()).toBe('FINISHED');
    expect(fired.sort()).toEqual([0, 1, 2, 3, 4].map((k) => `${k}@${1e12 + k}`));
    expect(await readdir(savepoint)).toContain('_metadata');
  });
});

describe('savepoints across state backends (canonical format)', () => {
  for (const [from, to] of [
    ['leveldb', 'hashmap'],
    ['hashmap', 'leveldb'],
  ] as const) {
    it(`a savepoint taken on ${from} resumes on ${to} with its keyed state`, async () => {
      const first: [number, number, number][] = [];
      const conf = (backend: string, extra: Record<string, string | boolean> = {}) => ({
        'execution.runtime': 'local',
        'state.backend': backend,
        'taskmanager.state.local.root-dirs': join(dir, 'local'),
        ...extra,
      });
      const env1 = new StreamExecutionEnvironment({ configuration: conf(from) });
      build(env1, first, 5_000);
      const client = await env1.executeAsync('first');
      await vi.waitFor(() => expect(first.length).toBeGreaterThan(300), { timeout: 10_000 });
      const savepoint = await client.stopWithSavepoint(join(dir, 'savepoints'));
      const second: [number, number, number][] = [];
      const env2 = new StreamExecutionEnvironment({ configuration: conf(to, { 'execution.savepoint.path': savepoint }) });
      build(env2, second, 1_000_000);
      await env2.execute('second');
      const last = new Map<number, number>();
      for (const [k, c] of second) last.set(k, c);
      expect([...last.values()]).toEqual(Array.from({ length: 10 }, () => 300));
    });
  }
});
