// The TimerService process functions see: on a keyed stream the void-namespace timers of the current key, else
// the clocks only (setting a timer throws, as in Flink).

import { IllegalStateError } from '../../core/errors.ts';
import type { InternalTimerService } from '../../state/internal-timer-service.ts';
import { VOID_NAMESPACE } from '../../state/state.ts';
import type { TimerService } from '../process-function.ts';

/** Timers of the current key in the void namespace (KeyedProcessFunction, KeyedCoProcessFunction). */
export class KeyedTimerService implements TimerService {
  constructor(private readonly internal: InternalTimerService) {}
  currentProcessingTime(): number {
    return this.internal.currentProcessingTime();
  }
  currentWatermark(): number {
    return this.internal.currentWatermark();
  }
  registerProcessingTimeTimer(time: number): void {
    this.internal.registerProcessingTimeTimer(VOID_NAMESPACE, time);
  }
  registerEventTimeTimer(time: number): void {
    this.internal.registerEventTimeTimer(VOID_NAMESPACE, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.internal.deleteProcessingTimeTimer(VOID_NAMESPACE, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.internal.deleteEventTimeTimer(VOID_NAMESPACE, time);
  }
}

/** Clocks without timers, for a function on a non-keyed stream; `hint` says how to get keyed timers. */
export function clocksOnlyTimerService(
  currentProcessingTime: () => number,
  currentWatermark: () => number,
  hint: string,
): TimerService {
  const refuse = (): never => {
    throw new IllegalStateError(hint);
  };
  return {
    currentProcessingTime,
    currentWatermark,
    registerProcessingTimeTimer: refuse,
    registerEventTimeTimer: refuse,
    deleteProcessingTimeTimer: refuse,
    deleteEventTimeTimer: refuse,
  };
}
