// Configuration: defaults, parsing of raw values (numbers, durations, enums, booleans), key-naming errors, merging.

import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../../src/api/environment.ts';
import { durationOption } from '../../../src/config/config-option.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { ALL_OPTIONS, CoreOptions, TaskManagerOptions } from '../../../src/config/options.ts';
import { ConfigurationError, IllegalArgumentError } from '../../../src/core/errors.ts';
import { MetricOptions } from '../../../src/config/metric-options.ts';
import { CHECKPOINTING_OPTIONS } from '../../../src/config/checkpointing-options.ts';
import { REST_OPTIONS } from '../../../src/config/rest-options.ts';
import { CLUSTER_OPTIONS } from '../../../src/config/cluster-options.ts';

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigurationError) return e;
    throw e;
  }
  throw new Error('expected a ConfigurationError, but nothing was thrown');
}

describe('defaults', () => {
  it('an empty configuration answers every option with its default', () => {
    const conf = new Configuration();
    expect(conf.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(1);
    expect(conf.get(CoreOptions.MAX_PARALLELISM)).toBe(-1);
    expect(conf.get(CoreOptions.EXECUTION_RUNTIME)).toBe('auto');
    expect(conf.get(CoreOptions.BUFFER_TIMEOUT)).toBe(100);
    expect(conf.get(CoreOptions.OPERATOR_CHAINING)).toBe(true);
    expect(conf.get(CoreOptions.AUTO_WATERMARK_INTERVAL)).toBe(200);
    expect(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).toBe(1);
    expect(conf.getOptional(CoreOptions.DEFAULT_PARALLELISM)).toBeUndefined();
    expect(conf.contains(CoreOptions.DEFAULT_PARALLELISM)).toBe(false);
  });

  it('every default passes its own option\'s validation', () => {
    for (const option of ALL_OPTIONS.values()) expect(option.parse(option.defaultValue), option.key).toEqual(option.defaultValue);
  });

  it('option keys are unique and Flink-style (dotted, lower-case segments)', () => {
    const keys = [
      ...Object.values(CoreOptions),
      ...Object.values(TaskManagerOptions),
      ...Object.values(MetricOptions),
      ...CHECKPOINTING_OPTIONS,
      ...REST_OPTIONS,
      ...CLUSTER_OPTIONS,
    ].map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(ALL_OPTIONS.size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-z][a-z-]*(\.[a-zA-Z-]+)+$/);
  });
});

describe('parsing raw values', () => {
  it('whole numbers from numbers and strings', () => {
    expect(new Configuration({ 'parallelism.default': 4 }).get(CoreOptions.DEFAULT_PARALLELISM)).toBe(4);
    expect(new Configuration({ 'parallelism.default': '8' }).get(CoreOptions.DEFAULT_PARALLELISM)).toBe(8);
    expect(new Configuration({ 'parallelism.default': ' 3 ' }).get(CoreOptions.DEFAULT_PARALLELISM)).toBe(3);
  });

  it.each([
    ['100 ms', 100],
    ['100ms', 100],
    ['250', 250],
    ['30 s', 30_000],
    ['30 seconds', 30_000],
    ['5 min', 300_000],
    ['5 m', 300_000],
    ['2 h', 7_200_000],
    ['1 d', 86_400_000],
    ['  10 s  ', 10_000],
    [42, 42],
  ])('duration %j = %i ms', (raw, ms) => {
    expect(new Configuration({ 'pipeline.auto-watermark-interval': raw }).get(CoreOptions.AUTO_WATERMARK_INTERVAL)).toBe(ms);
  });

  // Flink's TimeUtils.parseDuration lower-cases the unit (toLowerCase(Locale.US)): "30 S" and "100 MS" are valid.
  it.each([
    ['30 S', 30_000],
    ['100 MS', 100],
    ['5 Min', 300_000],
  ])('duration units are case-insensitive, as in Flink: %j = %i ms', (raw, ms) => {
    expect(new Configuration({ 'pipeline.auto-watermark-interval': raw }).get(CoreOptions.AUTO_WATERMARK_INTERVAL)).toBe(ms);
  });

  it('the buffer timeout accepts -1 (flush only when full) and 0', () => {
    expect(new Configuration({ 'execution.buffer-timeout': -1 }).get(CoreOptions.BUFFER_TIMEOUT)).toBe(-1);
    expect(new Configuration({ 'execution.buffer-timeout': '-1' }).get(CoreOptions.BUFFER_TIMEOUT)).toBe(-1);
    expect(new Configuration({ 'execution.buffer-timeout': '0 ms' }).get(CoreOptions.BUFFER_TIMEOUT)).toBe(0);
  });

  it('enums trim their value', () => {
    expect(new Configuration({ 'execution.runtime': ' local ' }).get(CoreOptions.EXECUTION_RUNTIME)).toBe('local');
  });

  it.each([
    [true, true],
    ['true', true],
    [false, false],
    ['false', false],
  ])('boolean %j = %s', (raw, value) => {
    expect(new Configuration({ 'pipeline.operator-chaining': raw }).get(CoreOptions.OPERATOR_CHAINING)).toBe(value);
  });

  // Flink's ConfigurationUtils.convertToBoolean switches on toUpperCase(): "TRUE" / "False" are valid.
  it.each([
    ['TRUE', true],
    ['False', false],
  ])('booleans are case-insensitive, as in Flink: %j = %s', (raw, value) => {
    expect(new Configuration({ 'pipeline.operator-chaining': raw }).get(CoreOptions.OPERATOR_CHAINING)).toBe(value);
  });
});

