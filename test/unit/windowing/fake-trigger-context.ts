// A fake TriggerContext for trigger tests: manual clocks, recorded timers, reducing states per window.

import type { OnMergeContext } from '../../../src/api/windowing/trigger.ts';
import type { TriggerReducingState, TriggerStateDescriptor } from '../../../src/api/windowing/trigger-state.ts';

/** Reducing states per (window, name), as a window operator would scope them to the current key. */
export class FakeTriggerContext implements OnMergeContext {
  processingTime = 0;
  watermark = Number.NEGATIVE_INFINITY;
  readonly eventTimers = new Set<number>();
  readonly processingTimers = new Set<number>();
  /** The current window's namespace; the windows being merged, during onMerge. */
  window = 'w';
  mergedWindows: string[] = [];
  readonly states = new Map<string, { value: unknown }>();

  getCurrentProcessingTime(): number {
    return this.processingTime;
  }
  getCurrentWatermark(): number {
    return this.watermark;
  }
  registerEventTimeTimer(time: number): void {
    this.eventTimers.add(time);
  }
  registerProcessingTimeTimer(time: number): void {
    this.processingTimers.add(time);
  }
  deleteEventTimeTimer(time: number): void {
    this.eventTimers.delete(time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.processingTimers.delete(time);
  }

  getPartitionedState<S>(descriptor: { readonly name: string }): S {
    const d = descriptor as TriggerStateDescriptor<unknown>;
    return this.#state(this.window, d) as S;
  }

  mergePartitionedState(descriptor: { readonly name: string }): void {
    const d = descriptor as TriggerStateDescriptor<unknown>;
    const target = this.#state(this.window, d);
    for (const w of this.mergedWindows) {
      const source = this.#state(w, d);
      const v = source.get();
      if (v !== undefined) target.add(v);
      source.clear();
    }
  }

  #state(window: string, d: TriggerStateDescriptor<unknown>): TriggerReducingState<unknown> {
    const id = `${window}/${d.name}`;
    const states = this.states;
    return {
      get: () => states.get(id)?.value,
      add: (v) => {
        const cur = states.get(id);
        states.set(id, { value: cur === undefined ? v : d.reduce(cur.value, v) });
      },
      clear: () => void states.delete(id),
    };
  }
}
