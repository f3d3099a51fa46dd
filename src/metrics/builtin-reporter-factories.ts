// The reporter factories sluice ships, by the names metrics.reporters and metrics.reporter.<name>.factory use.

import { LogReporter } from './log-reporter.ts';
import type { MetricReporterFactory } from './metric-reporter.ts';
import { PrometheusReporter } from './prometheus-reporter.ts';

const prometheus: MetricReporterFactory = {
  createMetricReporter: (_config, context) => new PrometheusReporter(context.logger),
};
const log: MetricReporterFactory = {
  createMetricReporter: (_config, context) => new LogReporter(context.logger),
};

/** Built-in factories: `prom` / `prometheus` (PrometheusReporter) and `log` / `slf4j` (LogReporter). */
export const BUILTIN_REPORTER_FACTORIES: Readonly<Record<string, MetricReporterFactory>> = Object.freeze({
  prom: prometheus,
  prometheus,
  log,
  slf4j: log,
});
