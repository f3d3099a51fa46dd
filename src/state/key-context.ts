// The current key of a keyed backend: the key, its canonical form and its key group, set once per record.

import { SluiceError } from '../core/errors.ts';
import { assignToKeyGroup, canonicalKey, type Key, type KeyGroupRange } from './key-group.ts';

/** A key's storage form: primitives as they are, composite keys as a canonical string (see `canonicalKey`). */
export type CanonicalKey = string | number | bigint | boolean;

/**
 * Holds the current key for state objects and timer services of one backend. Fields are read on the per-record
 * path, so they are plain fields; `setCurrentKey` is the only writer.
 */
export class KeyContext {
  /** The current key; undefined before the first `setCurrentKey`. */
  currentKey: Key | undefined = undefined;
  /** `canonicalKey(currentKey)`: what state is stored under. */
  currentCanonicalKey: CanonicalKey = '';
  /** The current key's key group. */
  currentKeyGroup = -1;
  /** `currentKeyGroup - keyGroupRange.startKeyGroup`, the index into per-key-group storage; -1 when no key is set. */
  currentKeyGroupIndex = -1;
  /** Bumped by every `setCurrentKey` (state objects cache the current key's entry per epoch). */
  epoch = 0;
  readonly #listeners: (() => void)[] = [];

  constructor(
    readonly keyGroupRange: KeyGroupRange,
    readonly maxParallelism: number,
  ) {}

  /**
   * Makes `key` current: computes its key group (Flink's `assignToKeyGroup`) and canonical form. Throws
   * KEY_GROUP_OUT_OF_RANGE when the key belongs to another subtask's key groups.
   */
  setCurrentKey(key: Key): void {
    this.epoch++;
    // A repeated primitive key keeps its cached key group; objects may have been mutated, so they are recomputed.
    if (key !== this.currentKey || typeof key === 'object') {
      const keyGroup = assignToKeyGroup(key, this.maxParallelism);
      const range = this.keyGroupRange;
      if (keyGroup < range.startKeyGroup || keyGroup > range.endKeyGroup) {
        throw new SluiceError(
          'KEY_GROUP_OUT_OF_RANGE',
          `key ${describeKey(key)} is in key group ${keyGroup}, outside this backend's key groups ` +
            `${range.startKeyGroup}..${range.endKeyGroup} (max parallelism ${this.maxParallelism}). ` +
            `The record was routed to the wrong subtask: the key selector must be deterministic, and the ` +
            `partitioner and the backend must use the same max parallelism.`,
        );
      }
      this.currentKey = key;
      this.currentCanonicalKey = canonicalKey(key);
      this.currentKeyGroup = keyGroup;
      this.currentKeyGroupIndex = keyGroup - range.startKeyGroup;
    }
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!();
  }

  /** Calls `listener` after every `setCurrentKey` (incremental TTL cleanup that runs for every record). */
  addKeySelectionListener(listener: () => void): void {
    this.#listeners.push(listener);
  }
}

function describeKey(key: unknown): string {
  try {
    return typeof key === 'string' ? JSON.stringify(key) : String(canonicalKey(key)).replace('\u0001', '');
  } catch {
    return typeof key;
  }
}
