// GlobalWindows: one window per key holding all its elements; fires only through a custom trigger.

import { GlobalWindow } from './global-window.ts';
import { NeverTrigger } from './never-trigger.ts';
import type { Trigger } from './trigger.ts';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.ts';

/**
 * Assigns every element to the `GlobalWindow`. Its default trigger, `NeverTrigger`, never fires: set a trigger
 * (and perhaps an evictor), as `countWindow` does.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100)));
 */
export class GlobalWindows extends WindowAssigner<unknown, GlobalWindow> {
  private constructor() {
    super();
  }

  static create(): GlobalWindows {
    return new GlobalWindows();
  }

  assignWindows(_element: unknown, _timestamp: number, _context: WindowAssignerContext): GlobalWindow[] {
    return [GlobalWindow.get()];
  }

  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return new NeverTrigger();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return 'GlobalWindows()';
  }
}
