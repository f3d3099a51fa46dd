// countWindow: Flink's count windows as compositions of GlobalWindows, CountTrigger, PurgingTrigger and CountEvictor.

import { IllegalArgumentError } from '../../core/errors.ts';
import { CountEvictor } from './count-evictor.ts';
import { CountTrigger } from './count-trigger.ts';
import type { GlobalWindow } from './global-window.ts';
import { GlobalWindows } from './global-windows.ts';
import { PurgingTrigger } from './purging-trigger.ts';
import type { WindowSpec } from './window-spec.ts';

/**
 * What `KeyedStream.countWindow` builds, exactly as Flink:
 * - `countWindow(size)`: tumbling count windows = `GlobalWindows` + `PurgingTrigger.of(CountTrigger.of(size))`;
 * - `countWindow(size, slide)`: sliding count windows = `GlobalWindows` + `CountEvictor.of(size)` +
 *   `CountTrigger.of(slide)` (every `slide` elements, the last `size`).
 *
 * @example
 * const { assigner, trigger, evictor } = countWindow<Reading>(100, 10);
 */
export function countWindow<T>(size: number, slide?: number): WindowSpec<T, GlobalWindow> {
  checkCount('size', size);
  if (slide === undefined) {
    return { assigner: GlobalWindows.create(), trigger: PurgingTrigger.of(CountTrigger.of<GlobalWindow>(size)), evictor: null };
  }
  checkCount('slide', slide);
  return { assigner: GlobalWindows.create(), trigger: CountTrigger.of<GlobalWindow>(slide), evictor: CountEvictor.of<GlobalWindow>(size) };
}

function checkCount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0) throw new IllegalArgumentError(`count window ${what} must be > 0, got ${n}`);
}
