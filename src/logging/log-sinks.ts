// Where log lines go: a JSON-lines file, stderr, a pino-pretty formatter in front of either, or several at once.

import { createRequire } from 'node:module';
import { loadPino } from './pino-module.ts';
import { ConfigurationError } from '../core/errors.ts';

/** A synchronous line sink; pino writes one JSON line (with its newline) per call. */
export interface LogSink {
  write(line: string): void;
  flush?(): void;
  close?(): void;
}

type SonicBoom = ReturnType<ReturnType<typeof loadPino>['destination']>;

function sonicSink(sonic: SonicBoom, closeFd: boolean): LogSink {
  // A failed write (a closed pipe, a full disk) must never take the process down: the line is dropped.
  sonic.on('error', () => {});
  return {
    write: (line) => {
      sonic.write(line);
    },
    flush: () => {
      try {
        sonic.flushSync();
      } catch {
        // Nothing buffered, or the descriptor is gone.
      }
    },
    close: () => {
      if (closeFd) sonic.end();
    },
  };
}

/**
 * Appends JSON lines to a file, creating its directory; writes are synchronous (a line is on disk, in the page
 * cache, when the call returns), so nothing is lost when the process exits or a worker thread is terminated.
 */
export function fileSink(path: string): LogSink {
  try {
    return sonicSink(loadPino().destination({ dest: path, append: true, mkdir: true, sync: true }), true);
  } catch (error) {
    throw new ConfigurationError(
      'env.log.dir',
      `cannot open the log file ${path}: ${(error as Error).message}; set env.log.dir to a writable directory`,
    );
  }
}

/** Writes to the process's stderr (fd 2) synchronously; works the same in worker threads. */
export function stderrSink(): LogSink {
  return sonicSink(loadPino().destination({ dest: 2, sync: true }), false);
}

interface PrettyModule {
  prettyFactory(options: Record<string, unknown>): (line: string) => string;
}

/** Human-readable lines (pino-pretty) written to `target`; loaded only when a terminal asks for it. */
export function prettySink(target: LogSink, colorize: boolean): LogSink {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as PrettyModule;
  const pretty = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return {
    write: (line) => target.write(pretty(line)),
    flush: () => target.flush?.(),
    close: () => target.close?.(),
  };
}

/** Writes every line to each sink. */
export function fanOut(sinks: readonly LogSink[]): LogSink {
  if (sinks.length === 1) return sinks[0]!;
  return {
    write: (line) => {
      for (const sink of sinks) sink.write(line);
    },
    flush: () => {
      for (const sink of sinks) sink.flush?.();
    },
    close: () => {
      for (const sink of sinks) sink.close?.();
    },
  };
}
