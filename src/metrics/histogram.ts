// The Histogram metric and the statistics snapshot it hands out (Flink's Histogram / HistogramStatistics).

/** A metric recording the distribution of values (latencies, sizes). */
export interface Histogram {
  /** Records one value. */
  update(value: number): void;
  /** How many values were recorded in total. */
  getCount(): number;
  /** A snapshot of the distribution; later updates do not change it. */
  getStatistics(): HistogramStatistics;
}

/** Statistics of a Histogram at one moment. Every method returns 0 when nothing was recorded. */
export interface HistogramStatistics {
  /** The value below which a fraction `quantile` (0..1) of the values fall. */
  getQuantile(quantile: number): number;
  /** The values the statistics were computed from (for bucketed histograms, each bucket's value, repeated). */
  getValues(): number[];
  /** How many values the statistics describe. */
  size(): number;
  getMean(): number;
  getStdDev(): number;
  getMax(): number;
  getMin(): number;
}

/** The quantiles every reporter and dump shows, as Flink's Prometheus and Slf4j reporters do. */
export const REPORTED_QUANTILES: readonly number[] = Object.freeze([0.5, 0.75, 0.95, 0.98, 0.99, 0.999]);
