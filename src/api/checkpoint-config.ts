// CheckpointConfig: the checkpoint settings of a job (env.getCheckpointConfig()), backed by its Configuration.

import { CheckpointingOptions, INTEGER_MAX_VALUE } from '../config/checkpointing-options.ts';
import type { Configuration } from '../config/configuration.ts';
import { IllegalArgumentError } from '../core/errors.ts';

/** Aligned (exactly-once state) or unaligned-by-not-waiting (at-least-once) barrier handling. */
export type CheckpointingMode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
export const CheckpointingMode = Object.freeze({ EXACTLY_ONCE: 'EXACTLY_ONCE', AT_LEAST_ONCE: 'AT_LEAST_ONCE' } as const);

/** What happens to retained checkpoints when the job is cancelled (Flink's ExternalizedCheckpointCleanup). */
export type ExternalizedCheckpointCleanup = 'DELETE_ON_CANCELLATION' | 'RETAIN_ON_CANCELLATION' | 'NO_EXTERNALIZED_CHECKPOINTS';
export const ExternalizedCheckpointCleanup = Object.freeze({
  DELETE_ON_CANCELLATION: 'DELETE_ON_CANCELLATION',
  RETAIN_ON_CANCELLATION: 'RETAIN_ON_CANCELLATION',
  NO_EXTERNALIZED_CHECKPOINTS: 'NO_EXTERNALIZED_CHECKPOINTS',
} as const);

/** Flink's lower bound for the checkpoint interval and timeout. */
export const MINIMAL_CHECKPOINT_TIME = 10;

/**
 * Checkpoint settings with Flink's defaults and validation.
 *
 * @example
 * env.enableCheckpointing(10_000);
 * const cp = env.getCheckpointConfig();
 * cp.setCheckpointingMode(CheckpointingMode.AT_LEAST_ONCE);
 * cp.setMinPauseBetweenCheckpoints(30_000);
 * cp.enableExternalizedCheckpoints(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
 */
export class CheckpointConfig {
  /** Whether setTolerableCheckpointFailureNumber was called (setFailOnCheckpointingErrors then yields, as in Flink). */
  #tolerableSet = false;

  constructor(private readonly configuration: Configuration) {}

  isCheckpointingEnabled(): boolean {
    return this.configuration.get(CheckpointingOptions.INTERVAL) > 0;
  }

  /** The interval in ms, or -1 when checkpointing is off. */
  getCheckpointInterval(): number {
    const interval = this.configuration.get(CheckpointingOptions.INTERVAL);
    return interval > 0 ? interval : -1;
  }

  setCheckpointInterval(intervalMs: number): this {
    if (!(intervalMs >= MINIMAL_CHECKPOINT_TIME)) {
      throw new IllegalArgumentError(`Checkpoint interval must be larger than or equal to ${MINIMAL_CHECKPOINT_TIME} ms, got ${intervalMs}`);
    }
    this.configuration.set(CheckpointingOptions.INTERVAL, intervalMs);
    return this;
  }

  getCheckpointingMode(): CheckpointingMode {
    return this.configuration.get(CheckpointingOptions.MODE);
  }

  setCheckpointingMode(mode: CheckpointingMode): this {
    if (mode !== 'EXACTLY_ONCE' && mode !== 'AT_LEAST_ONCE') {
      throw new IllegalArgumentError(`checkpointing mode must be EXACTLY_ONCE or AT_LEAST_ONCE, got ${String(mode)}`);
    }
    this.configuration.set(CheckpointingOptions.MODE, mode);
    return this;
  }

  getCheckpointTimeout(): number {
    return this.configuration.get(CheckpointingOptions.TIMEOUT);
  }

  setCheckpointTimeout(timeoutMs: number): this {
    if (!(timeoutMs >= MINIMAL_CHECKPOINT_TIME)) {
      throw new IllegalArgumentError(`Checkpoint timeout must be larger than or equal to ${MINIMAL_CHECKPOINT_TIME} ms, got ${timeoutMs}`);
    }
    this.configuration.set(CheckpointingOptions.TIMEOUT, timeoutMs);
    return this;
  }

