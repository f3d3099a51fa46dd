// How the JobMaster decides whether and when a failed job restarts (Flink's RestartBackoffTimeStrategy).

import { CheckpointingOptions, INTEGER_MAX_VALUE, RestartStrategyOptions } from '../config/checkpointing-options.ts';
import type { Configuration } from '../config/configuration.ts';

/** Told of each failure; says whether the job may restart and after how long. */
export interface RestartBackoffTimeStrategy {
  /** Records a failure at `now` (ms); call before canRestart/getBackoffTime. */
  notifyFailure(now: number): void;
  canRestart(now: number): boolean;
  getBackoffTime(): number;
  /** Flink's description, for logs and the exception history. */
  describe(): string;
}

export class NoRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  notifyFailure(_now: number): void {}
  canRestart(_now: number): boolean {
    return false;
  }
  getBackoffTime(): number {
    return 0;
  }
  describe(): string {
    return 'NoRestartBackoffTimeStrategy';
  }
}

export class FixedDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  #attempts = 0;
  constructor(
    readonly maxAttempts: number,
    readonly delayMs: number,
  ) {}
  notifyFailure(_now: number): void {
    this.#attempts++;
  }
  canRestart(_now: number): boolean {
    return this.#attempts <= this.maxAttempts;
  }
  getBackoffTime(): number {
    return this.delayMs;
  }
  describe(): string {
    return `FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=${this.maxAttempts}, backoffTimeMS=${this.delayMs})`;
  }
}

export class FailureRateRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  readonly #failures: number[] = [];
  constructor(
    readonly maxFailuresPerInterval: number,
    readonly intervalMs: number,
    readonly delayMs: number,
  ) {}
  notifyFailure(now: number): void {
    if (this.#failures.length >= this.maxFailuresPerInterval) this.#failures.shift();
    this.#failures.push(now);
  }
  canRestart(now: number): boolean {
    if (this.#failures.length < this.maxFailuresPerInterval) return true;
    return now - this.#failures[0]! > this.intervalMs;
  }
  getBackoffTime(): number {
    return this.delayMs;
  }
  describe(): string {
    return `FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=${this.intervalMs}, backoffTimeMS=${this.delayMs}, maxFailuresPerInterval=${this.maxFailuresPerInterval})`;
  }
}

export class ExponentialDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  #current: number;
  #last = Number.NEGATIVE_INFINITY;
  #backoff = 0;
  constructor(
    readonly initialBackoffMs: number,
    readonly maxBackoffMs: number,
    readonly multiplier: number,
    readonly resetThresholdMs: number,
    readonly jitterFactor: number,
    private readonly random: () => number = Math.random,
  ) {
    this.#current = initialBackoffMs;
  }
  notifyFailure(now: number): void {
    if (now - this.#last >= this.resetThresholdMs) this.#current = this.initialBackoffMs;
    else this.#current = Math.min(this.#current * this.multiplier, this.maxBackoffMs);
    this.#last = now;
    const jitter = this.#current * this.jitterFactor;
    this.#backoff = Math.max(0, Math.round(this.#current + (this.random() * 2 - 1) * jitter));
  }
  canRestart(_now: number): boolean {
    return true;
  }
  getBackoffTime(): number {
    return this.#backoff;
  }
  describe(): string {
    return `ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=${this.initialBackoffMs}, maxBackoffMS=${this.maxBackoffMs}, backoffMultiplier=${this.multiplier}, resetBackoffThresholdMS=${this.resetThresholdMs}, jitterFactor=${this.jitterFactor})`;
  }
}

/**
 * The job's strategy from its configuration. Unset: fixed-delay with unlimited attempts (Integer.MAX_VALUE) and
 * 1 s delay when checkpointing is on, else no restart — Flink's defaults.
 */
export function createRestartBackoffTimeStrategy(conf: Configuration): RestartBackoffTimeStrategy {
  const O = RestartStrategyOptions;
  switch (conf.get(O.TYPE)) {
    case '':
      return conf.get(CheckpointingOptions.INTERVAL) > 0
        ? new FixedDelayRestartBackoffTimeStrategy(
            conf.contains(O.FIXED_DELAY_ATTEMPTS) ? conf.get(O.FIXED_DELAY_ATTEMPTS) : INTEGER_MAX_VALUE,
            conf.get(O.FIXED_DELAY_DELAY),
          )
        : new NoRestartBackoffTimeStrategy();
    case 'none':
    case 'off':
    case 'disable':
      return new NoRestartBackoffTimeStrategy();
    case 'fixed-delay':
    case 'fixeddelay':
      return new FixedDelayRestartBackoffTimeStrategy(conf.get(O.FIXED_DELAY_ATTEMPTS), conf.get(O.FIXED_DELAY_DELAY));
    case 'failure-rate':
    case 'failurerate':
      return new FailureRateRestartBackoffTimeStrategy(
        conf.get(O.FAILURE_RATE_MAX_FAILURES),
        conf.get(O.FAILURE_RATE_INTERVAL),
        conf.get(O.FAILURE_RATE_DELAY),
      );
    case 'exponential-delay':
    case 'exponentialdelay':
      return new ExponentialDelayRestartBackoffTimeStrategy(
        conf.get(O.EXPONENTIAL_INITIAL_BACKOFF),
        conf.get(O.EXPONENTIAL_MAX_BACKOFF),
        conf.get(O.EXPONENTIAL_MULTIPLIER),
        conf.get(O.EXPONENTIAL_RESET_THRESHOLD),
        conf.get(O.EXPONENTIAL_JITTER),
      );
  }
}
