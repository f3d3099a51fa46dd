// State time-to-live: how long a state entry lives after its last write (or read), and how expired entries are cleaned up.

import { IllegalArgumentError } from '../core/errors.ts';

/** A span of time: milliseconds, or anything with `toMilliseconds()` (such as the API's `Time`). */
export type TtlDuration = number | { toMilliseconds(): number };

/** Which accesses restart an entry's time to live (Flink's `StateTtlConfig.UpdateType`). */
export const UpdateType = Object.freeze({
  /** Only creating or writing the entry restarts its time to live. */
  OnCreateAndWrite: 'OnCreateAndWrite',
  /** Reading the entry restarts its time to live too. */
  OnReadAndWrite: 'OnReadAndWrite',
} as const);
export type UpdateType = (typeof UpdateType)[keyof typeof UpdateType];

/** Whether a read may still return an expired entry (Flink's `StateTtlConfig.StateVisibility`). */
export const StateVisibility = Object.freeze({
  /** An expired entry is never returned. */
  NeverReturnExpired: 'NeverReturnExpired',
  /** An expired entry that no cleanup has removed yet is returned once, by the read that removes it. */
  ReturnExpiredIfNotCleanedUp: 'ReturnExpiredIfNotCleanedUp',
} as const);
export type StateVisibility = (typeof StateVisibility)[keyof typeof StateVisibility];

/** The plain-data form of a TTL configuration, as it is written into snapshots. */
export interface StateTtlConfigData {
  readonly ttlMs: number;
  readonly updateType: UpdateType;
  readonly stateVisibility: StateVisibility;
  readonly cleanupFullSnapshot: boolean;
  /** Entries visited per state access by incremental cleanup; 0 when incremental cleanup is off. */
  readonly incrementalCleanupSize: number;
  readonly runCleanupForEveryRecord: boolean;
}

/**
 * Time to live of keyed state, after Flink's `StateTtlConfig`. Time is processing time from the backend's Clock.
 * Reading an expired entry removes it; `cleanupIncrementally` also removes expired entries of other keys as state
 * is used, and `cleanupFullSnapshot` leaves them out of snapshots.
 *
 * @example
 * const ttl = StateTtlConfig.newBuilder(Time.hours(1))
 *   .setUpdateType(UpdateType.OnReadAndWrite)
 *   .setStateVisibility(StateVisibility.NeverReturnExpired)
 *   .cleanupIncrementally(10, false)
 *   .build();
 * new ValueStateDescriptor<number>('count').enableTimeToLive(ttl);
 */
export class StateTtlConfig implements StateTtlConfigData {
  static readonly UpdateType = UpdateType;
  static readonly StateVisibility = StateVisibility;

  readonly ttlMs: number;
  readonly updateType: UpdateType;
  readonly stateVisibility: StateVisibility;
  readonly cleanupFullSnapshot: boolean;
  readonly incrementalCleanupSize: number;
  readonly runCleanupForEveryRecord: boolean;

  /** Use `StateTtlConfig.newBuilder(ttl)...build()`; this constructor takes the already validated data. */
  constructor(data: StateTtlConfigData) {
    this.ttlMs = data.ttlMs;
    this.updateType = data.updateType;
    this.stateVisibility = data.stateVisibility;
    this.cleanupFullSnapshot = data.cleanupFullSnapshot;
    this.incrementalCleanupSize = data.incrementalCleanupSize;
    this.runCleanupForEveryRecord = data.runCleanupForEveryRecord;
    Object.freeze(this);
  }

