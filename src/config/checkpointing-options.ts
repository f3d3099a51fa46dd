// Configuration keys of checkpointing, state backends, checkpoint storage and restart strategies (Flink's keys).

import { ConfigurationError } from '../core/errors.ts';
import {
  booleanOption,
  durationOption,
  enumOption,
  intOption,
  stringOption,
  type ConfigOption,
} from './config-option.ts';

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|bytes|k|kb|kib|kibibytes|m|mb|mib|mebibytes|g|gb|gib|gibibytes)?\s*$/i;
const SIZE_UNIT: Record<string, number> = {
  b: 1, bytes: 1,
  k: 1024, kb: 1024, kib: 1024, kibibytes: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, mebibytes: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, gibibytes: 1024 ** 3,
};

/** A memory size in bytes; accepts a number (bytes) or Flink's size strings ("20 kb", "5 mb"). */
export function memorySizeOption(key: string, defaultValue: number, description: string): ConfigOption<number> {
  return {
    key,
    defaultValue,
    description,
    parse(raw) {
      let value: number;
      if (typeof raw === 'number') value = raw;
      else if (typeof raw === 'string' && SIZE.test(raw)) {
        const [, amount, unit] = SIZE.exec(raw)!;
        value = Math.round(Number(amount) * SIZE_UNIT[(unit ?? 'b').toLowerCase()]!);
      } else {
        throw new ConfigurationError(key, `${key} must be a memory size such as "20 kb" or "5 mb", got ${JSON.stringify(raw)}`);
      }
      if (!Number.isFinite(value) || value < 0) throw new ConfigurationError(key, `${key} must be >= 0 bytes, got ${JSON.stringify(raw)}`);
      return value;
    },
  };
}

/** A floating-point number within a range. */
export function numberOption(
  key: string,
  defaultValue: number,
  description: string,
  range: { min?: number; max?: number } = {},
): ConfigOption<number> {
  return {
    key,
    defaultValue,
    description,
    parse(raw) {
      const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ConfigurationError(key, `${key} must be a number, got ${JSON.stringify(raw)}`);
      }
      if (range.min !== undefined && value < range.min) throw new ConfigurationError(key, `${key} must be >= ${range.min}, got ${value}`);
      if (range.max !== undefined && value > range.max) throw new ConfigurationError(key, `${key} must be <= ${range.max}, got ${value}`);
      return value;
    },
  };
}

/** Java's Integer.MAX_VALUE: "unlimited" restart attempts and tolerable failures, as Flink writes it. */
export const INTEGER_MAX_VALUE = 2_147_483_647;

export const CheckpointingOptions = {
  /** 0: checkpointing off (Flink: no value). */
  INTERVAL: durationOption(
    'execution.checkpointing.interval',
    0,
    'Interval between checkpoints; 0 disables periodic checkpointing (env.enableCheckpointing(ms) sets it).',
  ),
  MODE: enumOption(
    'execution.checkpointing.mode',
    ['EXACTLY_ONCE', 'AT_LEAST_ONCE'] as const,
    'EXACTLY_ONCE',
    'EXACTLY_ONCE aligns barriers (a channel that delivered barrier n waits for the others); AT_LEAST_ONCE does not block.',
  ),
  TIMEOUT: durationOption('execution.checkpointing.timeout', 600_000, 'A checkpoint not complete after this long is aborted.', 1),
  MIN_PAUSE: durationOption(
    'execution.checkpointing.min-pause',
    0,
    'Least time between the end of one checkpoint and the start of the next.',
  ),
  MAX_CONCURRENT: intOption(
    'execution.checkpointing.max-concurrent-checkpoints',
    1,
    'Checkpoints that may be in progress at once.',
    { min: 1 },
  ),
  TOLERABLE_FAILURES: intOption(
    'execution.checkpointing.tolerable-failed-checkpoints',
    0,
    'Consecutive checkpoint failures tolerated before the job fails over.',
    { min: 0 },
  ),
  EXTERNALIZED_CHECKPOINT: enumOption(
    'execution.checkpointing.externalized-checkpoint-retention',
    ['NO_EXTERNALIZED_CHECKPOINTS', 'DELETE_ON_CANCELLATION', 'RETAIN_ON_CANCELLATION'] as const,
    'NO_EXTERNALIZED_CHECKPOINTS',
    'Whether retained checkpoints survive the job: RETAIN_ON_CANCELLATION keeps them when the job is cancelled ' +
      '(and when it fails), DELETE_ON_CANCELLATION and NO_EXTERNALIZED_CHECKPOINTS delete them when it is cancelled.',
  ),
  NUM_RETAINED: intOption('state.checkpoints.num-retained', 1, 'Completed checkpoints kept.', { min: 1 }),
  HISTORY_SIZE: intOption(
    'web.checkpoints.history',
    10,
    'Recent checkpoints (in progress, completed and failed) the REST API and web UI show per job.',
    { min: 1, max: 1000 },
  ),
  SNAPSHOT_COMPRESSION: booleanOption(
    'execution.checkpointing.snapshot-compression',
    false,
    'Compress keyed state snapshots (deflate) in checkpoints and savepoints.',
  ),
  CHECKPOINTS_DIRECTORY: stringOption(
    'state.checkpoints.dir',
    '',
    'Directory (path or file:// URI) checkpoints are written to: <dir>/<jobId>/chk-<n>/_metadata. Empty: ' +
      'checkpoints are kept in the JobManager\'s memory only.',
  ),
  SAVEPOINT_DIRECTORY: stringOption('state.savepoints.dir', '', 'Default directory of savepoints.'),
  SAVEPOINT_PATH: stringOption(
    'execution.savepoint.path',
    '',
    'Start the job from this savepoint or retained checkpoint (its directory or _metadata file) — `sluice run -s`.',
  ),
  SAVEPOINT_IGNORE_UNCLAIMED_STATE: booleanOption(
    'execution.savepoint.ignore-unclaimed-state',
    false,
    'Allow state of the savepoint that no operator of the job claims (Flink\'s --allowNonRestoredState, `-n`).',
  ),
  CHECKPOINT_STORAGE: enumOption(
    'state.checkpoint-storage',
    ['jobmanager', 'filesystem'] as const,
    'jobmanager',
    'Where checkpoints go: jobmanager (inline in memory, small state) or filesystem (state.checkpoints.dir).',
  ),
  FS_MEMORY_THRESHOLD: memorySizeOption(
    'state.storage.fs.memory-threshold',
    20 * 1024,
    'State parts up to this size are inlined into _metadata instead of written to files.',
  ),
  JOBMANAGER_MAX_STATE_SIZE: memorySizeOption(
    'state.backend.memory.max-state-size',
    5 * 1024 * 1024,
    'Largest state part a memory (jobmanager) checkpoint accepts; a bigger one declines the checkpoint.',
  ),
} as const;

