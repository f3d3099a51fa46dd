// The Meter metric: events and their average rate per second.

/** A metric measuring a throughput (Flink's `Meter`), e.g. `numRecordsInPerSecond`. */
export interface Meter {
  /** Marks one event, or `n`. */
  markEvent(n?: number): void;
  /** Events per second, averaged over the meter's time span. */
  getRate(): number;
  /** Events marked in total. */
  getCount(): number;
}
