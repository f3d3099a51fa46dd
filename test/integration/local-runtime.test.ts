// The DataStream API end to end on the in-process runtime: sources, transformations, keyed aggregations, partitioning, sinks, job control.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DataGeneratorSource,
  FileSink,
  FileSource,
  IllegalStateError,
  JobCancellationError,
  JobExecutionError,
  JobExecutionResult,
  JobStatus,
  KeyedStream,
  DataStream,
  KeyedProcessFunction,
  ProcessFunction,
  RichFilterFunction,
  RichFlatMapFunction,
  RichMapFunction,
  StreamExecutionEnvironment,
  TextLineInputFormat,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type ProcessContext,
  type RuntimeContext,
} from 'sluice';
import { assignKeyToParallelOperator } from '../../src/state/key-group.ts';

const HEX32 = /^[0-9a-f]{32}$/;
const local = (parallelism = 1): StreamExecutionEnvironment => StreamExecutionEnvironment.createLocalEnvironment(parallelism);
const sorted = <T>(xs: T[], by: (x: T) => number | string = (x) => x as unknown as number): T[] =>
  [...xs].sort((a, b) => {
    const ka = by(a);
    const kb = by(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Tags each record with the subtask that saw it. */
class TagSubtask<T> extends RichMapFunction<T, { subtask: number; value: T }> {
  map(value: T) {
    return { subtask: this.getRuntimeContext().getIndexOfThisSubtask(), value };
  }
}

describe('sources', () => {
  it('fromElements emits the elements in order', async () => {
    expect(await local().fromElements(3, 1, 2).executeAndCollect(10)).toEqual([3, 1, 2]);
    expect(await local().fromElements('a', 'b').executeAndCollect(10)).toEqual(['a', 'b']);
  });

  it('fromCollection takes any iterable, including one larger than a poll batch', async () => {
    expect(await local().fromCollection(new Set(['x', 'y', 'z'])).executeAndCollect(10)).toEqual(['x', 'y', 'z']);
    const many = range(1, 5000);
    expect(await local().fromCollection(many).executeAndCollect(10_000)).toEqual(many);
    expect(await local().fromCollection([]).executeAndCollect(10)).toEqual([]);
  });

  it('fromSequence emits from..to inclusive, in order with parallelism 1', async () => {
    expect(await local().fromSequence(5, 12).executeAndCollect(100)).toEqual(range(5, 12));
    expect(await local().fromSequence(-2, -2).executeAndCollect(100)).toEqual([-2]);
  });

  it('fromSequence with parallelism 2 splits the range: each subtask a contiguous half, all numbers once', async () => {
    const rows = await local(2).fromSequence(1, 3000).map(new TagSubtask<number>()).executeAndCollect(10_000);
    expect(sorted(rows.map((r) => r.value))).toEqual(range(1, 3000));
    expect(sorted(rows.filter((r) => r.subtask === 0).map((r) => r.value))).toEqual(range(1, 1500));
    expect(sorted(rows.filter((r) => r.subtask === 1).map((r) => r.value))).toEqual(range(1501, 3000));
    // Within a subtask, order is kept.
    const sub1 = rows.filter((r) => r.subtask === 1).map((r) => r.value);
    expect(sub1).toEqual(range(1501, 3000));
  });

  it('fromElements stays non-parallel in a parallel environment', async () => {
    const rows = await local(3).fromElements('a', 'b', 'c').map(new TagSubtask<string>()).executeAndCollect(10);
    // One source subtask emits each element once; the parallel map behind it gets them round robin (rebalance).
    expect(sorted(rows.map((r) => r.value))).toEqual(['a', 'b', 'c']);
    expect(sorted(rows.map((r) => r.subtask))).toEqual([0, 1, 2]);
  });

  it('DataGeneratorSource (bounded) emits generator(0..count-1)', async () => {
    const env = local();
    const source = new DataGeneratorSource((i) => `rec-${i}`, 5);
    expect(await env.fromSource(source, WatermarkStrategy.noWatermarks(), 'gen').executeAndCollect(100)).toEqual([
      'rec-0',
      'rec-1',
      'rec-2',
      'rec-3',
      'rec-4',
    ]);
  });
});

describe('map / filter / flatMap', () => {
  it('accept plain functions and function objects', async () => {
    const out = await local()
      .fromSequence(1, 10)
      .map((n) => n * 10)
      .filter((n) => n % 20 === 0)
      .map({ map: (n: number) => `v${n}` })
      .filter({ filter: (s: string) => s !== 'v40' })
      .executeAndCollect(100);
    expect(out).toEqual(['v20', 'v60', 'v80', 'v100']);
  });

  it('flatMap emits zero or more records per input through the Collector', async () => {
    const out = await local()
      .fromElements('to be', '', 'or not')
      .flatMap<string>((line, collector) => {
        for (const word of line.split(' ')) if (word) collector.collect(word);
      })
      .flatMap({
        flatMap(word: string, collector: Collector<string>) {
          collector.collect(word);
          if (word === 'be') collector.collect('BE');
        },
      })
      .executeAndCollect(100);
    expect(out).toEqual(['to', 'be', 'BE', 'or', 'not']);
  });

  it('Rich filter and flatMap functions get their runtime context', async () => {
    class Odd extends RichFilterFunction<number> {
      filter(n: number) {
        return n % 2 === 1 && this.getRuntimeContext().getNumberOfParallelSubtasks() === 1;
      }
    }
    class Twice extends RichFlatMapFunction<number, number> {
      flatMap(n: number, out: Collector<number>) {
        out.collect(n);
        out.collect(n + this.getRuntimeContext().getIndexOfThisSubtask());
      }
    }
    expect(await local().fromSequence(1, 5).filter(new Odd()).flatMap(new Twice()).executeAndCollect(100)).toEqual([
      1, 1, 3, 3, 5, 5,
    ]);
  });
});

describe('function objects with #private fields in-process', () => {
  it('fail with an explanation when a further subtask of the operator shares the thread', async () => {
    class Private extends RichMapFunction<number, number> {
      #count = 0;
      map(n: number): number {
        this.#count++;
        return n + this.#count * 0;
      }
    }
    const error = await local(2)
      .fromSequence(1, 100)
      .rebalance()
      .map(new Private())
      .executeAndCollect(1_000)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/#private fields was copied for another subtask .* TypeScript 'private' fields/);
  });
});

describe('keyBy and rolling aggregations (Flink semantics)', () => {
  it('reduce emits the running reduction per key', async () => {
    const out = await local()
      .fromElements(1, 2, 3, 4, 5, 6)
      .keyBy((n) => n % 2)
      .reduce((a, b) => a + b)
      .executeAndCollect(100);
    expect(out).toEqual([1, 2, 4, 6, 9, 12]);
  });

  it('reduce accepts a ReduceFunction object and key selector object', async () => {
    const out = await local()
      .fromElements('a', 'bb', 'c', 'dd')
      .keyBy({ getKey: (s: string) => s.length })
      .reduce({ reduce: (a: string, b: string) => a + b })
      .executeAndCollect(100);
    expect(out).toEqual(['a', 'bb', 'ac', 'bbdd']);
  });

  it('sum/min/max/minBy/maxBy on a stream of numbers', async () => {
    const input = [5, 3, 8, 3, 10, 1];
    const run = (aggregate: (k: KeyedStream<number, string>) => DataStream<number>): Promise<number[]> =>
      aggregate(local().fromCollection(input).keyBy(() => 'all')).executeAndCollect(100);
    expect(await run((k) => k.sum())).toEqual([5, 8, 16, 19, 29, 30]);
    expect(await run((k) => k.min())).toEqual([5, 3, 3, 3, 3, 1]);
    expect(await run((k) => k.max())).toEqual([5, 5, 8, 8, 10, 10]);
    expect(await run((k) => k.minBy())).toEqual([5, 3, 3, 3, 3, 1]);
    expect(await run((k) => k.maxBy())).toEqual([5, 5, 8, 8, 10, 10]);
  });

  interface Reading {
    sensor: string;
    value: number;
    tag: string;
  }
  const readings: Reading[] = [
    { sensor: 'a', value: 3, tag: 'first' },
    { sensor: 'b', value: 7, tag: 'b1' },
    { sensor: 'a', value: 1, tag: 'second' },
    { sensor: 'a', value: 1, tag: 'third' },
    { sensor: 'a', value: 9, tag: 'fourth' },
    { sensor: 'a', value: 9, tag: 'fifth' },
  ];
  const readingsOf = () => local().fromCollection(readings).keyBy((r) => r.sensor);

  it('sum/min/max by field name keep the first element of the key for the other fields', async () => {
    expect(await readingsOf().sum('value').executeAndCollect(100)).toEqual([
      { sensor: 'a', value: 3, tag: 'first' },
      { sensor: 'b', value: 7, tag: 'b1' },
      { sensor: 'a', value: 4, tag: 'first' },
      { sensor: 'a', value: 5, tag: 'first' },
      { sensor: 'a', value: 14, tag: 'first' },
      { sensor: 'a', value: 23, tag: 'first' },
    ]);
    expect(await readingsOf().min('value').executeAndCollect(100)).toEqual([
      { sensor: 'a', value: 3, tag: 'first' },
      { sensor: 'b', value: 7, tag: 'b1' },
      { sensor: 'a', value: 1, tag: 'first' },
      { sensor: 'a', value: 1, tag: 'first' },
      { sensor: 'a', value: 1, tag: 'first' },
      { sensor: 'a', value: 1, tag: 'first' },
    ]);
    expect(await readingsOf().max('value').executeAndCollect(100)).toEqual([
      { sensor: 'a', value: 3, tag: 'first' },
      { sensor: 'b', value: 7, tag: 'b1' },
      { sensor: 'a', value: 3, tag: 'first' },
      { sensor: 'a', value: 3, tag: 'first' },
      { sensor: 'a', value: 9, tag: 'first' },
      { sensor: 'a', value: 9, tag: 'first' },
    ]);
  });

  it('minBy/maxBy by field name return the whole element, the first one on ties', async () => {
    expect((await readingsOf().minBy('value').executeAndCollect(100)).map((r) => r.tag)).toEqual([
      'first',
      'b1',
      'second',
      'second', // tie with 'third': the first stays
      'second',
      'second',
    ]);
    expect((await readingsOf().maxBy('value').executeAndCollect(100)).map((r) => r.tag)).toEqual([
      'first',
      'b1',
      'first',
      'first',
      'fourth',
      'fourth', // tie with 'fifth': the first stays
    ]);
    // first = false takes the last on ties, as Flink's minBy(field, false).
    expect((await readingsOf().maxBy('value', false).executeAndCollect(100)).map((r) => r.tag)).toEqual([
      'first',
      'b1',
      'first',
      'first',
      'fourth',
      'fifth',
    ]);
  });

  it('aggregations by tuple position', async () => {
    const tuples: [string, number, string][] = [
      ['k', 2, 'x'],
      ['k', 5, 'y'],
      ['j', 1, 'z'],
      ['k', 5, 'w'],
      ['k', 0, 'v'],
    ];
    const byKey = () => local().fromCollection(tuples).keyBy((t) => t[0]);
    expect(await byKey().sum(1).executeAndCollect(100)).toEqual([
      ['k', 2, 'x'],
      ['k', 7, 'x'],
      ['j', 1, 'z'],
      ['k', 12, 'x'],
      ['k', 12, 'x'],
    ]);
    expect(await byKey().max(1).executeAndCollect(100)).toEqual([
      ['k', 2, 'x'],
      ['k', 5, 'x'],
      ['j', 1, 'z'],
      ['k', 5, 'x'],
      ['k', 5, 'x'],
    ]);
    expect(await byKey().min(1).executeAndCollect(100)).toEqual([
      ['k', 2, 'x'],
      ['k', 2, 'x'],
      ['j', 1, 'z'],
      ['k', 2, 'x'],
      ['k', 0, 'x'],
    ]);
    expect(await byKey().maxBy(1).executeAndCollect(100)).toEqual([
      ['k', 2, 'x'],
      ['k', 5, 'y'],
      ['j', 1, 'z'],
      ['k', 5, 'y'],
      ['k', 5, 'y'],
    ]);
    expect(await byKey().minBy(1).executeAndCollect(100)).toEqual([
      ['k', 2, 'x'],
      ['k', 2, 'x'],
      ['j', 1, 'z'],
      ['k', 2, 'x'],
      ['k', 0, 'v'],
    ]);
  });

  it('does not modify the input elements', async () => {
    const input = [
      { k: 1, v: 1 },
      { k: 1, v: 2 },
    ];
    await local().fromCollection(input).keyBy((e) => e.k).sum('v').executeAndCollect(10);
    expect(input).toEqual([
      { k: 1, v: 1 },
      { k: 1, v: 2 },
    ]);
  });

  it('fails the job when the aggregated field is not a number', async () => {
    const error = await local()
      .fromElements({ k: 'a', v: 'nope' as unknown as number })
      .keyBy((e) => e.k)
      .sum('v')
      .executeAndCollect(10)
      .then(
        // A single element is emitted as it is (no reduction yet); a second one must fail.
        () => local().fromElements({ k: 'a', v: 1 }, { k: 'a', v: 'x' as unknown as number }).keyBy((e) => e.k).sum('v').executeAndCollect(10),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toMatch(/field 'v' to be a number/);
  });

  it('keyed sums are per key across parallel subtasks, each key on the subtask its key group maps to', async () => {
    const env = local(3);
    const rows = await env
      .fromSequence(1, 600)
      .keyBy((n) => n % 7)
      .map(new TagSubtask<number>())
      .executeAndCollect(10_000);
    expect(sorted(rows.map((r) => r.value))).toEqual(range(1, 600));
    for (const { subtask, value } of rows) expect(subtask).toBe(assignKeyToParallelOperator(value % 7, 128, 3));

    const sums = await local(3)
      .fromSequence(1, 600)
      .map((n) => [n % 7, n] as [number, number])
      .keyBy((t) => t[0])
      .sum(1)
      .executeAndCollect(10_000);
    expect(sums).toHaveLength(600);
    // Per key, the running sums rise strictly and end at the key's total.
    const finals = new Map<number, number>();
    for (const [k, s] of sums) {
      expect(s).toBeGreaterThan(finals.get(k) ?? 0);
      finals.set(k, s);
    }
    const totals = new Map<number, number>();
    for (const n of range(1, 600)) totals.set(n % 7, (totals.get(n % 7) ?? 0) + n);
    expect(finals).toEqual(totals);
  });
});

describe('process functions', () => {
  it('ProcessFunction: ctx.timestamp() is null without timestamps, the record timestamp with them', async () => {
    class Describe extends ProcessFunction<number, string> {
      processElement(n: number, ctx: ProcessContext, out: Collector<string>) {
        out.collect(`${n}@${ctx.timestamp()}`);
        if (n === 2) out.collect('extra');
      }
    }
    expect(await local().fromElements(1, 2).process(new Describe()).executeAndCollect(10)).toEqual([
      '1@null',
      '2@null',
      'extra',
    ]);
    const withTs = local().fromSource(
      new DataGeneratorSource((i) => i + 1, 3),
      WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((n) => n * 1000),
      'timed',
    );
    expect(await withTs.process(new Describe()).executeAndCollect(10)).toEqual(['1@1000', '2@2000', 'extra', '3@3000']);
  });

  it('ProcessFunction on a non-keyed stream has no current key', async () => {
    class AskKey extends ProcessFunction<number, number> {
      processElement(n: number, ctx: ProcessContext, out: Collector<number>) {
        (ctx as unknown as KeyedProcessContext<number>).getCurrentKey();
        out.collect(n);
      }
    }
    const error = await local().fromElements(1).process(new AskKey()).executeAndCollect(10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toContain('keyBy()');
  });

  it('KeyedProcessFunction: ctx.getCurrentKey() is the key of the current record', async () => {
    class WithKey extends KeyedProcessFunction<string, string, string> {
      processElement(word: string, ctx: KeyedProcessContext<string>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()}:${word}:${ctx.timestamp()}`);
      }
    }
    const out = await local()
      .fromElements('apple', 'avocado', 'banana', 'blueberry', 'cherry')
      .keyBy((w) => w[0]!)
      .process(new WithKey())
      .executeAndCollect(10);
    expect(out).toEqual(['a:apple:null', 'a:avocado:null', 'b:banana:null', 'b:blueberry:null', 'c:cherry:null']);
  });
});

describe('union', () => {
  it('merges streams of the same environment; each input keeps its order', async () => {
    const env = local();
    const a = env.fromElements(1, 2, 3);
    const b = env.fromElements(10, 20);
    const c = env.fromSequence(100, 102);
    const out = await a.union(b, c).map((n) => n + 1).executeAndCollect(100);
    expect(sorted(out)).toEqual([2, 3, 4, 11, 21, 101, 102, 103]);
    expect(out.filter((n) => n < 10)).toEqual([2, 3, 4]);
    expect(out.filter((n) => n > 10 && n < 100)).toEqual([11, 21]);
  });

  it('refuses streams of another environment', () => {
    const a = local().fromElements(1);
    const b = local().fromElements(2);
    expect(() => a.union(b)).toThrow(/same StreamExecutionEnvironment/);
  });
});

describe('partitioning (which subtask gets what)', () => {
  const P = 3;
  const tagged = async <T>(build: (env: StreamExecutionEnvironment) => { map: (f: TagSubtask<T>) => { executeAndCollect(n: number): Promise<{ subtask: number; value: T }[]> } }) =>
    build(local(P)).map(new TagSubtask<T>()).executeAndCollect(10_000);
  const nine = range(1, 9);

  it('broadcast delivers every record to every subtask', async () => {
    const rows = await tagged<number>((env) => env.fromCollection(nine).broadcast());
    expect(rows).toHaveLength(27);
    for (let s = 0; s < P; s++) expect(rows.filter((r) => r.subtask === s).map((r) => r.value)).toEqual(nine);
  });

  it('global sends everything to subtask 0', async () => {
    const rows = await tagged<number>((env) => env.fromSequence(1, 90).global());
    expect(sorted(rows.map((r) => r.value))).toEqual(range(1, 90));
    expect(new Set(rows.map((r) => r.subtask))).toEqual(new Set([0]));
  });

  it('rebalance deals records round robin', async () => {
    const rows = await tagged<number>((env) => env.fromCollection(nine).rebalance());
    const bySubtask = new Map<number, number[]>();
    for (const r of rows) bySubtask.set(r.subtask, [...(bySubtask.get(r.subtask) ?? []), r.value]);
    expect(bySubtask.size).toBe(P);
    for (const values of bySubtask.values()) {
      expect(values).toHaveLength(3);
      // Consecutive records of a subtask are P apart.
      expect(values[1]! - values[0]!).toBe(P);
      expect(values[2]! - values[1]!).toBe(P);
    }
  });

  it('rescale from one producer deals round robin over its consumers', async () => {
    const rows = await tagged<number>((env) => env.fromCollection(nine).rescale());
    expect(sorted(rows.map((r) => r.value))).toEqual(nine);
    const counts = [0, 1, 2].map((s) => rows.filter((r) => r.subtask === s).length);
    expect(counts).toEqual([3, 3, 3]);
  });

  it('shuffle delivers every record exactly once to some subtask', async () => {
    const rows = await tagged<number>((env) => env.fromSequence(1, 300).shuffle());
    expect(sorted(rows.map((r) => r.value))).toEqual(range(1, 300));
    for (const r of rows) expect(r.subtask).toBeGreaterThanOrEqual(0);
    for (const r of rows) expect(r.subtask).toBeLessThan(P);
    expect(new Set(rows.map((r) => r.subtask)).size).toBeGreaterThan(1);
  });

  it('forward keeps each record on the subtask that produced it', async () => {
    const rows = await tagged<number>((env) => env.fromSequence(1, 30).forward());
    expect(sorted(rows.filter((r) => r.subtask === 0).map((r) => r.value))).toEqual(range(1, 10));
    expect(sorted(rows.filter((r) => r.subtask === 1).map((r) => r.value))).toEqual(range(11, 20));
    expect(sorted(rows.filter((r) => r.subtask === 2).map((r) => r.value))).toEqual(range(21, 30));
  });

  it('partitionCustom sends each record where the partitioner says', async () => {
    const rows = await tagged<{ id: number }>((env) =>
      env.fromCollection(nine.map((id) => ({ id }))).partitionCustom((key: number, n) => (key * 2) % n, (e) => e.id),
    );
    expect(rows).toHaveLength(9);
    for (const r of rows) expect(r.subtask).toBe((r.value.id * 2) % P);
    // A Partitioner object works too.
    const rows2 = await tagged<number>((env) => env.fromCollection(nine).partitionCustom({ partition: () => 2 }, (n) => n));
    expect(rows2.map((r) => r.subtask)).toEqual(nine.map(() => 2));
  });

  it('partitionCustom out of range fails the job', async () => {
    const error = await tagged<number>((env) => env.fromCollection(nine).partitionCustom(() => 7, (n) => n)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toContain('custom partitioner returned 7');
  });
});

describe('Rich functions', () => {
  it('open before the first record, close after the last; operators open tail first and close head first', async () => {
    const events: string[] = [];
    class Step extends RichMapFunction<number, number> {
      constructor(private readonly label: string) {
        super();
      }
      override open() {
        events.push(`open ${this.label}`);
      }
      map(n: number) {
        events.push(`${this.label}(${n})`);
        return n;
      }
      override close() {
        events.push(`close ${this.label}`);
      }
    }
    const out = await local().fromElements(1, 2).map(new Step('A')).map(new Step('B')).executeAndCollect(10);
    expect(out).toEqual([1, 2]);
    expect(events).toEqual(['open B', 'open A', 'A(1)', 'B(1)', 'A(2)', 'B(2)', 'close A', 'close B']);
  });

  it('awaits an async open before records flow', async () => {
    let ready = false;
    class Slow extends RichMapFunction<number, boolean> {
      override async open() {
        await new Promise((resolve) => setImmediate(resolve));
        ready = true;
      }
      map() {
        return ready;
      }
    }
    expect(await local().fromElements(1, 2).map(new Slow()).executeAndCollect(10)).toEqual([true, true]);
  });

  it('see their runtime context: task name, subtask index, parallelism, attempt 0, job id', async () => {
    const contexts: { name: string; withSubtasks: string; index: number; parallelism: number; max: number; attempt: number; jobId: string }[] = [];
    class Capture extends RichMapFunction<number, number> {
      override open() {
        const rc: RuntimeContext = this.getRuntimeContext();
        contexts.push({
          name: rc.getTaskName(),
          withSubtasks: rc.getTaskNameWithSubtasks(),
          index: rc.getIndexOfThisSubtask(),
          parallelism: rc.getNumberOfParallelSubtasks(),
          max: rc.getMaxNumberOfParallelSubtasks(),
          attempt: rc.getAttemptNumber(),
          jobId: rc.getJobId(),
        });
        expect(rc.getLogger()).toBeDefined();
      }
      map(n: number) {
        return n;
      }
    }
    const env = local(2);
    const client = env.fromSequence(1, 10).map(new Capture()).name('Capture').disableChaining().sinkTo({
      createWriter: () => ({ write() {}, flush() {}, close() {} }),
    });
    expect(client).toBeDefined();
    const result = await env.execute('ctx job');
    expect(contexts).toHaveLength(2);
    expect(sorted(contexts.map((c) => c.index))).toEqual([0, 1]);
    for (const c of contexts) {
      expect(c.name).toContain('Capture');
      expect(c.withSubtasks).toBe(`${c.name} (${c.index + 1}/2)#0`);
      expect(c.parallelism).toBe(2);
      expect(c.max).toBe(128);
      expect(c.attempt).toBe(0);
      expect(c.jobId).toMatch(HEX32);
      expect(c.jobId).toBe(result.getJobID());
    }
  });

  it('getRuntimeContext() outside a running task says when it is available', () => {
    expect(() => new TagSubtask<number>().getRuntimeContext()).toThrow(/only available once the function runs/);
  });
});

describe('print sinks', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  /** Captures what is written to the stream; `lines()` are the non-empty lines (flush writes '' to wait). */
  const capture = (stream: NodeJS.WriteStream): { lines: () => string[] } => {
    const written: string[] = [];
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(String(chunk));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof stream.write);
    return { lines: () => written.join('').split('\n').filter((l) => l !== '') };
  };

  it('print() writes one line per record without a prefix at parallelism 1', async () => {
    const stdout = capture(process.stdout);
    const env = local();
    env.fromElements('plain', 'text').print();
    env.fromElements({ a: 1 }, [1, 'x'], 5n as unknown as object).print();
    await env.execute();
    const out = stdout.lines();
    expect(out.filter((l) => l === 'plain' || l === 'text')).toEqual(['plain', 'text']);
    expect(sorted(out)).toEqual(sorted(['plain', 'text', '{"a":1}', '[1,"x"]', '5']));
  });

  it('print() prefixes "N> " with the subtask (1-based) when the sink is parallel', async () => {
    const stdout = capture(process.stdout);
    const env = local(2);
    env.fromElements('a', 'b', 'c', 'd').rebalance().print();
    await env.execute();
    const out = stdout.lines();
    expect(out).toHaveLength(4);
    for (const line of out) expect(line).toMatch(/^[12]> [abcd]$/);
    expect(sorted(out.map((l) => l.slice(3)))).toEqual(['a', 'b', 'c', 'd']);
    expect(out.filter((l) => l.startsWith('1> '))).toHaveLength(2);
    expect(out.filter((l) => l.startsWith('2> '))).toHaveLength(2);
  });

  it('print(identifier) prefixes the identifier; printToErr writes to stderr', async () => {
    const stdout = capture(process.stdout);
    const stderr = capture(process.stderr);
    const env = local(2);
    env.fromElements(1).print('one').setParallelism(1);
    env.fromElements(3, 4).rebalance().print('par');
    env.fromElements(2).printToErr().setParallelism(1);
    env.fromElements(5, 6).rebalance().printToErr();
    await env.execute();
    const out = stdout.lines();
    expect(out.filter((l) => !l.startsWith('par:'))).toEqual(['one> 1']);
    const par = out.filter((l) => l.startsWith('par:'));
    expect(par).toHaveLength(2);
    for (const l of par) expect(l).toMatch(/^par:[12]> [34]$/);
    expect(new Set(par.map((l) => l.slice(0, 5))).size).toBe(2);
    const err = stderr.lines();
    expect(err.filter((l) => !l.includes('> '))).toEqual(['2']);
    const prefixed = err.filter((l) => l.includes('> '));
    expect(sorted(prefixed.map((l) => l.slice(3)))).toEqual(['5', '6']);
    for (const l of prefixed) expect(l).toMatch(/^[12]> [56]$/);
  });
});

describe('executeAndCollect and job control', () => {
  it('executeAndCollect(limit) stops an unbounded job after `limit` records', async () => {
    const env = local();
    let closed = false;
    class Watch extends RichMapFunction<number, number> {
      map(n: number) {
        return n;
      }
      override close() {
        closed = true;
      }
    }
    const out = await env
      .fromSource(new DataGeneratorSource((i) => i, Infinity), WatermarkStrategy.noWatermarks(), 'endless')
      .map(new Watch())
      .executeAndCollect(5);
    expect(out).toEqual([0, 1, 2, 3, 4]);
    // The job was cancelled before the promise resolved: its tasks are closed.
    expect(closed).toBe(true);
  });

  it('executeAndCollect(0) returns [] and still ends the job', async () => {
    let closed = false;
    class Watch extends RichMapFunction<number, number> {
      map(n: number) {
        return n;
      }
      override close() {
        closed = true;
      }
    }
    const out = await local()
      .fromSource(new DataGeneratorSource((i) => i, Infinity), WatermarkStrategy.noWatermarks(), 'endless')
      .map(new Watch())
      .executeAndCollect(0);
    expect(out).toEqual([]);
    expect(closed).toBe(true);
  });

  it('rejects a negative or fractional limit', () => {
    expect(() => local().fromElements(1).executeAndCollect(-1)).toThrow(/whole number >= 0/);
    expect(() => local().fromElements(1).executeAndCollect(1.5)).toThrow(/whole number >= 0/);
  });

  it('executeAndCollect() iterates a bounded job to its end', async () => {
    const it = local().fromSequence(1, 2500).map((n) => n * 2).executeAndCollect();
    const out: number[] = [];
    for await (const n of it) out.push(n);
    expect(out).toEqual(range(1, 2500).map((n) => n * 2));
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it("executeAndCollect(): breaking out of the loop (the iterator's return()) cancels the job", async () => {
    let closed = false;
    class Watch extends RichMapFunction<number, number> {
      map(n: number) {
        return n;
      }
      override close() {
        closed = true;
      }
    }
    const it = local()
      .fromSource(new DataGeneratorSource((i) => i, Infinity), WatermarkStrategy.noWatermarks(), 'endless')
      .map(new Watch())
      .executeAndCollect('endless job');
    const out: number[] = [];
    for await (const n of it) {
      out.push(n);
      if (out.length === 3) break;
    }
    expect(out).toEqual([0, 1, 2]);
    expect(closed).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(await it.return!()).toEqual({ done: true, value: undefined });
  });

  it('executeAndCollect(): return() before next() starts nothing', async () => {
    let opened = false;
    class Watch extends RichMapFunction<number, number> {
      override open() {
        opened = true;
      }
      map(n: number) {
        return n;
      }
    }
    const it = local().fromElements(1).map(new Watch()).executeAndCollect();
    expect(await it.return!()).toEqual({ done: true, value: undefined });
    expect(opened).toBe(false);
  });

  it('executeAndCollect() surfaces a job failure from next()', async () => {
    const it = local()
      .fromSequence(1, 10)
      .map((n) => {
        if (n === 4) throw new Error('boom at 4');
        return n;
      })
      .executeAndCollect();
    const error = await (async () => {
      for await (const _ of it);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toContain('boom at 4');
  });

  it('executeAsync + cancel(): an unbounded job ends CANCELED and its result rejects with JobCancellationError', async () => {
    const env = local(2);
    let seen = 0;
    env
      .fromSource(new DataGeneratorSource((i) => i, Infinity), WatermarkStrategy.noWatermarks(), 'endless')
      .map((n) => {
        seen++;
        return n;
      })
      .sinkTo({ createWriter: () => ({ write() {}, flush() {}, close() {} }) });
    const client = await env.executeAsync('cancel me');
    expect(client.getJobID()).toMatch(HEX32);
    expect(await client.getJobStatus()).toBe(JobStatus.RUNNING);
    await vi.waitFor(() => expect(seen).toBeGreaterThan(1000));
    await client.cancel();
    expect(await client.getJobStatus()).toBe(JobStatus.CANCELED);
    const error = await client.getJobExecutionResult().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobCancellationError);
    expect((error as JobCancellationError).code).toBe('JOB_CANCELLED');
    expect((error as JobCancellationError).jobId).toBe(client.getJobID());
    expect((error as Error).message).toContain('cancel me');
    // Cancelling again is harmless.
    await client.cancel();
    expect(await client.getJobStatus()).toBe(JobStatus.CANCELED);
    const after = seen;
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toBe(after);
  });

  it('execute() resolves with a JobExecutionResult whose job id is 32 hex digits', async () => {
    const env = local();
    env.fromSequence(1, 100).sinkTo({ createWriter: () => ({ write() {}, flush() {}, close() {} }) });
    const result = await env.execute('finishing job');
    expect(result).toBeInstanceOf(JobExecutionResult);
    expect(result.getJobID()).toMatch(HEX32);
    expect(result.getNetRuntime()).toBeGreaterThanOrEqual(0);
  });

  it('executeAsync on a bounded job ends FINISHED', async () => {
    const env = local();
    env.fromSequence(1, 100).sinkTo({ createWriter: () => ({ write() {}, flush() {}, close() {} }) });
    const client = await env.executeAsync();
    const result = await client.getJobExecutionResult();
    expect(result.getJobID()).toBe(client.getJobID());
    expect(await client.getJobStatus()).toBe(JobStatus.FINISHED);
  });

  it('a user exception fails the job with a JobExecutionError naming the operator', async () => {
    class BadRecord extends Error {
      override name = 'BadRecord';
    }
    const env = local(2);
    env
      .fromSequence(1, 1000)
      .map((n) => n)
      .rebalance()
      .map((n) => {
        if (n === 500) throw new BadRecord(`cannot take ${n}`);
        return n;
      })
      .name('Picky')
      .sinkTo({ createWriter: () => ({ write() {}, flush() {}, close() {} }) });
    const error = await env.execute('failing job').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    const e = error as JobExecutionError;
    expect(e.code).toBe('JOB_FAILED');
    expect(e.jobId).toMatch(HEX32);
    expect(e.message).toContain("operator 'Picky'");
    expect(e.message).toContain('BadRecord: cannot take 500');
    expect(e.message).toContain('failing job');
    expect(e.cause).toBeInstanceOf(BadRecord);
  });

  it('a failing sink writer fails the job too', async () => {
    const env = local();
    env.fromElements(1, 2).sinkTo({
      createWriter: () => ({
        write(n: number) {
          if (n === 2) throw new Error('disk full');
        },
        flush() {},
        close() {},
      }),
    }).name('Broken Sink');
    const error = await env.execute().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toContain('disk full');
    expect((error as Error).message).toContain('Broken Sink');
  });

  it('a job without operators is refused with a clear error', async () => {
    const error = await local().execute().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IllegalStateError);
    expect((error as Error).message).toBe('No operators defined in streaming topology. Cannot execute.');
  });

  it('an environment can run a second job after the first', async () => {
    const env = local();
    expect(await env.fromElements(1).executeAndCollect(10)).toEqual([1]);
    expect(await env.fromElements(2).executeAndCollect(10)).toEqual([2]);
    // The first job's operators were consumed by its execution.
    await expect(env.execute()).rejects.toThrow(/No operators defined/);
  });
});

describe('end of stream with files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-local-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const readAll = (d: string): string[] =>
    fs
      .readdirSync(d)
      .flatMap((f) => fs.readFileSync(path.join(d, f), 'utf8').split('\n'))
      .filter((l) => l !== '');

  it('a FileSink job writes exactly the expected lines into visible part files', async () => {
    const out = path.join(dir, 'out');
    const env = local(2);
    env
      .fromSequence(1, 500)
      .map((n) => `line ${n}`)
      .sinkTo(FileSink.forRowFormat<string>(out).build());
    await env.execute('file sink job');
    const files = fs.readdirSync(out).sort();
    expect(files.filter((f) => f.startsWith('.') || f.endsWith('.inprogress'))).toEqual([]);
    expect(files).toEqual(['part-0-0', 'part-1-0']);
    expect(fs.readFileSync(path.join(out, 'part-0-0'), 'utf8')).toBe(range(1, 250).map((n) => `line ${n}\n`).join(''));
    expect(fs.readFileSync(path.join(out, 'part-1-0'), 'utf8')).toBe(range(251, 500).map((n) => `line ${n}\n`).join(''));
  });

  it('DataGeneratorSource -> map -> FileSink, then FileSource reads the same lines back', async () => {
    const out = path.join(dir, 'round-trip');
    const write = local(2);
    write
      .fromSource(new DataGeneratorSource((i) => ({ i, word: `w${i}` }), 300), WatermarkStrategy.noWatermarks(), 'gen')
      .map((r) => `${r.i},${r.word},ü`)
      .sinkTo(FileSink.forRowFormat<string>(out).build());
    await write.execute('write');
    expect(fs.readdirSync(out).every((f) => !f.startsWith('.'))).toBe(true);
    expect(sorted(readAll(out))).toEqual(sorted(range(0, 299).map((i) => `${i},w${i},ü`)));

    const read = local(2);
    const lines = await read
      .fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), out).build(), WatermarkStrategy.noWatermarks(), 'files')
      .executeAndCollect(10_000);
    expect(sorted(lines)).toEqual(sorted(range(0, 299).map((i) => `${i},w${i},ü`)));
  });
});
