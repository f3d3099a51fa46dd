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
  /** A new base once the entries of all deltas (the new one included) exceed this fraction of the base's. Default 1. */
  readonly maxDeltaRatio: number;
}

export const DEFAULT_CONSOLIDATION_POLICY: ConsolidationPolicy = Object.freeze({ maxDeltas: 8, maxDeltaRatio: 1 });

/**
 * The LevelDB entries one segment's flushes wrote, as of the capture that closed it: `keys[i]` was last written
 * with `values[i]` (undefined: deleted). A key repeats only if its cache entry was evicted and reloaded within the
 * segment; the later position holds the later value.
 */
export interface ChangeSet {
  readonly keys: readonly Buffer[];
  readonly values: readonly (Buffer | undefined)[];
}

/** The chain of a backend that started empty: no files, every entry since is in the segments. */
export const EMPTY_CHAIN: CheckpointChain = Object.freeze({ checkpointId: 0, parts: [], adopted: false });

/** What a checkpoint's capture hands its writer. */
export interface ChainCapture {
  /**
   * The chain of the last completed checkpoint (`EMPTY_CHAIN` while none has completed since the backend started
   * empty), or undefined when the state is not known to be that chain plus `changed` (after a restore that could
   * not be adopted, or a clear): then only a scan of LevelDB gives the whole state.
   */
  readonly base: CheckpointChain | undefined;
  /** What changed since `base` was captured, one change set per capture since, oldest first. */
  readonly changed: readonly ChangeSet[];
  /** The checkpoint id of each change set in `changed`. */
  readonly changedIds: readonly number[];
}

/**
 * Tracks, for incremental checkpoints, what changed since the last *completed* checkpoint.
 *
 * Every capture closes the entries flushed since the previous capture (keys and their latest bytes, captured
 * synchronously) as a segment named by its checkpoint id. A checkpoint builds on the newest chain written before
 * it and not aborted (`writtenSince`, else the last completed one): its delta is the union of the segments after
 * that chain's checkpoint (later segments win), its chain that chain plus the delta. When a checkpoint completes,
 * its chain becomes the base and the segments up to it are dropped; an aborted checkpoint is forgotten, so the
 * next one covers its changes too. A backend that starts empty starts from `EMPTY_CHAIN`, so even its first base
 * needs no scan of LevelDB.
 *
 * Consolidation (see `shouldWriteBase`): a checkpoint writes a full base instead of a delta when there is no
 * completed chain, when the chain already holds `maxDeltas` deltas, or when the deltas would hold more than
 * `maxDeltaRatio` times the base's entries. Restore then reads at most 1 + maxDeltaRatio times the state, and a
 * chain never references more than 1 + maxDeltas files.
 */
export class IncrementalCheckpointChain {
  #lastCompleted: CheckpointChain | undefined = EMPTY_CHAIN;
  #segments: { readonly id: number; readonly changes: ChangeSet }[] = [];
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

  /** Closes the segment of `changes` for checkpoint `checkpointId` and returns what its writer builds on. */
  capture(checkpointId: number, changes: ChangeSet): ChainCapture {
    this.#segments.push({ id: checkpointId, changes });
    this.#pending.set(checkpointId, { chain: undefined, completed: false });
    const base = this.#lastCompleted;
    const segments = base === undefined ? [] : this.#segments.filter((s) => s.id > base.checkpointId);
    return { base, changed: segments.map((s) => s.changes), changedIds: segments.map((s) => s.id) };
  }

  /**
   * Chains written (not aborted) after `capture.base` and before `checkpointId`, whose completion this backend has
   * not heard of yet (the JobManager may have completed them already), oldest first.
   */
  writtenSince(capture: ChainCapture, checkpointId: number): CheckpointChain[] {
    const baseId = capture.base?.checkpointId ?? Infinity;
    const out: CheckpointChain[] = [];
    for (const [id, p] of this.#pending) if (id > baseId && id < checkpointId && p.chain !== undefined) out.push(p.chain);
    return out.sort((a, b) => a.checkpointId - b.checkpointId);
  }

  /** Whether a checkpoint should write a new base, given the chain it builds on and the number of keys in its delta. */
  shouldWriteBase(base: CheckpointChain | undefined, deltaEntries: number): boolean {
    if (base === undefined || base.parts.length === 0) return true;
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

  /** Forgets everything (the state was dropped or restored unadoptably): the next checkpoint scans for its base. */
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
