// TimestampsAndWatermarksOperator on the harness: timestamps, periodic watermarks on virtual processing time,
// upstream watermarks and idleness, end of input.
import { describe, expect, it } from 'vitest';
import { ExecutionConfig } from '../../../src/api/execution-config.ts';
import { SourceOperator } from '../../../src/api/operators/source-operator.ts';
import {
  TimestampsAndWatermarksOperator,
  WatermarkEmitter,
} from '../../../src/api/operators/timestamps-and-watermarks-operator.ts';
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceSplit } from '../../../src/api/source.ts';
import { WatermarkStrategy } from '../../../src/api/watermark-strategy.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { AbstractStreamOperatorTestHarness, OneInputStreamOperatorTestHarness } from '../../../src/testing/index.ts';

interface Event {
  id: string;
  at: number;
}

const MAX = Number.POSITIVE_INFINITY;

async function harnessFor<T>(strategy: WatermarkStrategy<T>, intervalMs = 100, initialProcessingTime = 0) {
  const configuration = new Configuration();
  new ExecutionConfig(configuration).setAutoWatermarkInterval(intervalMs);
  const harness = new OneInputStreamOperatorTestHarness<T, T>(new TimestampsAndWatermarksOperator(strategy), {
    configuration,
    initialProcessingTime,
  });
  await harness.open();
  return harness;
}

const byTime = WatermarkStrategy.forBoundedOutOfOrderness<Event>(10).withTimestampAssigner((e) => e.at);

