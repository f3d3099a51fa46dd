// TimestampedValue: an element of a window's contents with its timestamp, as evictors see it.

import { NO_TIMESTAMP } from '../../core/stream-element.ts';

/**
 * A value and its timestamp (`NO_TIMESTAMP` when the record had none).
 *
 * @example
 * new TimestampedValue('a', 1_000).getTimestamp(); // 1000
 */
export class TimestampedValue<T> {
  constructor(
    readonly value: T,
    readonly timestamp: number = NO_TIMESTAMP,
  ) {}

  getValue(): T {
    return this.value;
  }

  getTimestamp(): number {
    return this.timestamp;
  }

  hasTimestamp(): boolean {
    return this.timestamp !== NO_TIMESTAMP;
  }
}
