// WindowAssigner: puts each element into zero or more windows and names the trigger those windows use by default.

import type { Trigger } from './trigger.ts';
import { DEFAULT_WINDOW_SERIALIZER, type WindowSerializer } from './window-serializer.ts';
import type { Window } from './window.ts';

/** What an assigner may ask of the operator: the processing-time clock. */
export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

/**
 * Assigns elements to windows (Flink's WindowAssigner). The window operator calls `assignWindows` per element with
 * its timestamp (`NO_TIMESTAMP` when it has none); event-time assigners (`isEventTime()`) need real timestamps.
 */
export abstract class WindowAssigner<T, W extends Window> {
  /** The windows `element` (with `timestamp`) belongs to. */
  abstract assignWindows(element: T, timestamp: number, context: WindowAssignerContext): W[];
  /** The trigger windows of this assigner use unless `.trigger(...)` sets another. */
  abstract getDefaultTrigger(): Trigger<T, W>;
  /** Whether windows are in event time (late-element dropping and cleanup follow the watermark). */
  abstract isEventTime(): boolean;

  /**
   * How the operator stores this assigner's windows as state namespaces (Flink's `getWindowSerializer`). The
   * default handles TimeWindow and GlobalWindow; override it for a custom Window class.
   */
  getWindowSerializer(): WindowSerializer<W> {
    return DEFAULT_WINDOW_SERIALIZER as WindowSerializer<W>;
  }
}
