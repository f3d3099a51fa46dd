// The loggers of one thread: their settings, the pino instance and sinks lines go to, reconfigurable at any time.

import { hostname } from 'node:os';
import { isatty } from 'node:tty';
import { isMainThread, threadId } from 'node:worker_threads';
import type { Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../core/logger.ts';
import { fanOut, fileSink, prettySink, stderrSink, type LogSink } from './log-sinks.ts';
import { levelOf, type LoggingSettings } from './logging-settings.ts';
import { NamedLogger, type LoggerBackend } from './named-logger.ts';
import { loadPino } from './pino-module.ts';

export interface LoggerContextOptions {
  /** Where console lines go instead of stderr (tests, embedders); pretty lines written here are not coloured. */
  consoleSink?: LogSink;
}

/** An Error as plain fields; anything else unchanged. */
function errorField(value: unknown): unknown {
  return value instanceof Error ? loadPino().stdSerializers.err(value) : value;
}

/**
 * The loggers of one thread. `getLogger(name)` hands out loggers that follow the context: after `reconfigure()`
 * each one re-reads its level and writes to the new sinks on its next call. Sinks open on the first line written
 * (or on `open()`); all writes are synchronous.
 *
 * @example
 * const context = new LoggerContext(loggingSettingsFrom(configuration, { role: 'jobmanager' }));
 * context.getLogger('sluice.checkpoint').info('checkpoint completed', { checkpointId: 7 });
 */
export class LoggerContext implements LoggerBackend {
  #settings: LoggingSettings;
  #options: LoggerContextOptions;
  #version = 0;
  #sink: LogSink | undefined;
  #root: PinoLogger | undefined;

  constructor(settings: LoggingSettings, options: LoggerContextOptions = {}) {
    this.#settings = settings;
    this.#options = options;
  }

  get settings(): LoggingSettings {
    return this.#settings;
  }

  get version(): number {
    return this.#version;
  }

  /** A logger named `name` (dotted, e.g. `sluice.checkpoint`) with `bindings` on every line. */
  getLogger(name: string, bindings: Record<string, unknown> = {}, fallbackRootLevel?: LogLevel): NamedLogger {
    return new NamedLogger(this, name, bindings, fallbackRootLevel);
  }

  levelOf(name: string, fallbackRootLevel?: LogLevel): LogLevel {
    const root = fallbackRootLevel !== undefined && !this.#settings.rootLevelExplicit ? fallbackRootLevel : this.#settings.rootLevel;
    return levelOf(this.#settings, name, root);
  }

  /** Closes the current sinks and applies new settings; existing loggers follow. */
  reconfigure(settings: LoggingSettings, options: LoggerContextOptions = {}): void {
    this.close();
    this.#settings = settings;
    this.#options = options;
    this.#version++;
  }

  /** Opens the sinks now (the log file is created), so a bad log directory fails here rather than at the first line. */
  open(): void {
    this.root();
  }

  root(): PinoLogger {
    if (this.#root === undefined) {
      const sink = this.#openSinks();
      this.#sink = sink;
      const pino = loadPino();
      this.#root = pino(
        {
          level: 'trace',
          base: isMainThread ? { pid: process.pid, hostname: hostname() } : { pid: process.pid, hostname: hostname(), thread: threadId },
          timestamp: pino.stdTimeFunctions.isoTime,
          formatters: { level: (label) => ({ level: label }) },
          serializers: { err: pino.stdSerializers.err, error: errorField },
        },
        { write: (line: string) => sink.write(line) },
      );
    }
    return this.#root;
  }

  flush(): void {
    this.#sink?.flush?.();
  }

  /** Flushes and closes the sinks (the log file); the next line opens them again. */
  close(): void {
    this.#sink?.flush?.();
    this.#sink?.close?.();
    this.#sink = undefined;
    this.#root = undefined;
    this.#version++;
  }

  #openSinks(): LogSink {
    const sinks: LogSink[] = [];
    const { console: format, file } = this.#settings;
    if (format !== 'off') {
      const custom = this.#options.consoleSink;
      const target = custom ?? stderrSink();
      sinks.push(format === 'pretty' ? prettySink(target, custom === undefined && isatty(2) && !process.env['NO_COLOR']) : target);
    }
    if (file !== undefined) sinks.push(fileSink(file));
    return sinks.length === 0 ? { write: () => {} } : fanOut(sinks);
  }
}
