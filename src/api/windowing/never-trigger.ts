// NeverTrigger: the default trigger of GlobalWindows, which never fires.

import { TriggerResult } from './trigger-result.ts';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.ts';
import type { GlobalWindow } from './global-window.ts';

/**
 * A trigger that never fires: `GlobalWindows` needs a custom trigger (or `countWindow`) to produce output.
 *
 * @example
 * GlobalWindows.create().getDefaultTrigger() instanceof NeverTrigger; // true
 */
export class NeverTrigger extends Trigger<unknown, GlobalWindow> {
  onElement(_element: unknown, _timestamp: number, _window: GlobalWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onEventTime(_time: number, _window: GlobalWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: GlobalWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(_window: GlobalWindow, _ctx: TriggerContext): void {}

  override onMerge(_window: GlobalWindow, _ctx: OnMergeContext): void {}

  override toString(): string {
    return 'NeverTrigger()';
  }
}
