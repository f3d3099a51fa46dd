// A fake TriggerContext for trigger tests: manual clocks and recorded timers, with trigger state in a real heap
// keyed state backend (one key, the window as namespace), as the window operator keeps it.

import { ManualClock } from '../../../src/core/clock.ts';
import type { OnMergeContext } from '../../../src/api/windowing/trigger.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../../../src/state/key-group.ts';
import { ReducingStateDescriptor } from '../../../src/state/reducing-state-descriptor.ts';
import type { StateDescriptor } from '../../../src/state/state-descriptor.ts';
import type { InternalMergingState, State } from '../../../src/state/state.ts';

export class FakeTriggerContext implements OnMergeContext {
  processingTime = 0;
  watermark = Number.NEGATIVE_INFINITY;
  readonly eventTimers = new Set<number>();
  readonly processingTimers = new Set<number>();
  /** The current window's namespace; during onMerge, `mergedWindows` are the windows merged into it. */
  window = 'w';
  mergedWindows: string[] = [];
  readonly backend = new HeapKeyedStateBackend({
    keyGroupRange: new KeyGroupRange(0, 127),
    maxParallelism: 128,
    clock: new ManualClock(),
  });

  constructor() {
    this.backend.setCurrentKey('the-key');
  }

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

  getPartitionedState<S extends State>(descriptor: StateDescriptor<S>): S {
    return this.backend.getPartitionedState(this.window, descriptor);
  }

  mergePartitionedState<S extends State>(descriptor: StateDescriptor<S>): void {
    if (this.mergedWindows.length === 0) return;
    const state = this.backend.getPartitionedState(descriptor) as unknown as InternalMergingState;
    state.mergeNamespaces(this.window, this.mergedWindows);
  }

  /** The value of the numeric reducing state `name` in `window` (undefined when empty). */
  reducingValue(name: string, window = this.window): number | undefined {
    return this.backend.getPartitionedState(window, new ReducingStateDescriptor<number>(name, (a, b) => a + b)).get();
  }

  /** State entries held, all windows. */
  numStateEntries(): number {
    return this.backend.numKeyValueStateEntries();
  }
}
