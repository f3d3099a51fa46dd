// WindowSerializer: windows as state namespaces (plain data) and back, and the error for a custom Window class.

import { describe, expect, it } from 'vitest';
import { GlobalWindow } from '../../../src/api/windowing/global-window.ts';
import { TimeWindow } from '../../../src/api/windowing/time-window.ts';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.ts';
import { Window } from '../../../src/api/windowing/window.ts';
import { DEFAULT_WINDOW_SERIALIZER, TIME_WINDOW_SERIALIZER } from '../../../src/api/windowing/window-serializer.ts';

class Custom extends Window {
  maxTimestamp(): number {
    return 1;
  }
  equals(other: Window): boolean {
    return other === this;
  }
  override toString(): string {
    return 'Custom';
  }
}

describe('WindowSerializer', () => {
  it('round-trips time windows (negative bounds too) and the global window through plain strings', () => {
    for (const w of [new TimeWindow(0, 1_000), new TimeWindow(-5_000, -4_000), new TimeWindow(-500, 500)]) {
      const ns = TIME_WINDOW_SERIALIZER.toNamespace(w);
      expect(typeof ns).toBe('string');
      expect(TIME_WINDOW_SERIALIZER.fromNamespace(ns).equals(w)).toBe(true);
      expect(DEFAULT_WINDOW_SERIALIZER.fromNamespace(DEFAULT_WINDOW_SERIALIZER.toNamespace(w)).equals(w)).toBe(true);
    }
    expect(DEFAULT_WINDOW_SERIALIZER.fromNamespace(DEFAULT_WINDOW_SERIALIZER.toNamespace(GlobalWindow.get()))).toBe(GlobalWindow.get());
    expect(TumblingEventTimeWindows.of(10).getWindowSerializer()).toBe(DEFAULT_WINDOW_SERIALIZER);
  });

  it('asks for a serializer for a custom Window class', () => {
    expect(() => DEFAULT_WINDOW_SERIALIZER.toNamespace(new Custom())).toThrow(/override getWindowSerializer\(\)/);
  });
});