  /** Starts a configuration whose entries live `ttl` (milliseconds or a `Time`) after their last update. */
  static newBuilder(ttl: TtlDuration): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttl);
  }

  /** Rebuilds a configuration from its plain-data form (from a snapshot). */
  static fromData(data: StateTtlConfigData): StateTtlConfig {
    return data instanceof StateTtlConfig ? data : new StateTtlConfig(data);
  }

  /** The plain-data form, for snapshots. */
  toData(): StateTtlConfigData {
    return {
      ttlMs: this.ttlMs,
      updateType: this.updateType,
      stateVisibility: this.stateVisibility,
      cleanupFullSnapshot: this.cleanupFullSnapshot,
      incrementalCleanupSize: this.incrementalCleanupSize,
      runCleanupForEveryRecord: this.runCleanupForEveryRecord,
    };
  }
}

/** Builder of a StateTtlConfig; defaults as Flink's: OnCreateAndWrite, NeverReturnExpired, no extra cleanup. */
export class StateTtlConfigBuilder {
  #ttlMs: number;
  #updateType: UpdateType = UpdateType.OnCreateAndWrite;
  #visibility: StateVisibility = StateVisibility.NeverReturnExpired;
  #fullSnapshot = false;
  #incrementalSize = 0;
  #everyRecord = false;

  constructor(ttl: TtlDuration) {
    this.#ttlMs = toTtlMillis(ttl);
  }

  /** Sets the time to live (milliseconds or a `Time`). */
  setTtl(ttl: TtlDuration): this {
    this.#ttlMs = toTtlMillis(ttl);
    return this;
  }

  setUpdateType(updateType: UpdateType): this {
    if (updateType !== UpdateType.OnCreateAndWrite && updateType !== UpdateType.OnReadAndWrite) {
      throw new IllegalArgumentError(`the TTL update type must be OnCreateAndWrite or OnReadAndWrite, got ${String(updateType)}`);
    }
    this.#updateType = updateType;
    return this;
  }

  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType(UpdateType.OnCreateAndWrite);
  }

  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType(UpdateType.OnReadAndWrite);
  }

  setStateVisibility(visibility: StateVisibility): this {
    if (visibility !== StateVisibility.NeverReturnExpired && visibility !== StateVisibility.ReturnExpiredIfNotCleanedUp) {
      throw new IllegalArgumentError(
        `the TTL state visibility must be NeverReturnExpired or ReturnExpiredIfNotCleanedUp, got ${String(visibility)}`,
      );
    }
    this.#visibility = visibility;
    return this;
  }

  neverReturnExpired(): this {
    return this.setStateVisibility(StateVisibility.NeverReturnExpired);
  }

  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility(StateVisibility.ReturnExpiredIfNotCleanedUp);
  }

  /** Leaves expired entries out of full snapshots (the live state keeps them until another cleanup runs). */
  cleanupFullSnapshot(): this {
    this.#fullSnapshot = true;
    return this;
  }

  /**
   * Visits `cleanupSize` entries of the state at each access to it and removes the expired ones, resuming where
   * the previous visit stopped; with `runCleanupForEveryRecord` a visit also runs every time the current key is set.
   */
  cleanupIncrementally(cleanupSize: number, runCleanupForEveryRecord: boolean): this {
    if (!Number.isInteger(cleanupSize) || cleanupSize < 1) {
      throw new IllegalArgumentError(`the incremental cleanup size must be an integer >= 1, got ${cleanupSize}`);
    }
    this.#incrementalSize = cleanupSize;
    this.#everyRecord = runCleanupForEveryRecord;
    return this;
  }

  build(): StateTtlConfig {
    return new StateTtlConfig({
      ttlMs: this.#ttlMs,
      updateType: this.#updateType,
      stateVisibility: this.#visibility,
      cleanupFullSnapshot: this.#fullSnapshot,
      incrementalCleanupSize: this.#incrementalSize,
      runCleanupForEveryRecord: this.#everyRecord,
    });
  }
}

function toTtlMillis(ttl: TtlDuration): number {
  const ms = typeof ttl === 'number' ? ttl : ttl.toMilliseconds();
  if (!Number.isFinite(ms) || ms <= 0) throw new IllegalArgumentError(`a state TTL must be > 0 ms, got ${ms}`);
  return ms;
}
