// When a FileSink closes its in-progress part file and starts a new one (Flink's RollingPolicy, DefaultRollingPolicy).

import { IllegalArgumentError } from '../core/errors.ts';

/** What a rolling policy may know about the part file being written. */
export interface PartFileInfo {
  /** Processing time (ms) when the part was opened. */
  readonly creationTime: number;
  /** Processing time (ms) of the last write into it. */
  readonly lastUpdateTime: number;
  /** Bytes written into it so far (buffered bytes included). */
  readonly size: number;
}

/** Decides when the in-progress part file rolls: it is closed, finished and a new part starts with the next record. */
export interface RollingPolicy {
  /** Checked before each record is written into an existing part. */
  shouldRollOnEvent(part: PartFileInfo): boolean;
  /** Checked against the current processing time (today on each write, before `shouldRollOnEvent`). */
  shouldRollOnProcessingTime(part: PartFileInfo, currentTime: number): boolean;
  /** Checked at a checkpoint; reserved for the two-phase-commit sink. */
  shouldRollOnCheckpoint(part: PartFileInfo): boolean;
}

/**
 * Rolls when a part reaches `maxPartSize` bytes, is `rolloverInterval` ms old, or has had no write for
 * `inactivityInterval` ms. Defaults as Flink's: 128 MiB, 60 s, 60 s.
 *
 * @example
 * DefaultRollingPolicy.builder().withMaxPartSize(1024 * 1024).withRolloverInterval(15 * 60_000).build();
 */
export class DefaultRollingPolicy implements RollingPolicy {
  static readonly DEFAULT_MAX_PART_SIZE = 128 * 1024 * 1024;
  static readonly DEFAULT_ROLLOVER_INTERVAL = 60_000;
  static readonly DEFAULT_INACTIVITY_INTERVAL = 60_000;

  private constructor(
    readonly maxPartSize: number,
    readonly rolloverInterval: number,
    readonly inactivityInterval: number,
  ) {
    Object.freeze(this);
  }

  /** A builder starting from the defaults. */
  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder();
  }

  /** @internal Used by the builder, which validates. */
  static create(maxPartSize: number, rolloverInterval: number, inactivityInterval: number): DefaultRollingPolicy {
    return new DefaultRollingPolicy(maxPartSize, rolloverInterval, inactivityInterval);
  }

  shouldRollOnEvent(part: PartFileInfo): boolean {
    return part.size >= this.maxPartSize;
  }

  shouldRollOnProcessingTime(part: PartFileInfo, currentTime: number): boolean {
    return (
      currentTime - part.creationTime >= this.rolloverInterval ||
      currentTime - part.lastUpdateTime >= this.inactivityInterval
    );
  }

  shouldRollOnCheckpoint(part: PartFileInfo): boolean {
    return part.size >= this.maxPartSize;
  }
}

/** Builds a DefaultRollingPolicy; every value must be a positive number. */
export class DefaultRollingPolicyBuilder {
  #maxPartSize = DefaultRollingPolicy.DEFAULT_MAX_PART_SIZE;
  #rolloverInterval = DefaultRollingPolicy.DEFAULT_ROLLOVER_INTERVAL;
  #inactivityInterval = DefaultRollingPolicy.DEFAULT_INACTIVITY_INTERVAL;

  /** Roll once a part holds at least this many bytes. */
  withMaxPartSize(bytes: number): this {
    this.#maxPartSize = positive('maxPartSize', bytes);
    return this;
  }

  /** Roll once a part is this many milliseconds old. */
  withRolloverInterval(ms: number): this {
    this.#rolloverInterval = positive('rolloverInterval', ms);
    return this;
  }

  /** Roll once a part has had no write for this many milliseconds. */
  withInactivityInterval(ms: number): this {
    this.#inactivityInterval = positive('inactivityInterval', ms);
    return this;
  }

  build(): DefaultRollingPolicy {
    return DefaultRollingPolicy.create(this.#maxPartSize, this.#rolloverInterval, this.#inactivityInterval);
  }
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0)) {
    throw new IllegalArgumentError(`DefaultRollingPolicy ${name} must be a number > 0, got ${String(value)}`);
  }
  return value;
}