describe('TimestampsAndWatermarksOperator', () => {
  it('gives each record the timestamp its assigner extracts, passing the record timestamp it had', async () => {
    const seen: number[] = [];
    const h = await harnessFor(
      WatermarkStrategy.noWatermarks<Event>().withTimestampAssigner((e, recordTs) => {
        seen.push(recordTs);
        return e.at;
      }),
    );
    h.processElement({ id: 'a', at: 5 }, 99);
    h.processElement({ id: 'b', at: 7 });
    expect(h.extractOutputRecords()).toEqual([
      { value: { id: 'a', at: 5 }, timestamp: 5 },
      { value: { id: 'b', at: 7 }, timestamp: 7 },
    ]);
    expect(seen).toEqual([99, Number.NEGATIVE_INFINITY]);
  });

  it('keeps the record timestamp without an assigner', async () => {
    const h = await harnessFor(WatermarkStrategy.forMonotonousTimestamps<string>());
    h.processElement('a', 40);
    h.processElement('b');
    h.setProcessingTime(100);
    expect(h.extractOutputRecords()).toEqual([
      { value: 'a', timestamp: 40 },
      { value: 'b', timestamp: undefined },
    ]);
    expect(h.extractWatermarks()).toEqual([39]);
  });

  it('emits watermarks every auto-watermark interval of processing time, re-registering after each', async () => {
    const h = await harnessFor(byTime, 100, 1_000);
    h.processElement({ id: 'a', at: 500 });
    h.setProcessingTime(1_099);
    expect(h.extractWatermarks()).toEqual([]);
    h.setProcessingTime(1_100);
    expect(h.extractWatermarks()).toEqual([489]);
    h.processElement({ id: 'b', at: 700 });
    h.setProcessingTime(1_150);
    expect(h.extractWatermarks()).toEqual([489]);
    h.setProcessingTime(1_200);
    expect(h.extractWatermarks()).toEqual([489, 689]);
    expect(h.processingTimeService.numActiveTimers()).toBe(1);
    // In order: the record, then the watermark it allowed.
    expect(h.getOutput().map((e) => e.kind)).toEqual(['record', 'watermark', 'record', 'watermark']);
  });

  it('emits only watermarks that advance', async () => {
    const h = await harnessFor(byTime);
    h.processElement({ id: 'a', at: 1_000 });
    h.setProcessingTime(100);
    h.processElement({ id: 'late', at: 200 }); // out of order: the maximum stays 1000
    h.setProcessingTime(200);
    h.setProcessingTime(300);
    h.processElement({ id: 'b', at: 1_005 });
    h.setProcessingTime(400);
    expect(h.extractWatermarks()).toEqual([989, 994]);
  });

  it('reads the interval set with ExecutionConfig.setAutoWatermarkInterval; 0 turns periodic emission off', async () => {
    const every50 = await harnessFor(byTime, 50);
    every50.processElement({ id: 'a', at: 100 });
    every50.setProcessingTime(50);
    expect(every50.extractWatermarks()).toEqual([89]);

    const punctuated = WatermarkStrategy.forGenerator<Event>(() => ({
      onEvent: (e, ts, out) => {
        if (e.id === 'mark') out.emitWatermark(ts);
      },
      onPeriodicEmit: (out) => out.emitWatermark(1e9),
    })).withTimestampAssigner((e) => e.at);
    const off = await harnessFor(punctuated, 0);
    expect(off.processingTimeService.numActiveTimers()).toBe(0);
    off.processElement({ id: 'x', at: 10 });
    off.processElement({ id: 'mark', at: 20 });
    off.setProcessingTime(10_000);
    // Punctuated watermarks still flow, after the record that carried them; no periodic one.
    expect(off.getOutput()).toEqual([
      { kind: 'record', value: { id: 'x', at: 10 }, timestamp: 10 },
      { kind: 'record', value: { id: 'mark', at: 20 }, timestamp: 20 },
      { kind: 'watermark', timestamp: 20 },
    ]);
  });

  it('swallows upstream watermarks and idleness but forwards the final maximum watermark once', async () => {
    const h = await harnessFor(byTime);
    h.processWatermark(5_000);
    h.processWatermarkStatus(true);
    h.processWatermarkStatus(false);
    h.processElement({ id: 'a', at: 100 });
    h.setProcessingTime(100);
    h.processWatermark(6_000);
    h.processWatermark(MAX);
    h.processWatermark(MAX);
    expect(h.getOutput().filter((e) => e.kind !== 'record')).toEqual([
      { kind: 'watermark', timestamp: 89 },
      { kind: 'watermark', timestamp: MAX },
    ]);
    // After the end of event time periodic emission has nothing left to say.
    h.processElement({ id: 'b', at: 900 });
    h.setProcessingTime(200);
    expect(h.extractWatermarks()).toEqual([89, MAX]);
  });

  it('at the end of input asks the generator once more, emits the maximum watermark and stops its timer', async () => {
    const h = await harnessFor(byTime);
    h.processElement({ id: 'a', at: 300 });
    await h.endInput();
    expect(h.extractWatermarks()).toEqual([289, MAX]);
    expect(h.processingTimeService.numActiveTimers()).toBe(0);
    await h.close();
  });

  it('goes idle when its idleness generator says so, and active again before the next record', async () => {
    const h = await harnessFor(byTime.withIdleness(300));
    h.processElement({ id: 'a', at: 1_000 });
    for (let t = 100; t <= 500; t += 100) h.setProcessingTime(t);
    // 100: activity; 200: countdown starts; 500: exactly 300 later, still active.
    expect(h.getOutput().filter((e) => e.kind === 'status')).toEqual([]);
    h.setProcessingTime(600);
    h.setProcessingTime(700);
    h.setProcessingTime(800);
    expect(h.getOutput().filter((e) => e.kind !== 'record')).toEqual([
      { kind: 'watermark', timestamp: 989 },
      { kind: 'status', idle: true },
    ]);
    h.clearOutput();
    h.processElement({ id: 'b', at: 2_000 });
    h.setProcessingTime(900);
    expect(h.getOutput()).toEqual([
      { kind: 'status', idle: false },
      { kind: 'record', value: { id: 'b', at: 2_000 }, timestamp: 2_000 },
      { kind: 'watermark', timestamp: 1_989 },
    ]);
  });

  it('turns active before the final maximum watermark when idle at the end', async () => {
    const h = await harnessFor(byTime.withIdleness(100));
    for (let t = 100; t <= 400; t += 100) h.setProcessingTime(t);
    expect(h.getOutput()).toEqual([{ kind: 'status', idle: true }]);
    h.processWatermark(MAX);
    expect(h.getOutput()).toEqual([
      { kind: 'status', idle: true },
      { kind: 'status', idle: false },
      { kind: 'watermark', timestamp: MAX },
    ]);
  });
});

