// Timers: heap order against a sort, dedup, re-entrant firing, processing time through manual and real services.

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap-keyed-state-backend.ts';
import { TimerEntry } from '../../../src/state/internal-timer.ts';
import { KeyGroupRange } from '../../../src/state/key-group.ts';
import { ManualProcessingTimeService } from '../../../src/state/manual-processing-time-service.ts';
import { SystemProcessingTimeService } from '../../../src/state/system-processing-time-service.ts';
import { TimerHeap } from '../../../src/state/timer-heap.ts';

const SEED = 7_331;

function setup() {
  const pts = new ManualProcessingTimeService(new ManualClock(0));
  const backend = new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 127), maxParallelism: 128, clock: pts.clock });
  const fired: [unknown, number][] = [];
  const timers = backend.getTimerService('t', {
    processingTimeService: pts,
    onProcessingTime: (t) => fired.push([backend.getCurrentKey(), t.timestamp]),
  });
  return { pts, backend, timers, fired };
}

describe('TimerHeap', () => {
  it(`polls in timestamp order after any pushes and removals (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean())), (ops) => {
        const heap = new TimerHeap();
        const kept: number[] = [];
        const all = ops.map(([ts], i) => new TimerEntry(ts, i, i, null, 0, String(i)));
        all.forEach((t) => heap.push(t));
        ops.forEach(([ts, remove], i) => (remove ? heap.remove(all[i]!) : kept.push(ts)));
        const out: number[] = [];
        for (let t = heap.poll(); t !== undefined; t = heap.poll()) out.push(t.timestamp);
        expect(out).toEqual(kept.sort((a, b) => a - b));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('InternalTimerService', () => {
  it('keeps one timer per (key, namespace, timestamp); namespaces and keys are apart', () => {
    const { backend, timers } = setup();
    backend.setCurrentKey('a');
    timers.registerEventTimeTimer(null, 10);
    timers.registerEventTimeTimer(null, 10);
    timers.registerEventTimeTimer({ start: 0, end: 10 }, 10);
    timers.registerEventTimeTimer({ end: 10, start: 0 }, 10);
    backend.setCurrentKey('a|v|10');
    timers.registerEventTimeTimer(null, 10);
    expect(timers.numEventTimeTimers()).toBe(3);
  });

  it('fires timers registered while firing when they are due, and updates the watermark first', () => {
    const { backend, timers } = setup();
    const fired: number[] = [];
    backend.setCurrentKey('k');
    timers.registerEventTimeTimer(null, 10);
    timers.advanceWatermark(20, (t) => {
      fired.push(t.timestamp);
      expect(timers.currentWatermark()).toBe(20);
      if (t.timestamp === 10) {
        timers.registerEventTimeTimer(null, 15);
        timers.registerEventTimeTimer(null, 25);
      }
    });
    expect(fired).toEqual([10, 15]);
    expect(timers.numEventTimeTimers()).toBe(1);
  });

  it('fires processing-time timers as the ProcessingTimeService advances, with the key set', () => {
    const { pts, backend, timers, fired } = setup();
    backend.setCurrentKey('late');
    timers.registerProcessingTimeTimer(null, 300);
    backend.setCurrentKey('early');
    timers.registerProcessingTimeTimer(null, 100);
    timers.registerProcessingTimeTimer(null, 200);
    timers.deleteProcessingTimeTimer(null, 200);
    expect(pts.numActiveTimers()).toBe(1);
    pts.advance(150);
    expect(fired).toEqual([['early', 100]]);
    pts.advance(1000);
    expect(fired).toEqual([
      ['early', 100],
      ['late', 300],
    ]);
    expect(timers.numProcessingTimeTimers()).toBe(0);
    expect(pts.numActiveTimers()).toBe(0);
  });

  it('restored processing-time timers are scheduled', () => {
    const a = setup();
    a.backend.setCurrentKey('k');
    a.timers.registerProcessingTimeTimer(null, 50);
    const b = setup();
    b.backend.restore([a.backend.snapshot()]);
    b.pts.advance(50);
    expect(b.fired).toEqual([['k', 50]]);
  });

  it('needs a current key', () => {
    const { timers } = setup();
    expect(() => timers.registerEventTimeTimer(null, 1)).toThrow(expect.objectContaining({ code: 'ILLEGAL_STATE' }));
  });
});

describe('SystemProcessingTimeService', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires callbacks on Node timers once the clock has reached their time, and cancels', () => {
    vi.useFakeTimers({ now: 1_000 });
    const pts = new SystemProcessingTimeService({ now: () => Date.now(), relativeTime: () => Date.now() });
    const fired: number[] = [];
    pts.registerTimer(1_050, (t) => fired.push(t));
    const cancelled = pts.registerTimer(1_020, (t) => fired.push(t));
    cancelled.cancel();
    vi.advanceTimersByTime(49);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(fired).toEqual([1_050]);
    pts.registerTimer(2_000, (t) => fired.push(t));
    expect(pts.numPendingTimers()).toBe(1);
    pts.shutdown();
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual([1_050]);
  });
});
