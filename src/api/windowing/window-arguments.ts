// Reading window sizes, slides, gaps and offsets from Time | number arguments, with Flink's checks.

import { IllegalArgumentError } from '../../core/errors.ts';
import { toMillis, type Duration } from '../time.ts';

/**
 * An offset of window starts from the epoch: a Duration, or a number of milliseconds that may be negative
 * (sluice's `Time` is never negative; `-8 * 3_600_000` shifts daily windows to UTC+8 as Flink's `Time.hours(-8)`).
 */
export type WindowOffset = Duration;

/** Milliseconds of a window size, slide, gap or interval: a whole, non-negative number. */
export function spanMillis(what: string, span: Duration): number {
  const ms = toMillis(span);
  if (!Number.isSafeInteger(ms)) throw new IllegalArgumentError(`${what} must be a whole number of milliseconds, got ${ms}`);
  return ms;
}

/** Milliseconds of an offset: a whole number, negative allowed when given as a number. */
export function offsetMillis(offset: WindowOffset): number {
  const ms = typeof offset === 'number' ? offset : offset.toMilliseconds();
  if (!Number.isSafeInteger(ms)) throw new IllegalArgumentError(`window offset must be a whole number of milliseconds, got ${ms}`);
  return ms;
}

/** Flink's message when a record reaches an event-time assigner without a timestamp. */
export function missingTimestampError(): IllegalArgumentError {
  return new IllegalArgumentError(
    "Record has no timestamp (NO_TIMESTAMP). Is the time characteristic set to 'ProcessingTime', or did you forget " +
      "to call 'DataStream.assignTimestampsAndWatermarks(...)'?",
  );
}
