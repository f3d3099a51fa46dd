// PrometheusReporter: serves every metric on /metrics in Prometheus text format (Flink's PrometheusReporter, prom-client).

import { createServer, type Server } from 'node:http';
import { Registry, type Metric as PromMetric } from 'prom-client';
import { SluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { MetricConfig } from './metric-config.ts';
import type { MetricGroup } from './metric-group.ts';
import type { MetricReporter } from './metric-reporter.ts';
import { metricTypeOf, type Metric } from './metric.ts';
import { parsePortRange } from './port-range.ts';
import { PrometheusFamily } from './prometheus-family.ts';
import { variableName } from './scope-variables.ts';

/** Default `metrics.reporter.prom.port` (Flink's). */
export const DEFAULT_PROMETHEUS_PORT = '9249';
/** Default `metrics.reporter.prom.host`. */
export const DEFAULT_PROMETHEUS_HOST = '127.0.0.1';
/** Prefix of every metric name (Flink: `flink`). */
export const PROMETHEUS_PREFIX = 'sluice';

const INVALID_NAME_CHARS = /[^a-zA-Z0-9_:]/g;
const INVALID_LABEL_CHARS = /[^a-zA-Z0-9_]/g;

/** A Prometheus metric name: characters outside `[a-zA-Z0-9_:]` become `_`. */
export function prometheusName(input: string): string {
  const name = input.replace(INVALID_NAME_CHARS, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** A Prometheus label name: characters outside `[a-zA-Z0-9_]` become `_`. */
export function prometheusLabelName(input: string): string {
  const name = input.replace(INVALID_LABEL_CHARS, '_');
  return /^[0-9]/.test(name) || name === '' ? `_${name}` : name;
}

/**
 * Serves the metrics of its registry on `http://<host>:<port>/metrics` (and `/`). Name:
 * `sluice_<logical scope joined by _>_<metric>` (e.g. `sluice_taskmanager_job_task_operator_numRecordsIn`); labels:
 * the group's variables without angle brackets (`host`, `tm_id`, `job_name`, `subtask_index`, ...), values unchanged.
 * Counters are Prometheus counters whose value is `getCount()` at scrape time (a sluice counter may go down; Prometheus
 * then sees a reset); gauges and meters (their rate) are gauges; histograms are summaries with quantiles
 * 0.5 .. 0.999, `_sum` (mean x size) and `_count`. It keeps its own prom-client Registry, never the global one.
 *
 * Keys: `metrics.reporter.prom.port` (default 9249; a range such as 9250-9260 tries each port until one binds),
 * `metrics.reporter.prom.host` (default 127.0.0.1).
 */
export class PrometheusReporter implements MetricReporter {
  /** The prom-client registry this reporter serves. */
  readonly registry = new Registry();
  readonly #families = new Map<string, PrometheusFamily>();
  readonly #logger: Logger;
  #server: Server | undefined;
  #port: number | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async open(config: MetricConfig): Promise<void> {
    const host = config.getString('host', DEFAULT_PROMETHEUS_HOST);
    const spec = config.getString('port', DEFAULT_PROMETHEUS_PORT);
    const ports = parsePortRange(spec);
    for (const port of ports) {
      const server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET' || (path !== '/metrics' && path !== '/')) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
          return;
        }
        this.scrape().then(
          (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
          (error: unknown) => {
            this.#logger.warn('prometheus scrape failed', { error });
            res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n');
          },
        );
      });
      const bound = await new Promise<boolean>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'EADDRINUSE') resolve(false);
          else reject(error);
        });
        server.listen(port, host, () => resolve(true));
      });
      if (bound) {
        const address = server.address();
        this.#server = server;
        this.#port = typeof address === 'object' && address !== null ? address.port : port;
        this.#logger.info(`prometheus reporter listening on http://${host}:${this.#port}/metrics`);
        return;
      }
    }
    throw new SluiceError(
      'METRIC_REPORTER_FAILED',
      `could not start the prometheus reporter: no free port in ${config.fullKey('port')} = ${spec} on ${host}`,
    );
  }

  /** The port the HTTP server bound, once open. */
  getPort(): number | undefined {
    return this.#port;
  }

  /** The text Prometheus would scrape now. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#port = undefined;
    this.registry.clear();
    this.#families.clear();
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  notifyOfAddedMetric(metric: Metric, metricName: string, group: MetricGroup): void {
    const name = this.#familyName(metricName, group);
    const type = metricTypeOf(metric);
    let family = this.#families.get(name);
    if (family === undefined) {
      const scope = group.getLogicalScope(prometheusName, '_');
      family = new PrometheusFamily(name, `${metricName} (scope: ${scope})`, type);
      this.#families.set(name, family);
      this.registry.registerMetric(family as unknown as PromMetric);
    } else if (family.metricType !== type) {
      this.#logger.warn(
        `prometheus metric ${name} is already a ${family.metricType}; the ${type} of the same name is not reported`,
      );
      return;
    }
    family.add(this.#labels(group), metric);
  }

  notifyOfRemovedMetric(metric: Metric, metricName: string, group: MetricGroup): void {
    const name = this.#familyName(metricName, group);
    const family = this.#families.get(name);
    if (family === undefined || family.metricType !== metricTypeOf(metric)) return;
    if (family.remove(this.#labels(group)) === 0) {
      this.#families.delete(name);
      this.registry.removeSingleMetric(name);
    }
  }

  #familyName(metricName: string, group: MetricGroup): string {
    return prometheusName([PROMETHEUS_PREFIX, ...group.getLogicalScopeComponents(), metricName].join('_'));
  }

  #labels(group: MetricGroup): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(group.getAllVariables())) labels[prometheusLabelName(variableName(key))] = value;
    return labels;
  }
}