export const StateBackendOptions = {
  STATE_BACKEND: enumOption(
    'state.backend',
    ['hashmap', 'jobmanager', 'filesystem', 'leveldb'] as const,
    'hashmap',
    'The keyed state backend: hashmap (heap state), jobmanager (heap state, memory checkpoints), filesystem ' +
      '(heap state, file checkpoints) or leveldb (state on disk in classic-level, incremental checkpoints).',
  ),
  ASYNC_SNAPSHOTS: booleanOption('state.backend.async', true, 'Write snapshots asynchronously (heap backends).'),
  INCREMENTAL: booleanOption(
    'state.backend.incremental',
    false,
    'Incremental checkpoints (leveldb): write only what changed since the last completed checkpoint.',
  ),
  LOCAL_RECOVERY: booleanOption(
    'state.backend.local-recovery',
    false,
    'Keep a local copy of each task\'s snapshot and restore from it when the task comes back to its TaskManager.',
  ),
  LOCAL_ROOT_DIRS: stringOption(
    'taskmanager.state.local.root-dirs',
    '',
    'Directories of local state (LevelDB working dirs, local recovery copies); default: the system temp dir.',
  ),
  LEVELDB_PREDEFINED_OPTIONS: enumOption(
    'state.backend.leveldb.predefined-options',
    ['DEFAULT', 'SPINNING_DISK_OPTIMIZED', 'SPINNING_DISK_OPTIMIZED_HIGH_MEM', 'FLASH_SSD_OPTIMIZED'] as const,
    'DEFAULT',
    'LevelDB option presets (Flink\'s PredefinedOptions).',
  ),
} as const;

export const RestartStrategyOptions = {
  TYPE: enumOption(
    'restart-strategy.type',
    ['', 'none', 'off', 'disable', 'fixed-delay', 'fixeddelay', 'failure-rate', 'failurerate', 'exponential-delay', 'exponentialdelay'] as const,
    '',
    'How a failed job restarts. Unset: fixed-delay with unlimited attempts when checkpointing is on, else none.',
  ),
  FIXED_DELAY_ATTEMPTS: intOption('restart-strategy.fixed-delay.attempts', 1, 'Restarts before the job fails.', { min: 0 }),
  FIXED_DELAY_DELAY: durationOption('restart-strategy.fixed-delay.delay', 1_000, 'Wait before each restart.'),
  FAILURE_RATE_MAX_FAILURES: intOption(
    'restart-strategy.failure-rate.max-failures-per-interval',
    1,
    'Failures within the interval that fail the job.',
    { min: 1 },
  ),
  FAILURE_RATE_INTERVAL: durationOption('restart-strategy.failure-rate.failure-rate-interval', 60_000, 'Window of the failure rate.', 1),
  FAILURE_RATE_DELAY: durationOption('restart-strategy.failure-rate.delay', 1_000, 'Wait before each restart.'),
  EXPONENTIAL_INITIAL_BACKOFF: durationOption('restart-strategy.exponential-delay.initial-backoff', 1_000, 'First wait.'),
  EXPONENTIAL_MAX_BACKOFF: durationOption('restart-strategy.exponential-delay.max-backoff', 300_000, 'Longest wait.'),
  EXPONENTIAL_MULTIPLIER: numberOption('restart-strategy.exponential-delay.backoff-multiplier', 2.0, 'Growth of the wait.', { min: 1 }),
  EXPONENTIAL_RESET_THRESHOLD: durationOption(
    'restart-strategy.exponential-delay.reset-backoff-threshold',
    3_600_000,
    'Running this long without failure resets the wait to the initial backoff.',
    1,
  ),
  EXPONENTIAL_JITTER: numberOption('restart-strategy.exponential-delay.jitter-factor', 0.1, 'Random spread of the wait.', { min: 0, max: 1 }),
} as const;

export const CHECKPOINTING_OPTIONS: readonly ConfigOption<unknown>[] = [
  ...Object.values(CheckpointingOptions),
  ...Object.values(StateBackendOptions),
  ...Object.values(RestartStrategyOptions),
] as ConfigOption<unknown>[];
