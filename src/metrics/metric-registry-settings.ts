// MetricRegistrySettings: the plain data a MetricRegistry is built from (src/config's readMetricSettings makes it).

import type { MetricConfigValue } from './metric-config.ts';
import type { ScopeFormatStrings } from './scope-formats.ts';

/** One reporter to start (see `metrics.reporters` and `metrics.reporter.<name>.*`). */
export interface ReporterSettings {
  readonly name: string;
  /** The factory name to look up. */
  readonly factory: string;
  /** Report interval in ms, for Scheduled reporters. */
  readonly intervalMs: number;
  readonly properties: Readonly<Record<string, MetricConfigValue>>;
}

/**
 * Everything the registry needs from configuration, as plain data (it can cross a thread boundary).
 * `readMetricSettings(conf)` in `src/config/metric-options.ts` builds it from a Configuration with Flink's defaults;
 * the metrics layer does not import the config layer.
 */
export interface MetricRegistrySettings {
  /** `metrics.scope.delimiter`. */
  readonly delimiter: string;
  /** `metrics.scope.jm`, `.jm-job`, `.tm`, `.tm-job`, `.task`, `.operator`. */
  readonly scopes: ScopeFormatStrings;
  /** Reporters to start; empty in worker threads, whose metrics travel to the main thread as dumps. */
  readonly reporters: readonly ReporterSettings[];
}
