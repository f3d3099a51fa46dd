// Test helpers for the metrics tests: a recording logger, settings from a Configuration, a registry on a manual timer.

import { Configuration, type ConfigValue } from '../../../src/config/configuration.ts';
import { readMetricSettings } from '../../../src/config/metric-options.ts';
import type { Logger } from '../../../src/core/logger.ts';
import { ManualMetricTimer } from '../../../src/metrics/manual-metric-timer.ts';
import { MetricRegistry, type MetricRegistryOptions } from '../../../src/metrics/metric-registry.ts';

export interface LogEntry {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  #log(level: string, message: string, fields?: Record<string, unknown>): void {
    this.entries.push(fields === undefined ? { level, message } : { level, message, fields });
  }
  trace(m: string, f?: Record<string, unknown>): void {
    this.#log('trace', m, f);
  }
  debug(m: string, f?: Record<string, unknown>): void {
    this.#log('debug', m, f);
  }
  info(m: string, f?: Record<string, unknown>): void {
    this.#log('info', m, f);
  }
  warn(m: string, f?: Record<string, unknown>): void {
    this.#log('warn', m, f);
  }
  error(m: string, f?: Record<string, unknown>): void {
    this.#log('error', m, f);
  }
  child(): Logger {
    return this;
  }
  messages(level: string): string[] {
    return this.entries.filter((e) => e.level === level).map((e) => e.message);
  }
}

export interface TestRegistry {
  registry: MetricRegistry;
  timer: ManualMetricTimer;
  logger: RecordingLogger;
}

/** A registry built from configuration entries, on a manual timer. */
export function testRegistry(
  entries: Readonly<Record<string, ConfigValue>> = {},
  options: Omit<MetricRegistryOptions, 'timer'> = {},
): TestRegistry {
  const timer = new ManualMetricTimer();
  const logger = new RecordingLogger();
  const registry = new MetricRegistry(readMetricSettings(new Configuration(entries)), timer.clock, logger, {
    ...options,
    timer,
  });
  return { registry, timer, logger };
}
