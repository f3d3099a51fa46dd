// What the loggers of a process do (root and per-logger levels, console format, log file), built from configuration.

import { join } from 'node:path';
import { isatty } from 'node:tty';
import { environmentOverrides, envVariableName } from '../config/config-loader.ts';
import type { Configuration } from '../config/configuration.ts';
import { CoreOptions, findOption, LOGGER_LEVELS_FAMILY } from '../config/options.ts';
import type { LogLevel } from '../core/logger.ts';

/** How console lines look: human-readable (pino-pretty), JSON lines, or no console output. */
export type ConsoleFormat = 'pretty' | 'json' | 'off';

/**
 * Which process logs: the cluster's processes write a log file under `env.log.dir` and default to `info`;
 * clients and embedded jobs log to stderr only and default to `warn`.
 */
export type LoggingRole = 'jobmanager' | 'taskmanager' | 'client' | 'embedded';

/** Plain data (it is handed to worker threads): everything a thread needs to build its loggers. */
export interface LoggingSettings {
  readonly rootLevel: LogLevel;
  /** Per-logger levels by logger name; a name also covers the names below it (`sluice` covers `sluice.task.x`). */
  readonly levels: Readonly<Record<string, LogLevel>>;
  readonly console: ConsoleFormat;
  /** JSON-lines log file, or undefined for none. */
  readonly file: string | undefined;
  /**
   * False only while nothing chose the root level but defaults or SLUICE_LOG_LEVEL (no configure() call, no
   * SLUICE_LOGGING_LEVEL): then `createConsoleLogger(level)`'s argument may stand in for it.
   */
  readonly rootLevelExplicit: boolean;
}

export interface LoggingSettingsOptions {
  /** Default `embedded`. */
  role?: LoggingRole;
  /** `auto` (default): pretty when stderr is a terminal, else JSON. */
  console?: 'auto' | ConsoleFormat;
  /** Whether stderr is a terminal; default: asked of fd 2. */
  isTTY?: boolean;
  /** Log file instead of the role's (`<env.log.dir>/jobmanager.log`); false for none. */
  file?: string | false;
  /** Read for SLUICE_LOG_LEVEL-style variables when the configuration does not set the level; default process.env. */
  env?: NodeJS.ProcessEnv;
}

const LOG_FILE_OF_ROLE: Readonly<Record<LoggingRole, string | undefined>> = {
  jobmanager: 'jobmanager.log',
  taskmanager: 'taskmanager.log',
  client: undefined,
  embedded: undefined,
};

const DEFAULT_LEVEL_OF_ROLE: Readonly<Record<LoggingRole, LogLevel>> = {
  jobmanager: 'info',
  taskmanager: 'info',
  client: 'warn',
  embedded: 'warn',
};

/**
 * The logging settings a configuration asks for. Levels come from `logging.level` and `logging.levels.<name>`;
 * when the configuration leaves them out, the environment (`SLUICE_LOGGING_LEVEL`, `SLUICE_LOG_LEVEL`,
 * `SLUICE_LOGGING_LEVELS_<NAME>`) and then the role's default decide.
 */
export function loggingSettingsFrom(configuration: Configuration, options: LoggingSettingsOptions = {}): LoggingSettings {
  const role = options.role ?? 'embedded';
  const fromEnv = environmentLevels(options.env ?? process.env);
  const configured = configuration.getOptional(CoreOptions.LOGGING_LEVEL);
  const levels: Record<string, LogLevel> = { ...fromEnv.levels };
  for (const [key, value] of Object.entries(configuration.toMap())) {
    if (key.startsWith(LOGGER_LEVELS_FAMILY.prefix) && key.length > LOGGER_LEVELS_FAMILY.prefix.length) {
      levels[key.slice(LOGGER_LEVELS_FAMILY.prefix.length)] = value as LogLevel;
    }
  }
  const fileName = LOG_FILE_OF_ROLE[role];
  const file =
    options.file === false
      ? undefined
      : (options.file ?? (fileName === undefined ? undefined : join(configuration.get(CoreOptions.LOG_DIR), fileName)));
  return {
    rootLevel: configured ?? fromEnv.root ?? DEFAULT_LEVEL_OF_ROLE[role],
    levels,
    console: consoleFormat(options.console ?? 'auto', options.isTTY),
    file,
    rootLevelExplicit: true,
  };
}

/** Settings of a thread nobody configured: an embedded job, levels from the environment only, stderr only. */
export function defaultLoggingSettings(env: NodeJS.ProcessEnv = process.env): LoggingSettings {
  const fromEnv = environmentLevels(env);
  return {
    rootLevel: fromEnv.root ?? DEFAULT_LEVEL_OF_ROLE.embedded,
    levels: fromEnv.levels,
    console: consoleFormat('auto', undefined),
    file: undefined,
    rootLevelExplicit: fromEnv.root !== undefined && fromEnv.rootFromCurrentName,
  };
}

/** The level of a logger: the level of its longest configured dotted prefix (itself included), else the root's. */
export function levelOf(settings: LoggingSettings, name: string, rootLevel: LogLevel = settings.rootLevel): LogLevel {
  let prefix = name;
  for (;;) {
    const level = settings.levels[prefix];
    if (level !== undefined) return level;
    const dot = prefix.lastIndexOf('.');
    if (dot < 0) return rootLevel;
    prefix = prefix.slice(0, dot);
  }
}

function consoleFormat(choice: 'auto' | ConsoleFormat, isTTY: boolean | undefined): ConsoleFormat {
  if (choice !== 'auto') return choice;
  return (isTTY ?? isatty(2)) ? 'pretty' : 'json';
}

interface EnvironmentLevels {
  root: LogLevel | undefined;
  /** True when the root level came from SLUICE_LOGGING_LEVEL rather than the older SLUICE_LOG_LEVEL. */
  rootFromCurrentName: boolean;
  levels: Record<string, LogLevel>;
}

/** Logging levels named by environment variables; a value that is not a level is skipped with a warning line. */
function environmentLevels(env: NodeJS.ProcessEnv): EnvironmentLevels {
  const out: EnvironmentLevels = { root: undefined, rootFromCurrentName: false, levels: {} };
  for (const [key, entry] of environmentOverrides(env)) {
    const isRoot = key === CoreOptions.LOGGING_LEVEL.key;
    if (!isRoot && !key.startsWith(LOGGER_LEVELS_FAMILY.prefix)) continue;
    let level: LogLevel;
    try {
      level = findOption(key)!.parse(entry.value) as LogLevel;
    } catch (error) {
      process.stderr.write(`sluice: warning: ${(error as Error).message} (set in ${entry.source}); ignored\n`);
      continue;
    }
    if (isRoot) {
      out.root = level;
      out.rootFromCurrentName = (env[envVariableName(key)] ?? '') !== '';
    } else {
      out.levels[key.slice(LOGGER_LEVELS_FAMILY.prefix.length)] = level;
    }
  }
  return out;
}
