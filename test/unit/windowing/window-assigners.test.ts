// Window assigners: windows per timestamp (negative ones, offsets), default triggers, event/processing time, validation.

import { describe, expect, it } from 'vitest';
import { NO_TIMESTAMP } from '../../../src/core/stream-element.ts';
import { Time } from '../../../src/api/time.ts';
import { DynamicEventTimeSessionWindows } from '../../../src/api/windowing/dynamic-event-time-session-windows.ts';
import { DynamicProcessingTimeSessionWindows } from '../../../src/api/windowing/dynamic-processing-time-session-windows.ts';
import { EventTimeSessionWindows } from '../../../src/api/windowing/event-time-session-windows.ts';
import { EventTimeTrigger } from '../../../src/api/windowing/event-time-trigger.ts';
import { GlobalWindow } from '../../../src/api/windowing/global-window.ts';
import { GlobalWindows } from '../../../src/api/windowing/global-windows.ts';
import { isMergingWindowAssigner } from '../../../src/api/windowing/merging-window-assigner.ts';
import { NeverTrigger } from '../../../src/api/windowing/never-trigger.ts';
import { ProcessingTimeSessionWindows } from '../../../src/api/windowing/processing-time-session-windows.ts';
import { ProcessingTimeTrigger } from '../../../src/api/windowing/processing-time-trigger.ts';
import { SlidingEventTimeWindows } from '../../../src/api/windowing/sliding-event-time-windows.ts';
import { SlidingProcessingTimeWindows } from '../../../src/api/windowing/sliding-processing-time-windows.ts';
import { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.ts';
import { TumblingProcessingTimeWindows } from '../../../src/api/windowing/tumbling-processing-time-windows.ts';
import type { WindowAssignerContext } from '../../../src/api/windowing/window-assigner.ts';

const at = (now: number): WindowAssignerContext => ({ getCurrentProcessingTime: () => now });
const NOW = at(0);
const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);

describe('TumblingEventTimeWindows', () => {
  it('assigns the one window containing the timestamp, negative ones included', () => {
    const a = TumblingEventTimeWindows.of(Time.milliseconds(5000));
    expect(a.assignWindows('x', 0, NOW)).toEqual([tw(0, 5000)]);
    expect(a.assignWindows('x', 4999, NOW)).toEqual([tw(0, 5000)]);
    expect(a.assignWindows('x', 5000, NOW)).toEqual([tw(5000, 10000)]);
    expect(a.assignWindows('x', -1, NOW)).toEqual([tw(-5000, 0)]);
    expect(a.assignWindows('x', -5001, NOW)).toEqual([tw(-10000, -5000)]);
  });

  it('shifts windows by an offset, negative offsets as numbers', () => {
    expect(TumblingEventTimeWindows.of(5000, 100).assignWindows('x', 50, NOW)).toEqual([tw(-4900, 100)]);
    expect(TumblingEventTimeWindows.of(5000, Time.milliseconds(100)).assignWindows('x', 100, NOW)).toEqual([tw(100, 5100)]);
    expect(TumblingEventTimeWindows.of(5000, -100).assignWindows('x', 4899, NOW)).toEqual([tw(-100, 4900)]);
    expect(TumblingEventTimeWindows.of(Time.days(1), -8 * 3_600_000).assignWindows('x', 0, NOW)).toEqual([tw(-28_800_000, 57_600_000)]);
  });

  it('is event time with EventTimeTrigger, and rejects bad arguments and missing timestamps', () => {
    const a = TumblingEventTimeWindows.of(Time.seconds(1));
    expect(a.isEventTime()).toBe(true);
    expect(a.getDefaultTrigger()).toBeInstanceOf(EventTimeTrigger);
    expect(String(a)).toBe('TumblingEventTimeWindows(1000)');
    expect(() => TumblingEventTimeWindows.of(0)).toThrow('abs(offset) < size');
    expect(() => TumblingEventTimeWindows.of(10, 10)).toThrow('abs(offset) < size');
    expect(() => TumblingEventTimeWindows.of(-1)).toThrow('>= 0 ms');
    expect(() => TumblingEventTimeWindows.of(1.5)).toThrow('whole number');
    expect(() => a.assignWindows('x', NO_TIMESTAMP, NOW)).toThrow('assignTimestampsAndWatermarks');
  });
});

