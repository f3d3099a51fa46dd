// Built-in triggers against a fake TriggerContext that records timers and keeps their state in a heap keyed backend.

import { describe, expect, it } from 'vitest';
import { ContinuousEventTimeTrigger } from '../../../src/api/windowing/continuous-event-time-trigger.ts';
import { ContinuousProcessingTimeTrigger } from '../../../src/api/windowing/continuous-processing-time-trigger.ts';
import { CountTrigger } from '../../../src/api/windowing/count-trigger.ts';
import { EventTimeTrigger } from '../../../src/api/windowing/event-time-trigger.ts';
import { GlobalWindow } from '../../../src/api/windowing/global-window.ts';
import { NeverTrigger } from '../../../src/api/windowing/never-trigger.ts';
import { ProcessingTimeTrigger } from '../../../src/api/windowing/processing-time-trigger.ts';
import { PurgingTrigger } from '../../../src/api/windowing/purging-trigger.ts';
import { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { TriggerResult } from '../../../src/api/windowing/trigger-result.ts';
import { Trigger } from '../../../src/api/windowing/trigger.ts';
import { FakeTriggerContext } from './fake-trigger-context.ts';

const { CONTINUE, FIRE, PURGE, FIRE_AND_PURGE } = TriggerResult;
const w = new TimeWindow(0, 10);

describe('TriggerResult', () => {
  it('has Flink four values', () => {
    expect([CONTINUE, FIRE, PURGE, FIRE_AND_PURGE].map((r) => [String(r), r.isFire(), r.isPurge()])).toEqual([
      ['CONTINUE', false, false],
      ['FIRE', true, false],
      ['PURGE', false, true],
      ['FIRE_AND_PURGE', true, true],
    ]);
  });
});

describe('EventTimeTrigger', () => {
  it('registers a timer at maxTimestamp and fires on it', () => {
    const ctx = new FakeTriggerContext();
    const t = EventTimeTrigger.create();
    expect(t.onElement('x', 3, w, ctx)).toBe(CONTINUE);
    expect([...ctx.eventTimers]).toEqual([9]);
    expect(t.onEventTime(8, w, ctx)).toBe(CONTINUE);
    expect(t.onEventTime(9, w, ctx)).toBe(FIRE);
    expect(t.onProcessingTime(9, w, ctx)).toBe(CONTINUE);
    t.clear(w, ctx);
    expect(ctx.eventTimers.size).toBe(0);
  });

  it('fires at once for an element of a window the watermark has passed', () => {
    const ctx = new FakeTriggerContext();
    ctx.watermark = 9;
    expect(EventTimeTrigger.create().onElement('x', 3, w, ctx)).toBe(FIRE);
    expect(ctx.eventTimers.size).toBe(0);
  });

  it('re-registers on merge only while the watermark is before the merged window end', () => {
    const ctx = new FakeTriggerContext();
    const t = EventTimeTrigger.create();
    expect(t.canMerge()).toBe(true);
    ctx.watermark = 5;
    t.onMerge(w, ctx);
    expect([...ctx.eventTimers]).toEqual([9]);
    ctx.eventTimers.clear();
    ctx.watermark = 9;
    t.onMerge(w, ctx);
    expect(ctx.eventTimers.size).toBe(0);
  });
});

describe('ProcessingTimeTrigger', () => {
  it('registers a processing-time timer at maxTimestamp and fires on it', () => {
    const ctx = new FakeTriggerContext();
    const t = ProcessingTimeTrigger.create();
    expect(t.onElement('x', 0, w, ctx)).toBe(CONTINUE);
    expect([...ctx.processingTimers]).toEqual([9]);
    expect(t.onProcessingTime(9, w, ctx)).toBe(FIRE);
    expect(t.onEventTime(9, w, ctx)).toBe(CONTINUE);
    t.clear(w, ctx);
    expect(ctx.processingTimers.size).toBe(0);
    ctx.processingTime = 3;
    t.onMerge(w, ctx);
    expect([...ctx.processingTimers]).toEqual([9]);
  });
});

describe('CountTrigger', () => {
  it('fires every maxCount elements, counting in partitioned state', () => {
    const ctx = new FakeTriggerContext();
    const t = CountTrigger.of(3);
    expect([1, 2, 3, 4, 5, 6, 7].map((i) => t.onElement(i, 0, w, ctx).toString())).toEqual([
      'CONTINUE', 'CONTINUE', 'FIRE', 'CONTINUE', 'CONTINUE', 'FIRE', 'CONTINUE',
    ]);
    expect(ctx.reducingValue('count')).toBe(1);
    t.clear(w, ctx);
    expect(ctx.numStateEntries()).toBe(0);
    expect(String(t)).toBe('CountTrigger(3)');
  });

  it('adds up the counts of merged windows', () => {
    const ctx = new FakeTriggerContext();
    const t = CountTrigger.of(5);
    for (const [win, n] of [['a', 2], ['b', 2]] as const) {
      ctx.window = win;
      for (let i = 0; i < n; i++) t.onElement(i, 0, w, ctx);
    }
    ctx.window = 'ab';
    ctx.mergedWindows = ['a', 'b'];
    t.onMerge(w, ctx);
    expect(t.onElement(0, 0, w, ctx)).toBe(FIRE);
  });
});

describe('PurgingTrigger', () => {
  it('turns the nested FIRE into FIRE_AND_PURGE and delegates the rest', () => {
    const ctx = new FakeTriggerContext();
    const t = PurgingTrigger.of(CountTrigger.of(2));
    expect(t.onElement(1, 0, w, ctx)).toBe(CONTINUE);
    expect(t.onElement(2, 0, w, ctx)).toBe(FIRE_AND_PURGE);
    expect(t.canMerge()).toBe(true);
    expect(String(t)).toBe('PurgingTrigger(CountTrigger(2))');
    const ev = PurgingTrigger.of(EventTimeTrigger.create());
    expect(ev.onEventTime(9, w, ctx)).toBe(FIRE_AND_PURGE);
    expect(ev.onEventTime(8, w, ctx)).toBe(CONTINUE);
    ev.onElement('x', 0, w, ctx);
    ev.clear(w, ctx);
    expect(ctx.eventTimers.size).toBe(0);
    expect(PurgingTrigger.of(new NeverTrigger()).canMerge()).toBe(false);
  });
});

describe('ContinuousEventTimeTrigger', () => {
  const big = new TimeWindow(0, 100);

  it('fires every interval (aligned to the epoch) and at the window end', () => {
    const ctx = new FakeTriggerContext();
    const t = ContinuousEventTimeTrigger.of(30);
    expect(t.onElement('x', 7, big, ctx)).toBe(CONTINUE);
    expect([...ctx.eventTimers].sort((a, b) => a - b)).toEqual([30, 99]);
    t.onElement('y', 12, big, ctx); // the fire time is already set
    expect(ctx.eventTimers.size).toBe(2);
    expect(t.onEventTime(30, big, ctx)).toBe(FIRE);
    expect(ctx.eventTimers.has(60)).toBe(true);
    expect(t.onEventTime(45, big, ctx)).toBe(CONTINUE);
    expect(t.onEventTime(60, big, ctx)).toBe(FIRE);
    expect(t.onEventTime(90, big, ctx)).toBe(FIRE);
    expect(ctx.reducingValue('fire-time')).toBe(99); // capped at maxTimestamp
    expect(t.onEventTime(99, big, ctx)).toBe(FIRE);
  });

  it('aligns negative timestamps as Java does, fires at once behind the watermark, clears its timer', () => {
    const ctx = new FakeTriggerContext();
    const t = ContinuousEventTimeTrigger.of(10);
    const neg = new TimeWindow(-100, 0);
    t.onElement('x', -25, neg, ctx);
    expect([...ctx.eventTimers].sort((a, b) => a - b)).toEqual([-10, -1]); // -25 - (-25 % 10) = -20, next -10
    t.clear(neg, ctx);
    expect([...ctx.eventTimers]).toEqual([-1]);
    ctx.watermark = 200;
    expect(t.onElement('x', 5, big, ctx)).toBe(FIRE);
    expect(() => ContinuousEventTimeTrigger.of(0)).toThrow('interval must be > 0');
  });

  it('keeps the earliest fire time of merged windows and registers it', () => {
    const ctx = new FakeTriggerContext();
    const t = ContinuousEventTimeTrigger.of(10);
    ctx.window = 'a';
    t.onElement('x', 25, big, ctx);
    ctx.window = 'b';
    t.onElement('x', 3, big, ctx);
    ctx.eventTimers.clear();
    ctx.window = 'ab';
    ctx.mergedWindows = ['a', 'b'];
    t.onMerge(big, ctx);
    expect([...ctx.eventTimers]).toEqual([10]);
  });
});

describe('ContinuousProcessingTimeTrigger', () => {
  it('fires every interval of processing time from the first element', () => {
    const ctx = new FakeTriggerContext();
    const t = ContinuousProcessingTimeTrigger.of(10);
    const g = GlobalWindow.get();
    ctx.processingTime = 23;
    expect(t.onElement('x', 0, g, ctx)).toBe(CONTINUE);
    expect([...ctx.processingTimers]).toEqual([30]);
    expect(t.onProcessingTime(30, g, ctx)).toBe(FIRE);
    expect(ctx.processingTimers.has(40)).toBe(true);
    expect(t.onProcessingTime(35, g, ctx)).toBe(CONTINUE);
    expect(t.onEventTime(40, g, ctx)).toBe(CONTINUE);
    t.clear(g, ctx);
    expect(ctx.processingTimers.has(40)).toBe(false);
    expect(ctx.numStateEntries()).toBe(0);
    ctx.window = 'm';
    ctx.mergedWindows = [];
    t.onMerge(g, ctx);
    expect(ctx.processingTimers.size).toBe(1); // nothing merged, nothing new registered
  });
});

describe('NeverTrigger', () => {
  it('never fires', () => {
    const ctx = new FakeTriggerContext();
    const t = new NeverTrigger();
    const g = GlobalWindow.get();
    expect([t.onElement('x', 0, g, ctx), t.onEventTime(1, g, ctx), t.onProcessingTime(1, g, ctx)]).toEqual([CONTINUE, CONTINUE, CONTINUE]);
    t.clear(g, ctx);
    expect(() => t.onMerge(g, ctx)).not.toThrow();
    expect(ctx.eventTimers.size + ctx.processingTimers.size).toBe(0);
    expect(g.maxTimestamp()).toBe(Number.POSITIVE_INFINITY);
  });

  it('the Trigger base cannot merge unless a trigger says so', () => {
    class EveryElement extends Trigger<unknown, TimeWindow> {
      onElement(): TriggerResult {
        return FIRE;
      }
      onEventTime(): TriggerResult {
        return CONTINUE;
      }
      onProcessingTime(): TriggerResult {
        return CONTINUE;
      }
      clear(): void {}
    }
    const t = new EveryElement();
    expect(t.canMerge()).toBe(false);
    expect(() => t.onMerge(w, new FakeTriggerContext())).toThrow('This trigger does not support merging.');
  });
});
