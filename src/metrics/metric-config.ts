// MetricConfig: one reporter's own keys (metrics.reporter.<name>.*), with typed getters (Flink's MetricConfig).

import { ConfigurationError } from '../core/errors.ts';

/** A reporter property value, as configuration holds it. */
export type MetricConfigValue = string | number | boolean;

/** The properties of one reporter, prefix `metrics.reporter.<name>.` removed (`port`, `host`, `interval`...). */
export class MetricConfig {
  readonly reporterName: string;
  readonly properties: Readonly<Record<string, MetricConfigValue>>;

  constructor(reporterName: string, properties: Readonly<Record<string, MetricConfigValue>> = {}) {
    this.reporterName = reporterName;
    this.properties = Object.freeze({ ...properties });
  }

  getString(key: string, defaultValue: string): string {
    const value = this.properties[key];
    return value === undefined ? defaultValue : String(value);
  }

  getInteger(key: string, defaultValue: number): number {
    const value = this.properties[key];
    if (value === undefined) return defaultValue;
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isInteger(n)) {
      throw new ConfigurationError(this.fullKey(key), `${this.fullKey(key)} must be a whole number, got ${JSON.stringify(value)}`);
    }
    return n;
  }

  getBoolean(key: string, defaultValue: boolean): boolean {
    const value = this.properties[key];
    if (value === undefined) return defaultValue;
    if (typeof value === 'boolean') return value;
    const text = String(value).trim().toLowerCase();
    if (text === 'true' || text === 'false') return text === 'true';
    throw new ConfigurationError(this.fullKey(key), `${this.fullKey(key)} must be true or false, got ${JSON.stringify(value)}`);
  }

  /** The full configuration key of a property, for messages. */
  fullKey(key: string): string {
    return `metrics.reporter.${this.reporterName}.${key}`;
  }
}
