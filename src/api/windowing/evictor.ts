// Evictor: removes elements from a window's contents before and/or after the window function runs (Flink's Evictor).

import type { EvictableIterable } from './evictable-list.ts';
import type { TimestampedValue } from './timestamped-value.ts';
import type { Window } from './window.ts';

/** What an evictor may ask of the operator. */
export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * Called when a window fires, with the window's contents: `evictBefore` before the window function sees them,
 * `evictAfter` after. Remove elements through the iterator's `remove()`. With an evictor the operator keeps
 * every element (no incremental aggregation), as in Flink's EvictingWindowOperator.
 */
export interface Evictor<T, W extends Window> {
  evictBefore(elements: EvictableIterable<TimestampedValue<T>>, size: number, window: W, evictorContext: EvictorContext): void;
  evictAfter(elements: EvictableIterable<TimestampedValue<T>>, size: number, window: W, evictorContext: EvictorContext): void;
}