describe('invalid values fail at once, naming the key and what was wrong', () => {
  it.each([
    ['parallelism.default', 0, /^parallelism\.default must be >= 1, got 0$/],
    ['parallelism.default', -3, /parallelism\.default must be >= 1, got -3/],
    ['parallelism.default', 'four', /parallelism\.default must be a whole number, got "four"/],
    ['parallelism.default', 1.5, /parallelism\.default must be a whole number, got 1\.5/],
    ['parallelism.default', '', /parallelism\.default must be a whole number, got ""/],
    ['pipeline.max-parallelism', 40000, /pipeline\.max-parallelism must be <= 32768, got 40000/],
    ['minicluster.number-of-taskmanagers', 65, /minicluster\.number-of-taskmanagers must be <= 64, got 65/],
    ['execution.buffer-timeout', 'soon', /execution\.buffer-timeout must be a duration such as "100 ms" or "30 s", got "soon"/],
    ['execution.buffer-timeout', '-5 ms', /execution\.buffer-timeout must be >= -1 ms, got "-5 ms"/],
    ['pipeline.auto-watermark-interval', '-1', /pipeline\.auto-watermark-interval must be >= 0 ms/],
    ['pipeline.auto-watermark-interval', '10 fortnights', /must be a duration/],
    ['execution.runtime', 'cloud', /execution\.runtime must be one of auto, local, threads, got "cloud"/],
    ['pipeline.operator-chaining', 'yes', /pipeline\.operator-chaining must be true or false, got "yes"/],
    ['pipeline.operator-chaining', 1, /pipeline\.operator-chaining must be true or false, got 1/],
  ] as const)('%s = %j', (key, raw, message) => {
    const error = configError(() => new Configuration({ [key]: raw }));
    expect(error.key).toBe(key);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(message);
  });

  // Flink parses whole numbers with Integer.parseInt: hex and exponent notation are not whole numbers.
  it.each(['0x10', '1e3'])('parallelism.default = %j is not a whole number', (raw) => {
    const error = configError(() => new Configuration({ 'parallelism.default': raw }));
    expect(error.key).toBe('parallelism.default');
    expect(error.message).toMatch(/must be a whole number/);
  });

  // Flink's ExecutionConfig.setMaxParallelism rejects 0 ("at least 1"); only the default -1 means "derive it".
  it('pipeline.max-parallelism = 0 is rejected, naming the key', () => {
    const error = configError(() => new Configuration({ 'pipeline.max-parallelism': 0 }));
    expect(error.key).toBe('pipeline.max-parallelism');
  });

  it('set() validates too', () => {
    const conf = new Configuration();
    const error = configError(() => conf.set(CoreOptions.DEFAULT_PARALLELISM, 0));
    expect(error.key).toBe('parallelism.default');
    expect(conf.contains(CoreOptions.DEFAULT_PARALLELISM)).toBe(false);
  });

  it('a duration option with its own minimum says so', () => {
    const option = durationOption('state.checkpoints.interval', 1000, 'test', 10);
    expect(option.parse('10 ms')).toBe(10);
    expect(() => option.parse('5 ms')).toThrow(/state\.checkpoints\.interval must be >= 10 ms, got "5 ms"/);
  });
});

