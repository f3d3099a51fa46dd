// RestartStrategies: how a failed job is restarted (Flink's RestartStrategies), written into the job's Configuration.

import { RestartStrategyOptions } from '../config/checkpointing-options.ts';
import type { Configuration } from '../config/configuration.ts';
import { IllegalArgumentError } from '../core/errors.ts';
import { toMillis, type Duration } from './time.ts';

/** A restart strategy as the API describes it; `env.setRestartStrategy` writes it into the job's configuration. */
export abstract class RestartStrategyConfiguration {
  abstract getDescription(): string;
  /** Sets the `restart-strategy.*` keys this strategy stands for. */
  abstract applyTo(configuration: Configuration): void;
}

class NoRestartStrategyConfiguration extends RestartStrategyConfiguration {
  getDescription(): string {
    return 'Restart deactivated.';
  }
  applyTo(configuration: Configuration): void {
    configuration.set(RestartStrategyOptions.TYPE, 'none');
  }
}

class FallbackRestartStrategyConfiguration extends RestartStrategyConfiguration {
  getDescription(): string {
    return 'Cluster level default restart strategy';
  }
  applyTo(configuration: Configuration): void {
    configuration.set(RestartStrategyOptions.TYPE, '');
  }
}

export class FixedDelayRestartStrategyConfiguration extends RestartStrategyConfiguration {
  constructor(
    readonly restartAttempts: number,
    readonly delayBetweenAttemptsMs: number,
  ) {
    super();
  }
  getDescription(): string {
    return `Restart with fixed delay (${this.delayBetweenAttemptsMs} ms). #${this.restartAttempts} restart attempts.`;
  }
  applyTo(configuration: Configuration): void {
    configuration.set(RestartStrategyOptions.TYPE, 'fixed-delay');
    configuration.set(RestartStrategyOptions.FIXED_DELAY_ATTEMPTS, this.restartAttempts);
    configuration.set(RestartStrategyOptions.FIXED_DELAY_DELAY, this.delayBetweenAttemptsMs);
  }
}

export class FailureRateRestartStrategyConfiguration extends RestartStrategyConfiguration {
  constructor(
    readonly maxFailureRate: number,
    readonly failureIntervalMs: number,
    readonly delayBetweenAttemptsMs: number,
  ) {
    super();
  }
  getDescription(): string {
    return `Failure rate restart with maximum of ${this.maxFailureRate} failures within interval ${this.failureIntervalMs} ms and fixed delay ${this.delayBetweenAttemptsMs} ms.`;
  }
  applyTo(configuration: Configuration): void {
    configuration.set(RestartStrategyOptions.TYPE, 'failure-rate');
    configuration.set(RestartStrategyOptions.FAILURE_RATE_MAX_FAILURES, this.maxFailureRate);
    configuration.set(RestartStrategyOptions.FAILURE_RATE_INTERVAL, this.failureIntervalMs);
    configuration.set(RestartStrategyOptions.FAILURE_RATE_DELAY, this.delayBetweenAttemptsMs);
  }
}

export class ExponentialDelayRestartStrategyConfiguration extends RestartStrategyConfiguration {
  constructor(
    readonly initialBackoffMs: number,
    readonly maxBackoffMs: number,
    readonly backoffMultiplier: number,
    readonly resetBackoffThresholdMs: number,
    readonly jitterFactor: number,
  ) {
    super();
  }
  getDescription(): string {
    return `Restart with exponential delay: starting at ${this.initialBackoffMs} ms, increases exponentially by ${this.backoffMultiplier}, with maximum delay ${this.maxBackoffMs} ms.`;
  }
  applyTo(configuration: Configuration): void {
    configuration.set(RestartStrategyOptions.TYPE, 'exponential-delay');
    configuration.set(RestartStrategyOptions.EXPONENTIAL_INITIAL_BACKOFF, this.initialBackoffMs);
    configuration.set(RestartStrategyOptions.EXPONENTIAL_MAX_BACKOFF, this.maxBackoffMs);
    configuration.set(RestartStrategyOptions.EXPONENTIAL_MULTIPLIER, this.backoffMultiplier);
    configuration.set(RestartStrategyOptions.EXPONENTIAL_RESET_THRESHOLD, this.resetBackoffThresholdMs);
    configuration.set(RestartStrategyOptions.EXPONENTIAL_JITTER, this.jitterFactor);
  }
}

function nonNegativeInt(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new IllegalArgumentError(`${name} must be a whole number >= 0, got ${n}`);
  return n;
}

/**
 * Factory of restart strategies, as Flink's.
 *
 * @example
 * env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, Time.seconds(30)));
 */
export const RestartStrategies = Object.freeze({
  noRestart(): RestartStrategyConfiguration {
    return new NoRestartStrategyConfiguration();
  },
  /** Uses the cluster's (configuration's) strategy. */
  fallBackRestart(): RestartStrategyConfiguration {
    return new FallbackRestartStrategyConfiguration();
  },
  fixedDelayRestart(restartAttempts: number, delayBetweenAttempts: Duration): FixedDelayRestartStrategyConfiguration {
    return new FixedDelayRestartStrategyConfiguration(nonNegativeInt('restartAttempts', restartAttempts), toMillis(delayBetweenAttempts));
  },
  failureRateRestart(failureRate: number, failureInterval: Duration, delayInterval: Duration): FailureRateRestartStrategyConfiguration {
    if (!Number.isInteger(failureRate) || failureRate < 1) {
      throw new IllegalArgumentError(`failureRate must be a whole number >= 1, got ${failureRate}`);
    }
    const interval = toMillis(failureInterval);
    if (interval <= 0) throw new IllegalArgumentError(`failureInterval must be > 0, got ${interval} ms`);
    return new FailureRateRestartStrategyConfiguration(failureRate, interval, toMillis(delayInterval));
  },
  exponentialDelayRestart(
    initialBackoff: Duration,
    maxBackoff: Duration,
    backoffMultiplier: number,
    resetBackoffThreshold: Duration,
    jitterFactor: number,
  ): ExponentialDelayRestartStrategyConfiguration {
    if (!(backoffMultiplier >= 1)) throw new IllegalArgumentError(`backoffMultiplier must be >= 1, got ${backoffMultiplier}`);
    if (!(jitterFactor >= 0 && jitterFactor <= 1)) throw new IllegalArgumentError(`jitterFactor must be in [0, 1], got ${jitterFactor}`);
    const initial = toMillis(initialBackoff);
    const max = toMillis(maxBackoff);
    if (initial > max) throw new IllegalArgumentError(`initialBackoff (${initial} ms) must not exceed maxBackoff (${max} ms)`);
    return new ExponentialDelayRestartStrategyConfiguration(initial, max, backoffMultiplier, toMillis(resetBackoffThreshold), jitterFactor);
  },
});
