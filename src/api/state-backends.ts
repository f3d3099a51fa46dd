// State backends as the API names them (Flink 1.x): which keyed state backend a job uses and where checkpoints go.

import { CheckpointingOptions, StateBackendOptions } from '../config/checkpointing-options.ts';
import type { Configuration } from '../config/configuration.ts';
import { IllegalArgumentError } from '../core/errors.ts';
import { PredefinedOptions } from '../state/leveldb/predefined-options.ts';

/** A state backend choice; `env.setStateBackend` writes it into the job's configuration (`state.backend`, ...). */
export interface StateBackend {
  /** Sets the configuration keys this backend stands for. */
  applyTo(configuration: Configuration): void;
}

function checkUri(uri: string, what: string): string {
  if (typeof uri !== 'string' || uri.trim() === '') throw new IllegalArgumentError(`${what} needs a directory path or file:// URI`);
  return uri;
}

/** Heap state; checkpoints kept by the JobManager, inline in `_metadata` (at most `maxStateSize` bytes per part). */
export class MemoryStateBackend implements StateBackend {
  static readonly DEFAULT_MAX_STATE_SIZE = 5 * 1024 * 1024;
  constructor(readonly maxStateSize = MemoryStateBackend.DEFAULT_MAX_STATE_SIZE) {
    if (!Number.isInteger(maxStateSize) || maxStateSize < 1) {
      throw new IllegalArgumentError(`maxStateSize must be a whole number of bytes >= 1, got ${maxStateSize}`);
    }
  }
  getMaxStateSize(): number {
    return this.maxStateSize;
  }
  applyTo(configuration: Configuration): void {
    configuration.set(StateBackendOptions.STATE_BACKEND, 'jobmanager');
    configuration.set(CheckpointingOptions.CHECKPOINT_STORAGE, 'jobmanager');
    configuration.set(CheckpointingOptions.JOBMANAGER_MAX_STATE_SIZE, this.maxStateSize);
  }
}

/** Heap state; where checkpoints go is set separately (`getCheckpointConfig().setCheckpointStorage(dir)`). */
export class HashMapStateBackend implements StateBackend {
  applyTo(configuration: Configuration): void {
    configuration.set(StateBackendOptions.STATE_BACKEND, 'hashmap');
  }
}

/** Heap state; snapshot files under `checkpointUri` (asynchronous by default). */
export class FsStateBackend implements StateBackend {
  constructor(
    readonly checkpointUri: string,
    readonly asynchronousSnapshots = true,
  ) {
    checkUri(checkpointUri, 'FsStateBackend');
  }
  getCheckpointPath(): string {
    return this.checkpointUri;
  }
  isUsingAsynchronousSnapshots(): boolean {
    return this.asynchronousSnapshots;
  }
  applyTo(configuration: Configuration): void {
    configuration.set(StateBackendOptions.STATE_BACKEND, 'filesystem');
    configuration.set(StateBackendOptions.ASYNC_SNAPSHOTS, this.asynchronousSnapshots);
    configuration.set(CheckpointingOptions.CHECKPOINT_STORAGE, 'filesystem');
    configuration.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, this.checkpointUri);
  }
}

export { PredefinedOptions } from '../state/leveldb/predefined-options.ts';

/**
 * Keyed state in a classic-level (LevelDB) database per task, on local disk; checkpoints under `checkpointUri`,
 * incremental by default (only what changed since the last completed checkpoint is written).
 *
 * @example
 * env.setStateBackend(new LevelDBStateBackend('file:///tmp/ckp', true).setPredefinedOptions(PredefinedOptions.FLASH_SSD_OPTIMIZED));
 */
export class LevelDBStateBackend implements StateBackend {
  #options: PredefinedOptions = 'DEFAULT';
  constructor(
    readonly checkpointUri: string,
    readonly incremental = true,
  ) {
    checkUri(checkpointUri, 'LevelDBStateBackend');
  }
  setPredefinedOptions(options: PredefinedOptions): this {
    if (!Object.values(PredefinedOptions).includes(options)) {
      throw new IllegalArgumentError(`unknown PredefinedOptions ${String(options)}; use one of ${Object.values(PredefinedOptions).join(', ')}`);
    }
    this.#options = options;
    return this;
  }
  getPredefinedOptions(): PredefinedOptions {
    return this.#options;
  }
  isIncrementalCheckpointsEnabled(): boolean {
    return this.incremental;
  }
  getCheckpointPath(): string {
    return this.checkpointUri;
  }
  applyTo(configuration: Configuration): void {
    configuration.set(StateBackendOptions.STATE_BACKEND, 'leveldb');
    configuration.set(StateBackendOptions.INCREMENTAL, this.incremental);
    configuration.set(StateBackendOptions.LEVELDB_PREDEFINED_OPTIONS, this.#options);
    configuration.set(CheckpointingOptions.CHECKPOINT_STORAGE, 'filesystem');
    configuration.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, this.checkpointUri);
  }
}
