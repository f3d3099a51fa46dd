// Which files the next LevelDB checkpoint builds on: the chain of the last completed one, and the keys changed since.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { StreamStateHandle } from '../state-handle.ts';

/** One shared entries file of a chain. */
export interface SharedPart {
  readonly handle: StreamStateHandle;
  /** Entries in the file (puts and deletes). */
  readonly entries: number;
  readonly bytes: number;
}

/** The shared files a checkpoint consists of: a base, then deltas in the order they apply. */
export interface CheckpointChain {
  readonly checkpointId: number;
  readonly parts: readonly SharedPart[];
  /** Taken over from a restored handle: its files may lie under another checkpoint root (checked before reuse). */
  readonly adopted: boolean;
}

/** When a checkpoint writes a new base instead of a delta. */
export interface ConsolidationPolicy {
  /** Deltas a chain may hold; the next checkpoint after that writes a new base. Default 8. */
  readonly maxDeltas: number;
  /** A new base once the entries of all deltas (the new one included) exceed this fraction of the base's. Default 0.5. */
  readonly maxDeltaRatio: number;
}

export const DEFAULT_CONSOLIDATION_POLICY: ConsolidationPolicy = Object.freeze({ maxDeltas: 8, maxDeltaRatio: 0.5 });

/** What a checkpoint's capture hands its writer. */
export interface ChainCapture {
  /** The chain of the last completed checkpoint, if any. */
  readonly base: CheckpointChain | undefined;
  /** LevelDB keys changed since `base` was captured, one list (repeats possible) per capture since. */
  readonly changed: readonly (readonly Buffer[])[];
}

/**
 * Tracks, for incremental checkpoints, what changed since the last *completed* checkpoint.
 *
 * Every capture closes the set of keys flushed since the previous capture as a segment named by its checkpoint id.
 * A checkpoint's delta is the union of the segments after the last completed checkpoint (aborted and still pending
 * ones included), read from LevelDB as of the capture; its chain is that completed checkpoint's chain plus the
 * delta. When a checkpoint completes, its chain becomes the base and the segments up to it are dropped; an aborted
 * checkpoint changes nothing, so the next one covers its changes too.
 *
 * Consolidation (see `shouldWriteBase`): a checkpoint writes a full base instead of a delta when there is no
 * completed chain, when the chain already holds `maxDeltas` deltas, or when the deltas would hold more than
 * `maxDeltaRatio` times the base's entries. Restore then reads at most 1 + maxDeltaRatio times the state, and a
 * chain never references more than 1 + maxDeltas files.
 */
export class IncrementalCheckpointChain {
  #lastCompleted: CheckpointChain | undefined;
  #segments: { readonly id: number; readonly keys: readonly Buffer[] }[] = [];
  /** Captured, not yet completed or aborted: the written chain once the writer is done, and early completion. */
  readonly #pending = new Map<number, { chain: CheckpointChain | undefined; completed: boolean }>();

  constructor(readonly policy: ConsolidationPolicy = DEFAULT_CONSOLIDATION_POLICY) {
    if (!Number.isInteger(policy.maxDeltas) || policy.maxDeltas < 0) {
      throw new IllegalArgumentError(`maxDeltas must be an integer >= 0, got ${policy.maxDeltas}`);
    }
    if (!(policy.maxDeltaRatio > 0)) throw new IllegalArgumentError(`maxDeltaRatio must be > 0, got ${policy.maxDeltaRatio}`);
  }

  /** The chain of the last completed checkpoint. */
  get lastCompleted(): CheckpointChain | undefined {
    return this.#lastCompleted;
  }

  /** Closes the segment of `changedKeys` for checkpoint `checkpointId` and returns what its writer builds on. */
  capture(checkpointId: number, changedKeys: readonly Buffer[]): ChainCapture {
    this.#segments.push({ id: checkpointId, keys: changedKeys });
    this.#pending.set(checkpointId, { chain: undefined, completed: false });
    const base = this.#lastCompleted;
    const changed = base === undefined ? [] : this.#segments.filter((s) => s.id > base.checkpointId).map((s) => s.keys);
    return { base, changed };
  }

  /** Whether a checkpoint should write a new base, given its capture and the number of keys in its delta. */
  shouldWriteBase(capture: ChainCapture, deltaEntries: number): boolean {
    const base = capture.base;
    if (base === undefined) return true;
    const deltas = base.parts.length - 1;
    if (deltas >= this.policy.maxDeltas) return true;
    let chainDeltaEntries = deltaEntries;
    for (let i = 1; i < base.parts.length; i++) chainDeltaEntries += base.parts[i]!.entries;
    return chainDeltaEntries > this.policy.maxDeltaRatio * Math.max(base.parts[0]!.entries, 1);
  }

  /** The writer of `checkpointId` finished with `chain`. */
  written(checkpointId: number, chain: CheckpointChain): void {
    const pending = this.#pending.get(checkpointId);
    if (pending === undefined) return; // aborted meanwhile
    pending.chain = chain;
    if (pending.completed) this.#complete(checkpointId, chain);
  }

  notifyComplete(checkpointId: number): void {
    const pending = this.#pending.get(checkpointId);
    if (pending === undefined) return;
    if (pending.chain === undefined) pending.completed = true;
    else this.#complete(checkpointId, pending.chain);
  }

  notifyAborted(checkpointId: number): void {
    this.#pending.delete(checkpointId);
  }

  /** Takes over a restored checkpoint's chain as the base of the next checkpoints. */
  adopt(chain: CheckpointChain): void {
    this.#lastCompleted = chain;
    this.#segments = [];
    this.#pending.clear();
  }

  /** Forgets everything (the state was dropped): the next checkpoint writes a base. */
  reset(): void {
    this.#lastCompleted = undefined;
    this.#segments = [];
    this.#pending.clear();
  }

  #complete(checkpointId: number, chain: CheckpointChain): void {
    const last = this.#lastCompleted;
    if (last === undefined || last.checkpointId < checkpointId) this.#lastCompleted = chain;
    this.#segments = this.#segments.filter((s) => s.id > checkpointId);
    for (const id of [...this.#pending.keys()]) if (id <= checkpointId) this.#pending.delete(id);
  }
}
