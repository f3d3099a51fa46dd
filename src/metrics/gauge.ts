// The Gauge metric: a value read on demand (at report or dump time), never pushed per record.

/** A metric whose value is computed when it is read (Flink's `Gauge<T>`). */
export interface Gauge<T = unknown> {
  getValue(): T;
}

/** Wraps a function as a Gauge: `group.gauge('queueLength', gaugeOf(() => queue.length))`. */
export function gaugeOf<T>(read: () => T): Gauge<T> {
  return { getValue: read };
}
