// The runtime's default logger: a thin wrapper over LoggerFactory (pino), kept so existing callers work unchanged.

import type { Logger } from '../core/logger.ts';
import { runtimeLogger } from '../logging/logger-factory.ts';

/**
 * The `sluice.runtime` logger of this thread. Level, format (readable on a terminal, JSON lines otherwise) and the
 * log file follow `LoggerFactory`'s configuration; `level` (callers pass SLUICE_LOG_LEVEL) is used as the root
 * level only while logging has not been configured.
 */
export function createConsoleLogger(level?: string, bindings: Record<string, unknown> = {}): Logger {
  return runtimeLogger(level, bindings);
}
