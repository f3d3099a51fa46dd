import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../src/config/configuration.ts';
import {
  createRestartBackoffTimeStrategy,
  ExponentialDelayRestartBackoffTimeStrategy,
  FailureRateRestartBackoffTimeStrategy,
  FixedDelayRestartBackoffTimeStrategy,
} from '../../../src/runtime/restart-backoff.ts';

describe('restart backoff strategies', () => {
  it('fixed delay allows exactly maxAttempts restarts', () => {
    const s = new FixedDelayRestartBackoffTimeStrategy(2, 50);
    s.notifyFailure(0);
    expect(s.canRestart(0)).toBe(true);
    s.notifyFailure(0);
    expect(s.canRestart(0)).toBe(true);
    s.notifyFailure(0);
    expect(s.canRestart(0)).toBe(false);
    expect(s.getBackoffTime()).toBe(50);
  });

  it('failure rate fails once maxFailures happen within the interval, and recovers after it', () => {
    const s = new FailureRateRestartBackoffTimeStrategy(2, 1_000, 10);
    s.notifyFailure(0);
    expect(s.canRestart(0)).toBe(true);
    s.notifyFailure(500);
    expect(s.canRestart(500)).toBe(false);
    const later = new FailureRateRestartBackoffTimeStrategy(2, 1_000, 10);
    later.notifyFailure(0);
    later.notifyFailure(1_500);
    expect(later.canRestart(1_500)).toBe(true);
  });

  it('exponential delay grows by the multiplier up to the max and resets after a quiet period', () => {
    const s = new ExponentialDelayRestartBackoffTimeStrategy(100, 500, 2, 10_000, 0, () => 0.5);
    const waits = [0, 10, 20, 30, 40].map((t) => {
      s.notifyFailure(t);
      return s.getBackoffTime();
    });
    expect(waits).toEqual([100, 200, 400, 500, 500]);
    s.notifyFailure(20_000);
    expect(s.getBackoffTime()).toBe(100);
    expect(s.canRestart(0)).toBe(true);
  });

  it("defaults as Flink: no restart without checkpointing, fixed delay forever with it", () => {
    expect(createRestartBackoffTimeStrategy(new Configuration()).canRestart(0)).toBe(false);
    const s = createRestartBackoffTimeStrategy(new Configuration({ 'execution.checkpointing.interval': 1000 }));
    expect(s.describe()).toBe('FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2147483647, backoffTimeMS=1000)');
    expect(createRestartBackoffTimeStrategy(new Configuration({ 'restart-strategy.type': 'fixeddelay' })).describe()).toContain(
      'maxNumberRestartAttempts=1,',
    );
  });
});