describe('unknown keys', () => {
  it('are kept as they are and listed', () => {
    const conf = new Configuration({ 'my.plugin.mode': 'fast', 'parallelism.default': 2, 'my.custom': 7 });
    expect(conf.getRaw('my.plugin.mode')).toBe('fast');
    expect(conf.getRaw('my.custom')).toBe(7);
    expect(conf.unknownKeys().sort()).toEqual(['my.custom', 'my.plugin.mode']);
    expect(conf.contains('my.custom')).toBe(true);
  });

  it('assertNoUnknownKeys throws CONFIG_UNKNOWN_KEY naming the key', () => {
    expect(() => new Configuration({ 'parallelism.default': 2 }).assertNoUnknownKeys()).not.toThrow();
    const error = configError(() => new Configuration({ 'paralelism.default': 2 }).assertNoUnknownKeys());
    expect(error.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(error.key).toBe('paralelism.default');
    expect(error.message).toContain('paralelism.default');
  });
});

describe('copies and merges', () => {
  it('clone() is independent of the original', () => {
    const a = new Configuration({ 'parallelism.default': 2 });
    const b = a.clone();
    b.set(CoreOptions.DEFAULT_PARALLELISM, 5);
    expect(a.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(2);
    expect(b.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(5);
  });

  it('merge() lets the other win and leaves both inputs unchanged', () => {
    const base = new Configuration({ 'parallelism.default': 2, 'execution.runtime': 'local' });
    const over = new Configuration({ 'parallelism.default': 6, 'x.y': 'z' });
    const merged = base.merge(over);
    expect(merged.toMap()).toEqual({ 'parallelism.default': 6, 'execution.runtime': 'local', 'x.y': 'z' });
    expect(base.toMap()).toEqual({ 'parallelism.default': 2, 'execution.runtime': 'local' });
    expect(over.toMap()).toEqual({ 'parallelism.default': 6, 'x.y': 'z' });
  });

  it('toMap() / fromMap() round-trip parsed values as plain data', () => {
    const conf = new Configuration({ 'execution.buffer-timeout': '2 s', 'pipeline.operator-chaining': 'false' });
    const map = conf.toMap();
    expect(map).toEqual({ 'execution.buffer-timeout': 2000, 'pipeline.operator-chaining': false });
    expect(structuredClone(map)).toEqual(map);
    expect(Configuration.fromMap(map).toMap()).toEqual(map);
  });
});

describe('the environment reads its configuration', () => {
  it('takes settings from plain key/value pairs', () => {
    const env = new StreamExecutionEnvironment({
      configuration: { 'parallelism.default': 3, 'pipeline.max-parallelism': 512, 'pipeline.operator-chaining': false },
    });
    expect(env.getParallelism()).toBe(3);
    expect(env.getMaxParallelism()).toBe(512);
    expect(env.isChainingEnabled()).toBe(false);
  });

  it('rejects a bad value at construction, naming the key', () => {
    const error = configError(() => new StreamExecutionEnvironment({ configuration: { 'parallelism.default': 0 } }));
    expect(error.key).toBe('parallelism.default');
  });

  it('copies a Configuration it is given (later changes to it do not leak in)', () => {
    const conf = new Configuration({ 'parallelism.default': 2 });
    const env = new StreamExecutionEnvironment({ configuration: conf });
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 9);
    expect(env.getParallelism()).toBe(2);
  });

  it('setters write through to the configuration, and validate', () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(4).setBufferTimeout(0).disableOperatorChaining();
    expect(env.getConfiguration().toMap()).toEqual({
      'parallelism.default': 4,
      'execution.buffer-timeout': 0,
      'pipeline.operator-chaining': false,
    });
    expect(() => env.setParallelism(0)).toThrow(IllegalArgumentError);
    expect(() => env.setBufferTimeout(-2)).toThrow(/buffer timeout/);
    expect(() => env.getConfig().setAutoWatermarkInterval(-1)).toThrow(/auto watermark interval must be >= 0 ms, got -1/);
  });
});
