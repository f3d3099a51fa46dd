// The Counter metric: a count that goes up (and, unlike a Prometheus counter, may go down).

/** A metric that counts (Flink's `Counter`). Bumping it must be cheap: it sits on the hot path. */
export interface Counter {
  /** Adds one, or `n`. */
  inc(n?: number): void;
  /** Subtracts one, or `n`. */
  dec(n?: number): void;
  getCount(): number;
}
