// The Logger interface the runtime and user functions log through; implementations live elsewhere.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface Logger {
  trace(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * The binding that names a component's logger: `logger.child({ [LOGGER_NAME]: 'sluice.checkpoint' })` (or
 * `componentLogger`) returns the logger of that name (its own level from `logging.levels.<name>`), keeping the
 * other bindings. Loggers that have no names ignore it.
 */
export const LOGGER_NAME = 'loggerName';

/** The logger of a runtime component (`sluice.jobmaster`, `sluice.checkpoint`, `sluice.task`, ...), from `logger`. */
export function componentLogger(logger: Logger, name: string): Logger {
  return logger.child({ [LOGGER_NAME]: name });
}

const noop = (): void => {};

/** A logger that drops everything. */
export const silentLogger: Logger = Object.freeze({
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
});
