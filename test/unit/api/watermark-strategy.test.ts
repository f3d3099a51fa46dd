// WatermarkStrategy and its generators: bounded out-of-orderness, monotonous timestamps, idleness on a manual clock.
import { describe, expect, it } from 'vitest';
import { Time } from '../../../src/api/time.ts';
import {
  BoundedOutOfOrdernessWatermarks,
  NO_TIMESTAMP,
  WatermarkStrategy,
  type WatermarkGenerator,
  type WatermarkOutput,
} from '../../../src/api/watermark-strategy.ts';
import { IdlenessTimer, WatermarksWithIdleness } from '../../../src/api/watermarks-with-idleness.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import { IllegalArgumentError } from '../../../src/core/errors.ts';

/** Records every call a generator makes, in order. */
class RecordingOutput implements WatermarkOutput {
  readonly calls: (number | 'idle' | 'active')[] = [];
  emitWatermark(timestamp: number): void {
    this.calls.push(timestamp);
  }
  markIdle(): void {
    this.calls.push('idle');
  }
  markActive(): void {
    this.calls.push('active');
  }
}

const contextOf = (clock: ManualClock) => ({ currentProcessingTime: () => clock.now() });

const feed = <T>(g: WatermarkGenerator<T>, out: WatermarkOutput, events: [T, number][]) => {
  for (const [e, ts] of events) g.onEvent(e, ts, out);
};

describe('BoundedOutOfOrdernessWatermarks', () => {
  it('emits the largest timestamp seen minus the bound minus 1 on each periodic emit', () => {
    const g = WatermarkStrategy.forBoundedOutOfOrderness<string>(Time.seconds(5)).createWatermarkGenerator(
      contextOf(new ManualClock()),
    );
    const out = new RecordingOutput();
    feed(g, out, [['a', 10_000], ['b', 17_000], ['c', 12_000]]);
    expect(out.calls).toEqual([]); // periodic only: events alone emit nothing
    g.onPeriodicEmit(out);
    feed(g, out, [['d', 16_000]]); // out of order: the maximum stays 17 000
    g.onPeriodicEmit(out);
    feed(g, out, [['e', 30_000]]);
    g.onPeriodicEmit(out);
    expect(out.calls).toEqual([11_999, 11_999, 24_999]);
  });

  it('emits the minimum watermark before any event', () => {
    const out = new RecordingOutput();
    new BoundedOutOfOrdernessWatermarks<number>(100).onPeriodicEmit(out);
    expect(out.calls).toEqual([Number.NEGATIVE_INFINITY]);
  });

  it('rejects a negative bound', () => {
    expect(() => new BoundedOutOfOrdernessWatermarks(-1)).toThrow(IllegalArgumentError);
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(-5)).toThrow(/>= 0 ms, got -5/);
  });
});

describe('WatermarkStrategy', () => {
  it('forMonotonousTimestamps trails the largest timestamp by 1 ms', () => {
    const g = WatermarkStrategy.forMonotonousTimestamps<number>().createWatermarkGenerator(contextOf(new ManualClock()));
    const out = new RecordingOutput();
    feed(g, out, [[1, 100], [2, 250]]);
    g.onPeriodicEmit(out);
    expect(out.calls).toEqual([249]);
  });

  it('keeps the timestamp assigner and idleness through the builder chain', () => {
    const assigner = (e: { at: number }) => e.at;
    const s = WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner(assigner).withIdleness(1000);
    expect(s.timestampAssigner).toBe(assigner);
    expect(s.idlenessMillis).toBe(1000);
    expect(s.timestampAssigner!({ at: 7 }, NO_TIMESTAMP)).toBe(7);
    const again = WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withIdleness(500).withTimestampAssigner(assigner);
    expect(again.idlenessMillis).toBe(500);
  });

  it('noWatermarks needs no generator unless idleness is asked for', () => {
    expect(WatermarkStrategy.noWatermarks().isNoWatermarks).toBe(true);
    expect(WatermarkStrategy.noWatermarks().withTimestampAssigner(() => 1).isNoWatermarks).toBe(true);
    expect(WatermarkStrategy.noWatermarks().withIdleness(100).isNoWatermarks).toBe(false);
    expect(WatermarkStrategy.forMonotonousTimestamps().isNoWatermarks).toBe(false);
  });

  it('forGenerator hands the supplier the processing-time context, once per generator', () => {
    const clock = new ManualClock(42);
    const seen: number[] = [];
    const s = WatermarkStrategy.forGenerator<number>((ctx) => {
      seen.push(ctx.currentProcessingTime());
      return { onEvent: (_e, ts, out) => out.emitWatermark(ts), onPeriodicEmit() {} };
    });
    const out = new RecordingOutput();
    s.createWatermarkGenerator(contextOf(clock)).onEvent(1, 5, out);
    clock.advance(8);
    s.createWatermarkGenerator(contextOf(clock));
    expect(seen).toEqual([42, 50]);
    expect(out.calls).toEqual([5]);
  });

  it('rejects a zero or negative idle timeout and non-function arguments', () => {
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(0)).toThrow(/idle timeout must be > 0 ms, got 0/);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(-1)).toThrow(IllegalArgumentError);
    expect(() => WatermarkStrategy.forGenerator(undefined as never)).toThrow(IllegalArgumentError);
    expect(() => WatermarkStrategy.noWatermarks().withTimestampAssigner(5 as never)).toThrow(IllegalArgumentError);
  });
});