describe('WatermarkEmitter', () => {
  it('passes on advancing watermarks only, announces idleness once and activity before the next watermark', () => {
    const out: (number | string)[] = [];
    const emitter = new WatermarkEmitter({
      collect() {},
      collectSide() {},
      emitWatermark: (ts) => out.push(ts),
      emitWatermarkStatus: (idle) => out.push(idle ? 'idle' : 'active'),
      emitLatencyMarker() {},
    });
    emitter.emitWatermark(10);
    emitter.emitWatermark(10);
    emitter.emitWatermark(5);
    emitter.markIdle();
    emitter.markIdle();
    emitter.emitWatermark(8); // not advancing: stays idle, as in Flink
    emitter.emitWatermark(20);
    emitter.markActive();
    expect(out).toEqual([10, 'idle', 'active', 20]);
    expect(emitter.currentWatermark).toBe(20);
  });
});

/** A source reader the test feeds by hand: `pollNext` emits what was queued. */
class QueueReader implements SourceReader<Event> {
  static readonly queue: Event[] = [];
  addSplits(): void {}
  pollNext(output: ReaderOutput<Event>): InputStatus {
    for (const e of QueueReader.queue.splice(0)) output.collect(e);
    return 'NOTHING_AVAILABLE';
  }
  isAvailable(): Promise<void> {
    return new Promise(() => {});
  }
  snapshotState(): SourceSplit[] {
    return [];
  }
}

const queueSource: Source<Event> = {
  getBoundedness: () => 'CONTINUOUS_UNBOUNDED',
  enumerateSplits: () => [],
  createReader: () => new QueueReader(),
};

class SourceHarness extends AbstractStreamOperatorTestHarness<Event> {
  constructor(readonly source: SourceOperator<Event>) {
    super(source, []);
  }
}

describe('SourceOperator event time', () => {
  it('marks an idle source idle once; a record turns it active first, then comes the record', async () => {
    const h = new SourceHarness(new SourceOperator(queueSource, byTime.withIdleness(100)));
    await h.open();
    const tick = (t: number) => {
      h.setProcessingTime(t);
      h.source.emitNext();
      h.source.emitPeriodicWatermark();
    };
    QueueReader.queue.push({ id: 'a', at: 500 });
    tick(0); // activity: 500 - 10 - 1
    tick(50); // countdown starts
    tick(150); // exactly 100: not yet
    tick(151); // idle
    tick(400); // announced once
    QueueReader.queue.push({ id: 'b', at: 600 });
    h.source.emitNext();
    tick(450);
    await h.endInput();
    expect(h.getOutput()).toEqual([
      { kind: 'record', value: { id: 'a', at: 500 }, timestamp: 500 },
      { kind: 'watermark', timestamp: 489 },
      { kind: 'status', idle: true },
      { kind: 'status', idle: false },
      { kind: 'record', value: { id: 'b', at: 600 }, timestamp: 600 },
      { kind: 'watermark', timestamp: 589 },
      { kind: 'watermark', timestamp: MAX },
    ]);
  });

  it('turns an idle source active before the maximum watermark at the end of input', async () => {
    const h = new SourceHarness(new SourceOperator(queueSource, WatermarkStrategy.noWatermarks<Event>().withIdleness(10)));
    await h.open();
    expect(h.source.hasWatermarkGenerator).toBe(true);
    for (const t of [0, 20, 40]) {
      h.setProcessingTime(t);
      h.source.emitPeriodicWatermark();
    }
    await h.endInput();
    expect(h.getOutput()).toEqual([
      { kind: 'status', idle: true },
      { kind: 'status', idle: false },
      { kind: 'watermark', timestamp: MAX },
    ]);
  });

  it('emits a record before the watermark its generator emits for it', async () => {
    const punctuated = WatermarkStrategy.forGenerator<Event>(() => ({
      onEvent: (_e, ts, out) => out.emitWatermark(ts),
      onPeriodicEmit() {},
    })).withTimestampAssigner((e) => e.at);
    const h = new SourceHarness(new SourceOperator(queueSource, punctuated));
    await h.open();
    QueueReader.queue.push({ id: 'a', at: 7 });
    h.source.emitNext();
    expect(h.getOutput()).toEqual([
      { kind: 'record', value: { id: 'a', at: 7 }, timestamp: 7 },
      { kind: 'watermark', timestamp: 7 },
    ]);
  });
});
