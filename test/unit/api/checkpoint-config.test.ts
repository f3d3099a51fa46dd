import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../src/config/configuration.ts';
import { CheckpointConfig, CheckpointingMode, ExternalizedCheckpointCleanup } from '../../../src/api/checkpoint-config.ts';
import { RestartStrategies } from '../../../src/api/restart-strategies.ts';
import { FsStateBackend, HashMapStateBackend, LevelDBStateBackend, MemoryStateBackend, PredefinedOptions } from '../../../src/api/state-backends.ts';
import { StreamExecutionEnvironment } from '../../../src/api/environment.ts';
import { Time } from '../../../src/api/time.ts';
import { IllegalArgumentError } from '../../../src/core/errors.ts';

describe('CheckpointConfig', () => {
  it("has Flink's defaults", () => {
    const cp = new CheckpointConfig(new Configuration());
    expect(cp.isCheckpointingEnabled()).toBe(false);
    expect(cp.getCheckpointInterval()).toBe(-1);
    expect(cp.getCheckpointingMode()).toBe('EXACTLY_ONCE');
    expect(cp.getCheckpointTimeout()).toBe(600_000);
    expect(cp.getMinPauseBetweenCheckpoints()).toBe(0);
    expect(cp.getMaxConcurrentCheckpoints()).toBe(1);
    expect(cp.getTolerableCheckpointFailureNumber()).toBe(0);
    expect(cp.getExternalizedCheckpointCleanup()).toBe('NO_EXTERNALIZED_CHECKPOINTS');
    expect(cp.isExternalizedCheckpointsEnabled()).toBe(false);
  });

  it("validates as Flink does, with Flink's messages", () => {
    const cp = new CheckpointConfig(new Configuration());
    expect(() => cp.setCheckpointInterval(5)).toThrow(/Checkpoint interval must be larger than or equal to 10 ms/);
    expect(() => cp.setCheckpointTimeout(9)).toThrow(/Checkpoint timeout must be larger than or equal to 10 ms/);
    expect(() => cp.setMinPauseBetweenCheckpoints(-1)).toThrow(/Pause value must be zero or positive/);
    expect(() => cp.setMaxConcurrentCheckpoints(0)).toThrow(/must be at least one/);
    expect(() => cp.setTolerableCheckpointFailureNumber(-1)).toThrow(/must be non-negative/);
    expect(() => cp.setCheckpointingMode('SOMETIMES' as CheckpointingMode)).toThrow(IllegalArgumentError);
  });

  it('maps the deprecated setFailOnCheckpointingErrors as Flink does, unless a tolerable number was set', () => {
    const cp = new CheckpointConfig(new Configuration());
    cp.setFailOnCheckpointingErrors(false);
    expect(cp.getTolerableCheckpointFailureNumber()).toBe(2_147_483_647);
    cp.setFailOnCheckpointingErrors(true);
    expect(cp.getTolerableCheckpointFailureNumber()).toBe(0);
    cp.setTolerableCheckpointFailureNumber(3);
    cp.setFailOnCheckpointingErrors(false);
    expect(cp.getTolerableCheckpointFailureNumber()).toBe(3);
  });

  it('is written into the job configuration by the environment', () => {
    const env = new StreamExecutionEnvironment();
    env.enableCheckpointing(10_000, CheckpointingMode.AT_LEAST_ONCE);
    const cp = env.getCheckpointConfig();
    cp.setMinPauseBetweenCheckpoints(30_000);
    cp.setMaxConcurrentCheckpoints(3);
    cp.setCheckpointTimeout(300_000);
    cp.setTolerableCheckpointFailureNumber(3);
    cp.enableExternalizedCheckpoints(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
    expect(env.getConfiguration().toMap()).toMatchObject({
      'execution.checkpointing.interval': 10_000,
      'execution.checkpointing.mode': 'AT_LEAST_ONCE',
      'execution.checkpointing.min-pause': 30_000,
      'execution.checkpointing.max-concurrent-checkpoints': 3,
      'execution.checkpointing.timeout': 300_000,
      'execution.checkpointing.tolerable-failed-checkpoints': 3,
      'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
    });
  });

  it('reads Flink duration strings from configuration', () => {
    const cp = new CheckpointConfig(new Configuration({ 'execution.checkpointing.interval': '30 s', 'execution.checkpointing.timeout': '5 min' }));
    expect(cp.getCheckpointInterval()).toBe(30_000);
    expect(cp.getCheckpointTimeout()).toBe(300_000);
  });
});

describe('state backends and restart strategies in the configuration', () => {
  const applied = (f: (env: StreamExecutionEnvironment) => void) => {
    const env = new StreamExecutionEnvironment();
    f(env);
    return env.getConfiguration().toMap();
  };

  it('writes each state backend as Flink configuration keys', () => {
    expect(applied((e) => e.setStateBackend(new MemoryStateBackend()))).toMatchObject({
      'state.backend': 'jobmanager',
      'state.checkpoint-storage': 'jobmanager',
      'state.backend.memory.max-state-size': 5 * 1024 * 1024,
    });
    expect(applied((e) => e.setStateBackend(new HashMapStateBackend()))).toMatchObject({ 'state.backend': 'hashmap' });
    expect(applied((e) => e.setStateBackend(new FsStateBackend('file:///tmp/ckp', false)))).toMatchObject({
      'state.backend': 'filesystem',
      'state.backend.async': false,
      'state.checkpoints.dir': 'file:///tmp/ckp',
    });
    expect(
      applied((e) => e.setStateBackend(new LevelDBStateBackend('/tmp/ckp').setPredefinedOptions(PredefinedOptions.FLASH_SSD_OPTIMIZED))),
    ).toMatchObject({
      'state.backend': 'leveldb',
      'state.backend.incremental': true,
      'state.backend.leveldb.predefined-options': 'FLASH_SSD_OPTIMIZED',
      'state.checkpoints.dir': '/tmp/ckp',
    });
    expect(() => new FsStateBackend('')).toThrow(IllegalArgumentError);
    expect(() => new StreamExecutionEnvironment().setStateBackend({} as never)).toThrow(/HashMapStateBackend/);
  });

  it('writes each restart strategy as restart-strategy.* keys', () => {
    expect(applied((e) => e.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, Time.seconds(30))))).toMatchObject({
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 5,
      'restart-strategy.fixed-delay.delay': 30_000,
    });
    expect(applied((e) => e.setRestartStrategy(RestartStrategies.failureRateRestart(3, Time.minutes(5), 10_000)))).toMatchObject({
      'restart-strategy.type': 'failure-rate',
      'restart-strategy.failure-rate.max-failures-per-interval': 3,
      'restart-strategy.failure-rate.failure-rate-interval': 300_000,
      'restart-strategy.failure-rate.delay': 10_000,
    });
    expect(applied((e) => e.setRestartStrategy(RestartStrategies.noRestart()))).toMatchObject({ 'restart-strategy.type': 'none' });
    expect(() => RestartStrategies.fixedDelayRestart(-1, 0)).toThrow(IllegalArgumentError);
    expect(() => RestartStrategies.exponentialDelayRestart(10, 5, 2, 100, 0.1)).toThrow(/initialBackoff/);
  });
});