describe('WatermarksWithIdleness', () => {
  const setup = (timeout = 1000) => {
    const clock = new ManualClock(0);
    const g = WatermarkStrategy.forMonotonousTimestamps<string>().withIdleness(timeout).createWatermarkGenerator(contextOf(clock));
    return { clock, g, out: new RecordingOutput() };
  };

  it('is what withIdleness creates', () => {
    expect(setup().g).toBeInstanceOf(WatermarksWithIdleness);
    expect(WatermarkStrategy.forMonotonousTimestamps().createWatermarkGenerator(contextOf(new ManualClock()))).not.toBeInstanceOf(
      WatermarksWithIdleness,
    );
  });

  it('marks idle once, at the first periodic emit more than the timeout after the countdown began', () => {
    const { clock, g, out } = setup(1000);
    g.onEvent('a', 100, out);
    g.onPeriodicEmit(out); // t=0: activity seen -> the wrapped generator's watermark
    clock.set(200);
    g.onPeriodicEmit(out); // no activity: the countdown starts at 200, the wrapped generator still asked
    clock.set(1200);
    g.onPeriodicEmit(out); // exactly the timeout: not yet
    clock.set(1201);
    g.onPeriodicEmit(out); // strictly more: idle
    clock.set(5000);
    g.onPeriodicEmit(out); // still idle: not announced again, the wrapped generator is not asked
    expect(out.calls).toEqual([99, 99, 99, 'idle']);
  });

  it('an event ends the idleness: the wrapped generator emits again and the countdown restarts', () => {
    const { clock, g, out } = setup(1000);
    g.onPeriodicEmit(out); // countdown from 0 (nothing seen yet: the minimum watermark)
    clock.set(1500);
    g.onPeriodicEmit(out);
    expect(out.calls).toEqual([Number.NEGATIVE_INFINITY, 'idle']);
    g.onEvent('b', 2000, out);
    clock.set(1700);
    g.onPeriodicEmit(out); // activity -> watermark of the wrapped generator
    clock.set(1900);
    g.onPeriodicEmit(out); // countdown restarts at 1900
    clock.set(2800);
    g.onPeriodicEmit(out);
    clock.set(2901);
    g.onPeriodicEmit(out);
    expect(out.calls).toEqual([Number.NEGATIVE_INFINITY, 'idle', 1999, 1999, 1999, 'idle']);
  });

  it('never goes idle while events keep coming', () => {
    const { clock, g, out } = setup(100);
    for (let t = 0; t < 2000; t += 50) {
      clock.set(t);
      g.onEvent('x', t, out);
      g.onPeriodicEmit(out);
    }
    expect(out.calls).not.toContain('idle');
  });

  it('IdlenessTimer measures on the clock it is given', () => {
    let now = 10;
    const timer = new IdlenessTimer(() => now, 50);
    expect(timer.checkIfIdle()).toBe(false); // starts the countdown at 10
    now = 61;
    expect(timer.checkIfIdle()).toBe(true);
    timer.activity();
    expect(timer.checkIfIdle()).toBe(false);
    expect(() => new WatermarksWithIdleness(new BoundedOutOfOrdernessWatermarks(0), 0, () => 0)).toThrow(IllegalArgumentError);
  });
});
