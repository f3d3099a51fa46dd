// A named logger (SLF4J style) over pino: checks its level first, so a disabled call costs one comparison.

import type { Logger as PinoLogger } from 'pino';
import { LOGGER_NAME, type Logger, type LogLevel } from '../core/logger.ts';

/** What a NamedLogger asks of the context that made it. */
export interface LoggerBackend {
  /** Changes whenever the context is reconfigured; a logger re-reads its level when it differs. */
  readonly version: number;
  /** The level of a logger name (per-logger levels, else the root level, else `fallbackRootLevel`). */
  levelOf(name: string, fallbackRootLevel?: LogLevel): LogLevel;
  /** The pino logger lines are written through (opened on first use). */
  root(): PinoLogger;
}

const LEVEL_VALUE: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

type Method = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * A Logger with a dotted name (`sluice.task.Map`), fields bound by `child()`, and the level configured for the
 * name. Lines carry the name as `name`.
 */
export class NamedLogger implements Logger {
  #version = -1;
  #threshold = LEVEL_VALUE.info;
  #pino: PinoLogger | undefined;

  constructor(
    private readonly backend: LoggerBackend,
    readonly name: string,
    private readonly bindings: Readonly<Record<string, unknown>> = {},
    private readonly fallbackRootLevel?: LogLevel,
  ) {}

  /** The level this logger logs at now. */
  get level(): LogLevel {
    this.#refreshIfStale();
    return (Object.keys(LEVEL_VALUE) as LogLevel[]).find((l) => LEVEL_VALUE[l] === this.#threshold)!;
  }

  isLevelEnabled(level: LogLevel): boolean {
    this.#refreshIfStale();
    return LEVEL_VALUE[level] >= this.#threshold && level !== 'silent';
  }

  trace(message: string, fields?: Record<string, unknown>): void {
    this.#log('trace', message, fields);
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    this.#log('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#log('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#log('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#log('error', message, fields);
  }

  /** A logger with more bound fields; a `LOGGER_NAME` binding names it anew (a component's logger). */
  child(bindings: Record<string, unknown>): NamedLogger {
    const { [LOGGER_NAME]: renamed, ...rest } = bindings;
    const name = typeof renamed === 'string' && renamed !== '' ? renamed : this.name;
    return new NamedLogger(this.backend, name, { ...this.bindings, ...rest }, this.fallbackRootLevel);
  }

  #refreshIfStale(): void {
    if (this.#version === this.backend.version) return;
    this.#version = this.backend.version;
    this.#threshold = LEVEL_VALUE[this.backend.levelOf(this.name, this.fallbackRootLevel)];
    this.#pino = undefined;
  }

  #log(method: Method, message: string, fields: Record<string, unknown> | undefined): void {
    this.#refreshIfStale();
    if (LEVEL_VALUE[method] < this.#threshold) return;
    const pino = (this.#pino ??= this.backend.root().child({ name: this.name, ...this.bindings }));
    if (fields === undefined) pino[method](message);
    else pino[method](fields, message);
  }
}
