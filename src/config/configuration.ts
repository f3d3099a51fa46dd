// Configuration: one typed key/value tree with Flink-style keys; values are validated when they are set.

import { ConfigurationError } from '../core/errors.ts';
import type { ConfigOption } from './config-option.ts';
import { findOption } from './options.ts';

export type ConfigValue = string | number | boolean;

/**
 * A set of configuration values. Known keys are parsed by their option when set, so a bad value fails at once
 * with a message naming the key; unknown keys are kept (other layers may know them) and listed by `unknownKeys()`.
 *
 * @example
 * const conf = new Configuration({ 'parallelism.default': 4 });
 * conf.get(CoreOptions.DEFAULT_PARALLELISM); // 4
 */
export class Configuration {
  readonly #values = new Map<string, unknown>();

  constructor(entries: Readonly<Record<string, ConfigValue>> = {}) {
    for (const [key, value] of Object.entries(entries)) this.setString(key, value);
  }

  get<T>(option: ConfigOption<T>): T {
    return this.#values.has(option.key) ? (this.#values.get(option.key) as T) : option.defaultValue;
  }

  getOptional<T>(option: ConfigOption<T>): T | undefined {
    return this.#values.get(option.key) as T | undefined;
  }

  set<T>(option: ConfigOption<T>, value: T): this {
    this.#values.set(option.key, option.parse(value));
    return this;
  }

  /** Sets a key from a raw value (YAML, `-D key=value`, environment); known keys are validated. */
  setString(key: string, raw: ConfigValue): this {
    const option = findOption(key);
    this.#values.set(key, option ? option.parse(raw) : raw);
    return this;
  }

  contains(option: ConfigOption<unknown> | string): boolean {
    return this.#values.has(typeof option === 'string' ? option : option.key);
  }

  getRaw(key: string): unknown {
    return this.#values.get(key);
  }

  /** Keys no option knows; members of a known family (`logging.levels.<name>`) are known. */
  unknownKeys(): string[] {
    return [...this.#values.keys()].filter((k) => findOption(k) === undefined);
  }

  /** Merges `other` over this one (other wins). */
  merge(other: Configuration): Configuration {
    const out = this.clone();
    for (const [k, v] of other.#values) out.#values.set(k, v);
    return out;
  }

  clone(): Configuration {
    const out = new Configuration();
    for (const [k, v] of this.#values) out.#values.set(k, v);
    return out;
  }

  /** Plain data, for crossing a thread boundary or printing. */
  toMap(): Record<string, ConfigValue> {
    return Object.fromEntries(this.#values) as Record<string, ConfigValue>;
  }

  static fromMap(map: Readonly<Record<string, ConfigValue>>): Configuration {
    return new Configuration(map);
  }

  /** Throws for the first unknown key when asked to be strict. */
  assertNoUnknownKeys(): void {
    const unknown = this.unknownKeys();
    if (unknown.length > 0) {
      throw new ConfigurationError(unknown[0]!, `unknown configuration key ${unknown[0]}`, 'CONFIG_UNKNOWN_KEY');
    }
  }
}
