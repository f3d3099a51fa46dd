// The metrics keys (Flink's MetricOptions) and how a Configuration becomes the metric registry's plain settings.

import { ConfigurationError } from '../core/errors.ts';
import { type ConfigOption, durationOption, stringOption } from './config-option.ts';
import type { Configuration, ConfigValue } from './configuration.ts';

/** Prefix of every per-reporter key: `metrics.reporter.<name>.<property>`. */
export const METRIC_REPORTER_PREFIX = 'metrics.reporter.';
/** Default of `metrics.reporter.<name>.interval` for scheduled reporters (Flink: 10 s). */
export const DEFAULT_REPORTER_INTERVAL_MS = 10_000;

function scopeOption(key: string, defaultValue: string, what: string): ConfigOption<string> {
  return stringOption(
    key,
    defaultValue,
    `Scope format of ${what}: components separated by '.', variables such as <host> are replaced; ` +
      `a format starting with '*.' appends to the parent's scope.`,
  );
}

const delimiter = stringOption('metrics.scope.delimiter', '.', 'Delimiter between the components of a metric identifier.');
const portSpec = stringOption(
  'metrics.reporter.prom.port',
  '9249',
  'Port of the Prometheus reporter, or a range such as 9250-9260 tried in order until one is free.',
);

/** The metrics keys with Flink's names and defaults. */
export const MetricOptions = {
  REPORTERS: stringOption(
    'metrics.reporters',
    '',
    'Comma-separated names of the reporters to start (e.g. "prom, log"); empty starts every reporter that has ' +
      'metrics.reporter.<name>.* keys.',
  ),
  SCOPE_DELIMITER: {
    ...delimiter,
    parse(raw: unknown): string {
      const value = delimiter.parse(raw);
      if (value.length !== 1) {
        throw new ConfigurationError(delimiter.key, `${delimiter.key} must be a single character, got ${JSON.stringify(raw)}`);
      }
      return value;
    },
  } satisfies ConfigOption<string>,
  SCOPE_NAMING_JM: scopeOption('metrics.scope.jm', '<host>.jobmanager', 'JobManager metrics'),
  SCOPE_NAMING_JM_JOB: scopeOption('metrics.scope.jm-job', '<host>.jobmanager.<job_name>', 'job metrics on the JobManager'),
  SCOPE_NAMING_TM: scopeOption('metrics.scope.tm', '<host>.taskmanager.<tm_id>', 'TaskManager metrics'),
  SCOPE_NAMING_TM_JOB: scopeOption(
    'metrics.scope.tm-job',
    '<host>.taskmanager.<tm_id>.<job_name>',
    'job metrics on a TaskManager',
  ),
  SCOPE_NAMING_TASK: scopeOption(
    'metrics.scope.task',
    '<host>.taskmanager.<tm_id>.<job_name>.<task_name>.<subtask_index>',
    'task (subtask) metrics',
  ),
  SCOPE_NAMING_OPERATOR: scopeOption(
    'metrics.scope.operator',
    '<host>.taskmanager.<tm_id>.<job_name>.<operator_name>.<subtask_index>',
    'operator metrics',
  ),
  PROMETHEUS_PORT: {
    ...portSpec,
    parse(raw: unknown): string {
      const value = portSpec.parse(raw).trim();
      const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(value);
      const from = match === null ? NaN : Number(match[1]);
      const to = match?.[2] === undefined ? from : Number(match[2]);
      if (!(from >= 0 && to <= 65535 && from <= to)) {
        throw new ConfigurationError(
          portSpec.key,
          `${portSpec.key} must be a port (0-65535) or a range such as 9250-9260, got ${JSON.stringify(raw)}`,
        );
      }
      return value;
    },
  } satisfies ConfigOption<string>,
  PROMETHEUS_HOST: stringOption('metrics.reporter.prom.host', '127.0.0.1', 'Address the Prometheus reporter binds.'),
  LOG_INTERVAL: durationOption(
    'metrics.reporter.log.interval',
    DEFAULT_REPORTER_INTERVAL_MS,
    'How often the log reporter writes all metrics to the log.',
    1,
  ),
} as const;

/** One reporter to start: its name, which factory builds it, how often it reports, and its own keys. */
export interface MetricReporterSettings {
  readonly name: string;
  /** `metrics.reporter.<name>.factory`, else the name itself. */
  readonly factory: string;
  /** `metrics.reporter.<name>.interval` in ms (used when the reporter is Scheduled). */
  readonly intervalMs: number;
  /** Every `metrics.reporter.<name>.<property>` with the prefix removed. */
  readonly properties: Readonly<Record<string, ConfigValue>>;
}

/** Plain, thread-safe data the metric registry is built from (Flink's MetricRegistryConfiguration). */
export interface MetricSettings {
  readonly delimiter: string;
  readonly scopes: {
    readonly jm: string;
    readonly jmJob: string;
    readonly tm: string;
    readonly tmJob: string;
    readonly task: string;
    readonly operator: string;
  };
  readonly reporters: readonly MetricReporterSettings[];
}

/**
 * Reads the metrics keys of a Configuration into plain settings for `new MetricRegistry(settings, ...)`.
 * Reporters come from `metrics.reporters` (a comma list) or, when it is empty, from every name that has
 * `metrics.reporter.<name>.*` keys, as Flink does.
 *
 * @example
 * const registry = new MetricRegistry(readMetricSettings(conf), systemClock, logger);
 */
export function readMetricSettings(conf: Configuration): MetricSettings {
  const raw = conf.toMap();
  const perReporter = new Map<string, Record<string, ConfigValue>>();
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith(METRIC_REPORTER_PREFIX)) continue;
    const rest = key.slice(METRIC_REPORTER_PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot <= 0 || dot === rest.length - 1) continue;
    const name = rest.slice(0, dot);
    const props = perReporter.get(name) ?? {};
    props[rest.slice(dot + 1)] = value;
    perReporter.set(name, props);
  }
  const listed = conf
    .get(MetricOptions.REPORTERS)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const names = listed.length > 0 ? [...new Set(listed)] : [...perReporter.keys()].sort();
  const reporters = names.map((name): MetricReporterSettings => {
    const properties = perReporter.get(name) ?? {};
    const intervalKey = `${METRIC_REPORTER_PREFIX}${name}.interval`;
    const intervalMs =
      properties['interval'] === undefined
        ? DEFAULT_REPORTER_INTERVAL_MS
        : durationOption(intervalKey, DEFAULT_REPORTER_INTERVAL_MS, 'reporter interval', 1).parse(properties['interval']);
    const factory = properties['factory'];
    return { name, factory: factory === undefined ? name : String(factory), intervalMs, properties };
  });
  return {
    delimiter: conf.get(MetricOptions.SCOPE_DELIMITER),
    scopes: {
      jm: conf.get(MetricOptions.SCOPE_NAMING_JM),
      jmJob: conf.get(MetricOptions.SCOPE_NAMING_JM_JOB),
      tm: conf.get(MetricOptions.SCOPE_NAMING_TM),
      tmJob: conf.get(MetricOptions.SCOPE_NAMING_TM_JOB),
      task: conf.get(MetricOptions.SCOPE_NAMING_TASK),
      operator: conf.get(MetricOptions.SCOPE_NAMING_OPERATOR),
    },
    reporters,
  };
}
