// A typed configuration key: its name, default, and how a raw value (YAML, -D, environment) becomes a T.

import { ConfigurationError } from '../core/errors.ts';

export interface ConfigOption<T> {
  readonly key: string;
  readonly defaultValue: T;
  readonly description: string;
  /** Turns a raw value into T or throws a ConfigurationError naming the key and what was wrong. */
  parse(raw: unknown): T;
}

export function intOption(
  key: string,
  defaultValue: number,
  description: string,
  range: { min?: number; max?: number } = {},
): ConfigOption<number> {
  return {
    key,
    defaultValue,
    description,
    parse(raw) {
      const value = typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new ConfigurationError(key, `${key} must be a whole number, got ${JSON.stringify(raw)}`);
      }
      if (range.min !== undefined && value < range.min) {
        throw new ConfigurationError(key, `${key} must be >= ${range.min}, got ${value}`);
      }
      if (range.max !== undefined && value > range.max) {
        throw new ConfigurationError(key, `${key} must be <= ${range.max}, got ${value}`);
      }
      return value;
    },
  };
}

const DURATION = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|min|m|minute|minutes|h|hour|hours|d|day|days)?\s*$/i;
const UNIT_MS: Record<string, number> = {
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

/** A duration in milliseconds; accepts a number (ms) or Flink's duration strings ("100 ms", "30 s", "5 min"). */
export function durationOption(
  key: string,
  defaultValue: number,
  description: string,
  min = 0,
): ConfigOption<number> {
  return {
    key,
    defaultValue,
    description,
    parse(raw) {
      let value: number;
      if (typeof raw === 'number') value = raw;
      else if (typeof raw === 'string' && DURATION.test(raw)) {
        const [, amount, unit] = DURATION.exec(raw)!;
        value = Number(amount) * UNIT_MS[(unit ?? 'ms').toLowerCase()]!;
      } else {
        throw new ConfigurationError(key, `${key} must be a duration such as "100 ms" or "30 s", got ${JSON.stringify(raw)}`);
      }
      if (!Number.isFinite(value) || value < min) {
        throw new ConfigurationError(key, `${key} must be >= ${min} ms, got ${JSON.stringify(raw)}`);
      }
      return value;
    },
  };
}

export function enumOption<const E extends string>(
  key: string,
  values: readonly E[],
  defaultValue: E,
  description: string,
): ConfigOption<E> {
  return {
    key,
    defaultValue,
    description,
    parse(raw) {
      const value = typeof raw === 'string' ? raw.trim() : raw;
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
        throw new ConfigurationError(key, `${key} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
      }
      return value as E;
    },
  };
}

export function booleanOption(key: string, defaultValue: boolean, description: string): ConfigOption<boolean> {
  return {
    key,
    defaultValue,
    description,
    parse(raw) {
      if (typeof raw === 'boolean') return raw;
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new ConfigurationError(key, `${key} must be true or false, got ${JSON.stringify(raw)}`);
    },
  };
}

export function stringOption(key: string, defaultValue: string, description: string): ConfigOption<string> {
  return {
    key,
    defaultValue,
    description,
    parse(raw) {
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      throw new ConfigurationError(key, `${key} must be a string, got ${JSON.stringify(raw)}`);
    },
  };
}