  getMinPauseBetweenCheckpoints(): number {
    return this.configuration.get(CheckpointingOptions.MIN_PAUSE);
  }

  setMinPauseBetweenCheckpoints(minPauseMs: number): this {
    if (!(minPauseMs >= 0)) throw new IllegalArgumentError(`Pause value must be zero or positive, got ${minPauseMs}`);
    this.configuration.set(CheckpointingOptions.MIN_PAUSE, minPauseMs);
    return this;
  }

  getMaxConcurrentCheckpoints(): number {
    return this.configuration.get(CheckpointingOptions.MAX_CONCURRENT);
  }

  setMaxConcurrentCheckpoints(max: number): this {
    if (!Number.isInteger(max) || max < 1) {
      throw new IllegalArgumentError(`The maximum number of concurrent attempts must be at least one, got ${max}`);
    }
    this.configuration.set(CheckpointingOptions.MAX_CONCURRENT, max);
    return this;
  }

  getTolerableCheckpointFailureNumber(): number {
    return this.configuration.get(CheckpointingOptions.TOLERABLE_FAILURES);
  }

  setTolerableCheckpointFailureNumber(n: number): this {
    if (!Number.isInteger(n) || n < 0) {
      throw new IllegalArgumentError(`The tolerable failure checkpoint number must be non-negative, got ${n}`);
    }
    this.#tolerableSet = true;
    this.configuration.set(CheckpointingOptions.TOLERABLE_FAILURES, n);
    return this;
  }

  /**
   * @deprecated Use setTolerableCheckpointFailureNumber. As in Flink: true means 0 tolerable failures, false
   * unlimited; ignored once a tolerable number was set.
   */
  setFailOnCheckpointingErrors(fail: boolean): this {
    if (this.#tolerableSet) return this;
    this.configuration.set(CheckpointingOptions.TOLERABLE_FAILURES, fail ? 0 : INTEGER_MAX_VALUE);
    return this;
  }

  /** @deprecated See setFailOnCheckpointingErrors. */
  isFailOnCheckpointingErrors(): boolean {
    return this.getTolerableCheckpointFailureNumber() === 0;
  }

  enableExternalizedCheckpoints(cleanup: ExternalizedCheckpointCleanup): this {
    if (!Object.values(ExternalizedCheckpointCleanup).includes(cleanup)) {
      throw new IllegalArgumentError(`unknown ExternalizedCheckpointCleanup ${String(cleanup)}`);
    }
    this.configuration.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT, cleanup);
    return this;
  }

  /** Flink 1.15+ name of enableExternalizedCheckpoints. */
  setExternalizedCheckpointCleanup(cleanup: ExternalizedCheckpointCleanup): this {
    return this.enableExternalizedCheckpoints(cleanup);
  }

  getExternalizedCheckpointCleanup(): ExternalizedCheckpointCleanup {
    return this.configuration.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT);
  }

  isExternalizedCheckpointsEnabled(): boolean {
    return this.getExternalizedCheckpointCleanup() !== 'NO_EXTERNALIZED_CHECKPOINTS';
  }

  /** Writes checkpoints under `dir` (a path or file:// URI): `<dir>/<jobId>/chk-<n>/`. */
  setCheckpointStorage(dir: string): this {
    if (typeof dir !== 'string' || dir.trim() === '') {
      throw new IllegalArgumentError('setCheckpointStorage takes a directory path or file:// URI');
    }
    this.configuration.set(CheckpointingOptions.CHECKPOINT_STORAGE, 'filesystem');
    this.configuration.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
    return this;
  }

  getCheckpointStorage(): string | undefined {
    const dir = this.configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
    return dir === '' ? undefined : dir;
  }

  setNumRetainedCheckpoints(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new IllegalArgumentError(`retained checkpoints must be >= 1, got ${n}`);
    this.configuration.set(CheckpointingOptions.NUM_RETAINED, n);
    return this;
  }
}
