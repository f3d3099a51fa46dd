// Every configuration key sluice knows, with its default: the one place defaults live.

import { ConfigurationError } from '../core/errors.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogLevel } from '../core/logger.ts';
import { type ConfigOption, intOption, durationOption, enumOption, booleanOption, stringOption } from './config-option.ts';
import { MetricOptions } from './metric-options.ts';
import { CHECKPOINTING_OPTIONS } from './checkpointing-options.ts';
import { REST_OPTIONS } from './rest-options.ts';
import { CLUSTER_OPTIONS } from './cluster-options.ts';

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const LOG_LEVEL_ALIASES: Readonly<Record<string, LogLevel>> = { off: 'silent', warning: 'warn', all: 'trace' };

/** A log level; case-insensitive, so log4j's spelling (INFO, WARN, OFF) works too. */
export function logLevelOption(key: string, defaultValue: LogLevel, description: string): ConfigOption<LogLevel> {
  return {
    key,
    defaultValue,
    description,
    parse(raw) {
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
      const level = text === undefined ? undefined : (LOG_LEVELS as readonly string[]).includes(text) ? (text as LogLevel) : LOG_LEVEL_ALIASES[text];
      if (level === undefined) {
        throw new ConfigurationError(key, `${key} must be one of ${LOG_LEVELS.join(', ')} (or off), got ${JSON.stringify(raw)}`);
      }
      return level;
    },
  };
}

const maxParallelismInt = intOption(
  'pipeline.max-parallelism',
  -1,
  'Maximum parallelism (number of key groups); -1 derives it from the parallelism as Flink does.',
  { min: -1, max: 32768 },
);

export const CoreOptions = {
  DEFAULT_PARALLELISM: intOption('parallelism.default', 1, 'Parallelism of operators that set none.', { min: 1 }),
  MAX_PARALLELISM: {
    ...maxParallelismInt,
    parse(raw: unknown): number {
      const value = maxParallelismInt.parse(raw);
      if (value === 0) {
        throw new ConfigurationError(
          maxParallelismInt.key,
          `pipeline.max-parallelism must be -1 (derive it) or from 1 to 32768, got 0`,
        );
      }
      return value;
    },
  } satisfies ConfigOption<number>,
  EXECUTION_RUNTIME: enumOption(
    'execution.runtime',
    ['auto', 'local', 'threads'] as const,
    'auto',
    'Where tasks run: local (in-process, any closure works), threads (worker-thread TaskManagers; the job must ' +
      'be an importable module), auto (threads when parallelism > 1 and the job has a module, else local).',
  ),
  BUFFER_TIMEOUT: durationOption(
    'execution.buffer-timeout',
    100,
    'Longest time a partly filled network buffer waits before it is sent; 0 sends after every batch, ' +
      '-1 only when full (and at the end of input).',
    -1,
  ),
  OPERATOR_CHAINING: booleanOption('pipeline.operator-chaining', true, 'Chain operators into one task where Flink would.'),
  AUTO_WATERMARK_INTERVAL: durationOption('pipeline.auto-watermark-interval', 200, 'Interval of periodic watermarks.'),
  LATENCY_INTERVAL: durationOption(
    'metrics.latency.interval',
    0,
    'How often sources emit latency markers; 0 turns latency tracking off (the default: it costs nothing then).',
  ),
  LATENCY_GRANULARITY: enumOption(
    'metrics.latency.granularity',
    ['single', 'operator', 'subtask'] as const,
    'operator',
    'Latency histograms per operator only (single), per source operator (operator), or per source subtask (subtask).',
  ),
  SYSTEM_METRICS: booleanOption(
    'metrics.system.enabled',
    true,
    'Count records, watermarks and time per task and operator (numRecordsIn, busyTimeMsPerSecond, ...).',
  ),
  /** Flink's CoreOptions.FLINK_LOG_DIR. */
  LOG_DIR: stringOption(
    'env.log.dir',
    join(tmpdir(), 'sluice-logs'),
    'Directory of the log files (jobmanager.log) and the pid file of a session cluster.',
  ),
  LOGGING_LEVEL: logLevelOption(
    'logging.level',
    'info',
    'Root log level: trace, debug, info, warn, error, fatal or silent. Unset, the cluster logs at info and ' +
      'embedded jobs at warn. Per-logger levels: logging.levels.<logger name> (a name matches its dotted prefixes).',
  ),
} as const;

export const TaskManagerOptions = {
  NUM_TASK_SLOTS: intOption('taskmanager.numberOfTaskSlots', 1, 'Task slots per TaskManager.', { min: 1 }),
  MINI_CLUSTER_TASK_MANAGERS: intOption(
    'minicluster.number-of-taskmanagers',
    1,
    'TaskManagers (worker threads) of the embedded mini cluster. When neither this nor ' +
      'taskmanager.numberOfTaskSlots is set, the mini cluster sizes itself to the job.',
    { min: 1, max: 64 },
  ),
  BUFFERS_PER_CHANNEL: intOption(
    'taskmanager.network.memory.buffers-per-channel',
    4,
    'Buffers (credits) per channel; a channel with none left blocks its producer.',
    { min: 1, max: 1024 },
  ),
  RECORDS_PER_BUFFER: intOption(
    'taskmanager.network.records-per-buffer',
    1024,
    'Records in one network buffer before it is sent.',
    { min: 1, max: 1 << 20 },
  ),
} as const;

/** All known options, by key. */
export const ALL_OPTIONS: ReadonlyMap<string, ConfigOption<unknown>> = new Map(
  [
    ...Object.values(CoreOptions),
    ...Object.values(TaskManagerOptions),
    ...Object.values(MetricOptions),
    ...CHECKPOINTING_OPTIONS,
    ...REST_OPTIONS,
    ...CLUSTER_OPTIONS,
  ].map((o) => [o.key, o as ConfigOption<unknown>]),
);

/** Keys known by prefix: a family of options whose last part is a free name. */
export interface OptionFamily {
  readonly prefix: string;
  readonly description: string;
  /** The option of one member key (`prefix` + name). */
  option(key: string): ConfigOption<unknown>;
}

/** `logging.levels.<logger name>: <level>`, e.g. `logging.levels.sluice.checkpoint: debug`. */
export const LOGGER_LEVELS_FAMILY: OptionFamily = {
  prefix: 'logging.levels.',
  description: 'Level of one logger and the loggers below it (a logger name matches its dotted prefixes).',
  option: (key) => logLevelOption(key, 'info', LOGGER_LEVELS_FAMILY.description) as ConfigOption<unknown>,
};

export const OPTION_FAMILIES: readonly OptionFamily[] = [LOGGER_LEVELS_FAMILY];

/** The option of a key: a known key, or a member of a family (`logging.levels.*`); undefined when unknown. */
export function findOption(key: string): ConfigOption<unknown> | undefined {
  const option = ALL_OPTIONS.get(key);
  if (option !== undefined) return option;
  const family = OPTION_FAMILIES.find((f) => key.startsWith(f.prefix) && key.length > f.prefix.length);
  return family?.option(key);
}
