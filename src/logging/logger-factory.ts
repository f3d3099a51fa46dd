// LoggerFactory.getLogger(name): the loggers of this thread, as SLF4J's LoggerFactory is for a Flink process.

import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import type { Configuration } from '../config/configuration.ts';
import type { Logger, LogLevel } from '../core/logger.ts';
import { LoggerContext, type LoggerContextOptions } from './logger-context.ts';
import {
  defaultLoggingSettings,
  loggingSettingsFrom,
  type LoggingSettings,
  type LoggingSettingsOptions,
} from './logging-settings.ts';

/** Worker threads started after `configure()` read the settings under this key (Node's environment data). */
const SETTINGS_KEY = 'sluice.logging.settings';

export interface ConfigureLoggingOptions extends LoggingSettingsOptions, LoggerContextOptions {}

/**
 * The thread's logging context. It is the one piece of state shared by everything in a thread, on purpose:
 * user functions and runtime classes obtain loggers by name without having one passed in, as with SLF4J.
 * Worker threads start from the settings their creator configured (or from the environment).
 */
let context: LoggerContext | undefined;

function current(): LoggerContext {
  if (context === undefined) {
    const inherited = getEnvironmentData(SETTINGS_KEY) as LoggingSettings | undefined;
    context = new LoggerContext(inherited ?? defaultLoggingSettings());
  }
  return context;
}

/**
 * Named loggers for user code and the runtime (Flink's `LoggerFactory.getLogger(...)`). Levels come from
 * `logging.level` and `logging.levels.<name>` (a name matches its dotted prefixes); without `configure()`, from
 * `SLUICE_LOGGING_LEVEL` / `SLUICE_LOG_LEVEL` (default `warn`), written to stderr: readable lines on a terminal,
 * JSON lines otherwise. A cluster process calls `configure(configuration, { role: 'jobmanager' })` once at start-up,
 * which also writes JSON lines to `<env.log.dir>/jobmanager.log`; worker threads started afterwards inherit it.
 * Loggers obtained before `configure()` follow the new settings.
 *
 * @example
 * const LOG = LoggerFactory.getLogger('com.example.fraud');
 * LOG.info('alert raised', { accountId, amount });
 */
export class LoggerFactory {
  private constructor() {}

  /** A logger named `name` (dotted, e.g. `sluice.checkpoint` or `com.example.MyFunction`). */
  static getLogger(name: string, bindings?: Record<string, unknown>): Logger {
    return current().getLogger(name, bindings);
  }

  /**
   * Applies a configuration's logging settings to this thread (and to worker threads started from now on).
   * Opens the log file at once, so an unwritable `env.log.dir` fails here with a ConfigurationError.
   */
  static configure(configuration: Configuration, options: ConfigureLoggingOptions = {}): LoggingSettings {
    const settings = loggingSettingsFrom(configuration, options);
    LoggerFactory.apply(settings, options);
    return settings;
  }

  /** Applies settings as they are (see `loggingSettingsFrom`). */
  static apply(settings: LoggingSettings, options: LoggerContextOptions = {}): void {
    const ctx = current();
    ctx.reconfigure(settings, options);
    ctx.open();
    setEnvironmentData(SETTINGS_KEY, settings as never);
  }

  /** The settings in force in this thread. */
  static settings(): LoggingSettings {
    return current().settings;
  }

  /** The JSON-lines log file of this process, if it writes one. */
  static getLogFile(): string | undefined {
    return current().settings.file;
  }

  /** Writes out anything buffered (writes are synchronous; this is for sinks an embedder passed in). */
  static flush(): void {
    context?.flush();
  }

  /** Back to the unconfigured state (environment defaults); closes the log file. For tests and shutdown. */
  static reset(): void {
    setEnvironmentData(SETTINGS_KEY, undefined as never);
    context?.reconfigure(defaultLoggingSettings());
  }
}

/**
 * The runtime's logger (`sluice.runtime`). `level` stands in for the root level only while nothing configured one
 * (no `configure()`, no SLUICE_LOGGING_LEVEL): it is what callers read from SLUICE_LOG_LEVEL.
 */
export function runtimeLogger(level: string | undefined, bindings: Record<string, unknown> = {}): Logger {
  const fallback = (['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).find(
    (l) => l === level?.trim().toLowerCase(),
  ) as LogLevel | undefined;
  return current().getLogger('sluice.runtime', bindings, fallback);
}
