// MergingWindowAssigner: an assigner whose windows can merge (session windows), with Flink's mergeWindows hook.

import type { MergeCallback } from './merge-callback.ts';
import { WindowAssigner } from './window-assigner.ts';
import type { Window } from './window.ts';

/**
 * A WindowAssigner whose windows may merge. After assigning an element, the operator hands the key's current
 * windows (the new ones included) to `mergeWindows`, which reports each merge through the callback; the operator
 * then merges the windows' state and calls the trigger's `onMerge` (Flink's MergingWindowSet does this).
 */
export abstract class MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  abstract mergeWindows(windows: Iterable<W>, callback: MergeCallback<W>): void;
}

/** Whether an assigner merges windows (and so needs a MergingWindowSet in the operator). */
export function isMergingWindowAssigner<T, W extends Window>(
  assigner: WindowAssigner<T, W>,
): assigner is MergingWindowAssigner<T, W> {
  return assigner instanceof MergingWindowAssigner;
}
