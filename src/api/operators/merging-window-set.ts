// MergingWindowSet: a key's in-flight merging windows and, for each, the window whose namespace holds its state
// (Flink's MergingWindowSet), loaded from and persisted to keyed list state so it checkpoints with the key.

import { IllegalStateError } from '../../core/errors.ts';
import { canonicalKey } from '../../state/key-group.ts';
import type { ListState, Namespace } from '../../state/state.ts';
import type { MergingWindowAssigner } from '../windowing/merging-window-assigner.ts';
import type { WindowSerializer } from '../windowing/window-serializer.ts';
import type { Window } from '../windowing/window.ts';

/** One persisted mapping: [window namespace, state window namespace]. */
export type MergingWindowEntry = [Namespace, Namespace];

/**
 * Called once per merge that involves existing windows: `mergeResult` replaces `mergedWindows` (the in-flight
 * windows it swallowed; the new window itself is never among them), and the state of `mergedStateWindows` must
 * be merged into `stateWindowResult`.
 */
export type MergeFunction<W> = (
  mergeResult: W,
  mergedWindows: readonly W[],
  stateWindowResult: Namespace,
  mergedStateWindows: readonly Namespace[],
) => void;

interface Entry<W> {
  readonly window: W;
  readonly namespace: Namespace;
  readonly stateNamespace: Namespace;
}

/**
 * The windows of the current key as the merging assigner sees them. A merged window keeps its state in the
 * namespace of one of the windows it came from (its "state window"), so merging moves the state of the others
 * only. Read it per element or timer with the key current; `persist()` writes it back if it changed.
 */
export class MergingWindowSet<W extends Window> {
  /** Window namespace (canonical) -> entry. */
  readonly #mapping = new Map<unknown, Entry<W>>();
  #changed = false;

  constructor(
    private readonly assigner: MergingWindowAssigner<unknown, W>,
    private readonly serializer: WindowSerializer<W>,
    private readonly state: ListState<MergingWindowEntry>,
  ) {
    for (const [namespace, stateNamespace] of state.get()) {
      this.#mapping.set(canonicalKey(namespace), { window: serializer.fromNamespace(namespace), namespace, stateNamespace });
    }
  }

  /** The namespace holding the state of `namespace`'s window, or undefined when the window is not in flight. */
  getStateWindow(namespace: Namespace): Namespace | undefined {
    return this.#mapping.get(canonicalKey(namespace))?.stateNamespace;
  }

  /** Removes a window (it fired for the last time, or was late). */
  retireWindow(namespace: Namespace): void {
    if (!this.#mapping.delete(canonicalKey(namespace))) {
      throw new IllegalStateError(`window ${String(namespace)} is not in the in-flight window set`);
    }
    this.#changed = true;
  }

  /**
   * Adds `newWindow`, merging it with in-flight windows as the assigner says; returns the window it ended up in
   * (itself, or the merge result that swallowed it). `merge` runs for every merge involving existing windows.
   */
  addWindow(newWindow: W, merge: MergeFunction<W>): W {
    const newKey = canonicalKey(this.serializer.toNamespace(newWindow));
    const alreadyInFlight = this.#mapping.has(newKey);
    const windows = [...this.#mapping.values()].map((e) => e.window);
    if (!alreadyInFlight) windows.push(newWindow);

    const merges: { result: W; members: W[] }[] = [];
    this.assigner.mergeWindows(windows, { merge: (toBeMerged, result) => merges.push({ result, members: [...toBeMerged] }) });

    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const { result, members } of merges) {
      // The new window has no state of its own (unless it was in flight already): leave it out of the merge.
      const index = members.findIndex((m) => m.equals(newWindow));
      if (index >= 0) {
        mergedNewWindow = true;
        resultWindow = result;
        if (!alreadyInFlight) members.splice(index, 1);
      }
      const target = this.#mapping.get(canonicalKey(this.serializer.toNamespace(members[0]!)));
      if (target === undefined) throw new IllegalStateError(`merged window ${String(members[0])} is not in flight`);
      const stateWindowResult = target.stateNamespace;
      const mergedStateWindows: Namespace[] = [];
      for (const m of members) {
        const key = canonicalKey(this.serializer.toNamespace(m));
        const entry = this.#mapping.get(key);
        if (entry === undefined) continue;
        this.#mapping.delete(key);
        if (entry !== target) mergedStateWindows.push(entry.stateNamespace);
      }
      const resultNamespace = this.serializer.toNamespace(result);
      this.#mapping.set(canonicalKey(resultNamespace), { window: result, namespace: resultNamespace, stateNamespace: stateWindowResult });
      this.#changed = true;
      // An existing window swallowing the new one changes nothing but the mapping.
      if (!(members.length === 1 && members[0]!.equals(result))) merge(result, members, stateWindowResult, mergedStateWindows);
    }

    if (!mergedNewWindow && !alreadyInFlight) {
      const namespace = this.serializer.toNamespace(newWindow);
      this.#mapping.set(newKey, { window: newWindow, namespace, stateNamespace: namespace });
      this.#changed = true;
    }
    return resultWindow;
  }

  /** Writes the set back to keyed state if it changed (an empty set clears the state). */
  persist(): void {
    if (!this.#changed) return;
    this.#changed = false;
    this.state.update([...this.#mapping.values()].map((e): MergingWindowEntry => [e.namespace, e.stateNamespace]));
  }
}
