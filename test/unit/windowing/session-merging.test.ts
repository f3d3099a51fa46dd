// Session windows merging as a window operator drives them: overlapping, chained, out-of-order arrivals.

import { describe, expect, it } from 'vitest';
import { EventTimeSessionWindows } from '../../../src/api/windowing/event-time-session-windows.ts';
import type { MergingWindowAssigner } from '../../../src/api/windowing/merging-window-assigner.ts';
import type { TimeWindow } from '../../../src/api/windowing/time-window.ts';

const ctx = { getCurrentProcessingTime: () => 0 };

/** A minimal MergingWindowSet: the key's windows after each element, as sorted "[start,end)" strings. */
function sessions(assigner: MergingWindowAssigner<unknown, TimeWindow>, timestamps: number[]): { windows: string[]; merges: number } {
  let windows: TimeWindow[] = [];
  let merges = 0;
  for (const ts of timestamps) {
    windows.push(...assigner.assignWindows(null, ts, ctx));
    assigner.mergeWindows(windows, {
      merge: (members, result) => {
        merges++;
        windows = windows.filter((w) => !members.some((m) => m.equals(w)));
        windows.push(result);
      },
    });
  }
  return { windows: windows.map((w) => `[${w.start},${w.end})`).sort(), merges };
}

describe('session merging', () => {
  const gap10 = EventTimeSessionWindows.withGap(10);

  it('keeps separate sessions apart and merges overlapping ones', () => {
    expect(sessions(gap10, [0, 30])).toEqual({ windows: ['[0,10)', '[30,40)'], merges: 0 });
    expect(sessions(gap10, [0, 5])).toEqual({ windows: ['[0,15)'], merges: 1 });
    expect(sessions(gap10, [0, 10])).toEqual({ windows: ['[0,20)'], merges: 1 }); // touching windows merge
  });

  it('chains merges: an element bridging two sessions joins them into one', () => {
    expect(sessions(gap10, [0, 20, 10])).toEqual({ windows: ['[0,30)'], merges: 1 });
    expect(sessions(gap10, [0, 8, 16, 24])).toEqual({ windows: ['[0,34)'], merges: 3 });
  });

  it('gives the same sessions whatever the arrival order', () => {
    const ts = [3, 50, 11, 70, 62, 20, -5, 41];
    const expected = sessions(gap10, [...ts].sort((a, b) => a - b)).windows;
    expect(expected).toEqual(['[-5,30)', '[41,60)', '[62,80)']);
    expect(sessions(gap10, ts).windows).toEqual(expected);
    expect(sessions(gap10, [...ts].reverse()).windows).toEqual(expected);
  });

  it('merges sessions of different dynamic gaps', () => {
    const dyn = EventTimeSessionWindows.withDynamicGap((n: number) => n) as MergingWindowAssigner<unknown, TimeWindow>;
    let windows: TimeWindow[] = [];
    for (const [gap, ts] of [[5, 0], [20, 30], [30, 4]] as const) {
      windows.push(...dyn.assignWindows(gap, ts, ctx));
      dyn.mergeWindows(windows, { merge: (m, r) => (windows = [...windows.filter((w) => !m.includes(w)), r]) });
    }
    expect(windows.map(String)).toEqual(['TimeWindow{start=0, end=50}']);
  });
});
