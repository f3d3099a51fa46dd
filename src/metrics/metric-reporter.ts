// MetricReporter, Scheduled and MetricReporterFactory: the contract every reporter implements (Flink's reporter API).

import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { MetricConfig } from './metric-config.ts';
import type { Metric } from './metric.ts';
import type { MetricGroup } from './metric-group.ts';

/**
 * Receives every metric added to and removed from a registry (Flink's `MetricReporter`). Reporters read values
 * when they report or are scraped, never per record.
 */
export interface MetricReporter {
  /** Called once after creation; a returned promise is awaited by `MetricRegistry.ready()`. */
  open(config: MetricConfig): void | Promise<void>;
  /** Called when the registry shuts down. */
  close(): void | Promise<void>;
  notifyOfAddedMetric(metric: Metric, metricName: string, group: MetricGroup): void;
  notifyOfRemovedMetric(metric: Metric, metricName: string, group: MetricGroup): void;
}

/** A reporter the registry calls every `metrics.reporter.<name>.interval` (Flink's `Scheduled`). */
export interface Scheduled {
  report(): void | Promise<void>;
}

/** Whether a reporter is Scheduled. */
export function isScheduled(reporter: MetricReporter): reporter is MetricReporter & Scheduled {
  return typeof (reporter as Partial<Scheduled>).report === 'function';
}

/** What a factory gets besides the reporter's properties: its name and the registry's collaborators. */
export interface MetricReporterContext {
  readonly name: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Creates a reporter (Flink's `MetricReporterFactory`). Factories are found by name: `metrics.reporter.<name>.factory`,
 * or the reporter's name itself, among the built-in ones and those passed to the registry.
 */
export interface MetricReporterFactory {
  createMetricReporter(config: MetricConfig, context: MetricReporterContext): MetricReporter;
}
