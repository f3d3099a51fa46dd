// MergeCallback: how a merging assigner reports which windows merge into which (Flink's MergingWindowAssigner.MergeCallback).

/** Told, once per merge, the windows that merge and the window they become. */
export interface MergeCallback<W> {
  merge(toBeMerged: readonly W[], mergeResult: W): void;
}