describe('SlidingEventTimeWindows', () => {
  it('assigns size/slide windows, latest start first, negative timestamps included', () => {
    const a = SlidingEventTimeWindows.of(Time.milliseconds(5000), Time.milliseconds(1000));
    expect(a.assignWindows('x', 0, NOW)).toEqual([tw(0, 5000), tw(-1000, 4000), tw(-2000, 3000), tw(-3000, 2000), tw(-4000, 1000)]);
    expect(a.assignWindows('x', -1, NOW)).toEqual([tw(-1000, 4000), tw(-2000, 3000), tw(-3000, 2000), tw(-4000, 1000), tw(-5000, 0)]);
  });

  it('shifts by an offset and leaves gaps when slide > size', () => {
    expect(SlidingEventTimeWindows.of(4, 2, 1).assignWindows('x', 2, NOW)).toEqual([tw(1, 5), tw(-1, 3)]);
    expect(SlidingEventTimeWindows.of(4, 2, -1).assignWindows('x', 2, NOW)).toEqual([tw(1, 5), tw(-1, 3)]);
    const gaps = SlidingEventTimeWindows.of(2, 5);
    expect(gaps.assignWindows('x', 6, NOW)).toEqual([tw(5, 7)]);
    expect(gaps.assignWindows('x', 8, NOW)).toEqual([]);
  });

  it('validates with Flink message', () => {
    expect(() => SlidingEventTimeWindows.of(10, 0)).toThrow('abs(offset) < slide and size > 0');
    expect(() => SlidingEventTimeWindows.of(0, 5)).toThrow('abs(offset) < slide and size > 0');
    expect(() => SlidingEventTimeWindows.of(10, 5, -5)).toThrow('abs(offset) < slide and size > 0');
    expect(SlidingEventTimeWindows.of(10, 5).getDefaultTrigger()).toBeInstanceOf(EventTimeTrigger);
  });
});

describe('processing-time assigners', () => {
  it('use the processing-time clock, not the timestamp', () => {
    expect(TumblingProcessingTimeWindows.of(10).assignWindows('x', 999, at(-3))).toEqual([tw(-10, 0)]);
    expect(TumblingProcessingTimeWindows.of(10, 3).assignWindows('x', NO_TIMESTAMP, at(2))).toEqual([tw(-7, 3)]);
    expect(SlidingProcessingTimeWindows.of(10, 5).assignWindows('x', NO_TIMESTAMP, at(12))).toEqual([tw(10, 20), tw(5, 15)]);
    expect(ProcessingTimeSessionWindows.withGap(10).assignWindows('x', NO_TIMESTAMP, at(7))).toEqual([tw(7, 17)]);
    expect(DynamicProcessingTimeSessionWindows.withDynamicGap((n: number) => n).assignWindows(3, NO_TIMESTAMP, at(7))).toEqual([tw(7, 10)]);
  });

  it('are processing time with ProcessingTimeTrigger', () => {
    for (const a of [
      TumblingProcessingTimeWindows.of(10),
      SlidingProcessingTimeWindows.of(10, 5),
      ProcessingTimeSessionWindows.withGap(10),
      ProcessingTimeSessionWindows.withDynamicGap(() => 5),
    ]) {
      expect(a.isEventTime()).toBe(false);
      expect(a.getDefaultTrigger()).toBeInstanceOf(ProcessingTimeTrigger);
    }
    expect(() => TumblingProcessingTimeWindows.of(10, -10)).toThrow('TumblingProcessingTimeWindows parameters must satisfy abs(offset) < size');
    expect(() => SlidingProcessingTimeWindows.of(10, 0)).toThrow('SlidingProcessingTimeWindows parameters');
    expect(() => ProcessingTimeSessionWindows.withGap(0)).toThrow('ProcessingTimeSessionWindows parameters must satisfy 0 < size');
  });
});

describe('session windows', () => {
  it('give [timestamp, timestamp + gap) and merge', () => {
    const a = EventTimeSessionWindows.withGap(Time.milliseconds(10));
    expect(a.assignWindows('x', -3, NOW)).toEqual([tw(-3, 7)]);
    expect(isMergingWindowAssigner(a)).toBe(true);
    expect(isMergingWindowAssigner(TumblingEventTimeWindows.of(5))).toBe(false);
    expect(a.getDefaultTrigger()).toBeInstanceOf(EventTimeTrigger);
    expect(() => EventTimeSessionWindows.withGap(0)).toThrow('EventTimeSessionWindows parameters must satisfy 0 < size');
  });

  it('take the gap from the element with withDynamicGap', () => {
    const a = EventTimeSessionWindows.withDynamicGap<{ gap: number }>({ extract: (e) => e.gap });
    expect(a).toBeInstanceOf(DynamicEventTimeSessionWindows);
    expect(a.assignWindows({ gap: 4 }, 10, NOW)).toEqual([tw(10, 14)]);
    expect(() => a.assignWindows({ gap: 0 }, 10, NOW)).toThrow('Dynamic session time gap must satisfy 0 < gap');
    expect(() => a.assignWindows({ gap: 1 }, NO_TIMESTAMP, NOW)).toThrow('no timestamp');
  });
});

describe('GlobalWindows', () => {
  it('assigns the GlobalWindow and never fires by default', () => {
    const a = GlobalWindows.create();
    expect(a.assignWindows('x', NO_TIMESTAMP, NOW)).toEqual([GlobalWindow.get()]);
    expect(a.getDefaultTrigger()).toBeInstanceOf(NeverTrigger);
    expect(a.isEventTime()).toBe(false);
  });
});
