// DescriptiveStatisticsHistogram: exact statistics over the last `windowSize` values (Flink's class of that name).

import { IllegalArgumentError } from '../core/errors.ts';
import type { Histogram, HistogramStatistics } from './histogram.ts';

/**
 * A Histogram over a sliding window of the most recent `windowSize` values, with exact quantiles (commons-math's
 * legacy estimate, as Flink's `DescriptiveStatisticsHistogram`) and the sample standard deviation.
 */
export class DescriptiveStatisticsHistogram implements Histogram {
  readonly #window: Float64Array;
  #count = 0;

  constructor(windowSize: number) {
    if (!Number.isInteger(windowSize) || windowSize < 1) {
      throw new IllegalArgumentError(`windowSize must be a whole number >= 1, got ${windowSize}`);
    }
    this.#window = new Float64Array(windowSize);
  }

  update(value: number): void {
    this.#window[this.#count % this.#window.length] = value;
    this.#count++;
  }

  getCount(): number {
    return this.#count;
  }

  getStatistics(): HistogramStatistics {
    const size = Math.min(this.#count, this.#window.length);
    return new SortedValuesStatistics(Float64Array.from(this.#window.subarray(0, size)).sort());
  }
}

/** Exact statistics of a sorted array of values. */
export class SortedValuesStatistics implements HistogramStatistics {
  readonly #sorted: Float64Array;

  /** `sorted` must be sorted ascending; it is kept, not copied. */
  constructor(sorted: Float64Array) {
    this.#sorted = sorted;
  }

  getQuantile(quantile: number): number {
    const n = this.#sorted.length;
    if (n === 0) return 0;
    const pos = Math.min(Math.max(quantile, 0), 1) * (n + 1);
    if (pos < 1) return this.#sorted[0]!;
    if (pos >= n) return this.#sorted[n - 1]!;
    const lower = this.#sorted[Math.floor(pos) - 1]!;
    const upper = this.#sorted[Math.floor(pos)]!;
    return lower + (pos - Math.floor(pos)) * (upper - lower);
  }

  getValues(): number[] {
    return Array.from(this.#sorted);
  }

  size(): number {
    return this.#sorted.length;
  }

  getMean(): number {
    const n = this.#sorted.length;
    if (n === 0) return 0;
    let sum = 0;
    for (const v of this.#sorted) sum += v;
    return sum / n;
  }

  getStdDev(): number {
    const n = this.#sorted.length;
    if (n < 2) return 0;
    const mean = this.getMean();
    let squares = 0;
    for (const v of this.#sorted) squares += (v - mean) * (v - mean);
    return Math.sqrt(squares / (n - 1));
  }

  getMax(): number {
    return this.#sorted.length === 0 ? 0 : this.#sorted[this.#sorted.length - 1]!;
  }

  getMin(): number {
    return this.#sorted.length === 0 ? 0 : this.#sorted[0]!;
  }
}
