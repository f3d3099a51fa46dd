// A small leveled logger writing JSON lines to stderr; the default until configurable logging lands.

import type { Logger, LogLevel } from '../core/logger.ts';

const ORDER: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

export function createConsoleLogger(level: string | undefined = 'warn', bindings: Record<string, unknown> = {}): Logger {
  const threshold = ORDER[(level ?? 'warn') as LogLevel] ?? ORDER.warn;
  const log =
    (lvl: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (ORDER[lvl] < threshold) return;
      process.stderr.write(JSON.stringify({ level: lvl, time: Date.now(), msg: message, ...bindings, ...fields }) + '\n');
    };
  return {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => createConsoleLogger(level, { ...bindings, ...more }),
  };
}
