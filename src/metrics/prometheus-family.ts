// PrometheusFamily: one Prometheus metric family (one name), a child per label set, values read at scrape time.

import type { Counter } from './counter.ts';
import type { Gauge } from './gauge.ts';
import { REPORTED_QUANTILES, type Histogram } from './histogram.ts';
import type { Meter } from './meter.ts';
import type { Metric, MetricType } from './metric.ts';

/** Prometheus family type of each sluice metric type: Counter, Gauge/Meter (rate), Histogram as a summary. */
export const PROMETHEUS_TYPE_OF: Readonly<Record<MetricType, 'counter' | 'gauge' | 'summary'>> = {
  counter: 'counter',
  gauge: 'gauge',
  meter: 'gauge',
  histogram: 'summary',
};

/** One sample as prom-client's registry formats it. */
export interface PrometheusSample {
  value: number;
  labels: Record<string, string>;
  metricName?: string;
}

interface Child {
  readonly labels: Readonly<Record<string, string>>;
  metric: Metric;
  refs: number;
}

/**
 * A custom prom-client collector for one metric name. Several groups with the same logical scope and metric name
 * (two operators, two subtasks) are children with different label values; the family stays registered while any
 * child does (reference-counted, as Flink's reporter). `get()` reads every child's metric when Prometheus scrapes.
 */
export class PrometheusFamily {
  readonly name: string;
  readonly help: string;
  readonly metricType: MetricType;
  readonly type: 'counter' | 'gauge' | 'summary';
  readonly aggregator = 'sum' as const;
  readonly #children = new Map<string, Child>();

  constructor(name: string, help: string, metricType: MetricType) {
    this.name = name;
    this.help = help;
    this.metricType = metricType;
    this.type = PROMETHEUS_TYPE_OF[metricType];
  }

  static labelKey(labels: Readonly<Record<string, string>>): string {
    return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Adds (or replaces) the child with these labels. */
  add(labels: Readonly<Record<string, string>>, metric: Metric): void {
    const key = PrometheusFamily.labelKey(labels);
    const child = this.#children.get(key);
    if (child === undefined) this.#children.set(key, { labels, metric, refs: 1 });
    else {
      child.metric = metric;
      child.refs++;
    }
  }

  /** Drops one reference to the child with these labels; returns how many children are left. */
  remove(labels: Readonly<Record<string, string>>): number {
    const key = PrometheusFamily.labelKey(labels);
    const child = this.#children.get(key);
    if (child !== undefined && --child.refs <= 0) this.#children.delete(key);
    return this.#children.size;
  }

  get size(): number {
    return this.#children.size;
  }

  /** Called by prom-client's registry at scrape time. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: PrometheusSample[] }> {
    const values: PrometheusSample[] = [];
    for (const child of this.#children.values()) this.#collect(child, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  #collect(child: Child, out: PrometheusSample[]): void {
    const labels = { ...child.labels };
    switch (this.metricType) {
      case 'counter':
        out.push({ value: (child.metric as Counter).getCount(), labels });
        return;
      case 'meter':
        out.push({ value: (child.metric as Meter).getRate(), labels });
        return;
      case 'gauge': {
        const value = (child.metric as Gauge<unknown>).getValue();
        if (typeof value === 'number') out.push({ value, labels });
        else if (typeof value === 'boolean') out.push({ value: value ? 1 : 0, labels });
        else if (typeof value === 'bigint') out.push({ value: Number(value), labels });
        return; // strings and objects have no Prometheus value (Flink skips them too)
      }
      case 'histogram': {
        const histogram = child.metric as Histogram;
        const stats = histogram.getStatistics();
        for (const q of REPORTED_QUANTILES) out.push({ value: stats.getQuantile(q), labels: { ...labels, quantile: String(q) } });
        out.push({ metricName: `${this.name}_sum`, value: stats.getMean() * stats.size(), labels });
        out.push({ metricName: `${this.name}_count`, value: histogram.getCount(), labels });
        return;
      }
    }
  }
}
