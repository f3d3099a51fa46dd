// HdrHistogram: sluice's default Histogram, on hdr-histogram-js (pure JS, no WebAssembly): fixed memory, O(1) update.

import { Float64Histogram } from 'hdr-histogram-js';
import { IllegalArgumentError } from '../core/errors.ts';
import type { Histogram, HistogramStatistics } from './histogram.ts';

/** Options of an HdrHistogram. */
export interface HdrHistogramOptions {
  /** Decimal digits of precision kept for every value (1-5, default 3: within 0.1%). */
  readonly significantDigits?: number;
}

/**
 * A Histogram over all values recorded since it was created, in HdrHistogram buckets: memory stays fixed and
 * quantiles are within `10^-significantDigits` of the true value. Values are recorded as integers (as Flink's
 * `Histogram.update(long)`): fractions are rounded and negative values count as 0.
 *
 * @example
 * const latency = group.histogram('latencyMs', new HdrHistogram());
 * latency.update(12);
 * latency.getStatistics().getQuantile(0.99);
 */
export class HdrHistogram implements Histogram {
  readonly #digits: number;
  readonly #histogram: Float64Histogram;

  constructor(options: HdrHistogramOptions = {}) {
    const digits = options.significantDigits ?? 3;
    if (!Number.isInteger(digits) || digits < 1 || digits > 5) {
      throw new IllegalArgumentError(`significantDigits must be a whole number from 1 to 5, got ${digits}`);
    }
    this.#digits = digits;
    this.#histogram = HdrHistogram.#create(digits);
  }

  static #create(digits: number): Float64Histogram {
    const histogram = new Float64Histogram(1, 2, digits);
    histogram.autoResize = true;
    return histogram;
  }

  update(value: number): void {
    const v = value > 0 ? Math.round(value) : 0;
    this.#histogram.recordValue(Number.isFinite(v) ? Math.min(v, Number.MAX_SAFE_INTEGER) : 0);
  }

  getCount(): number {
    return this.#histogram.totalCount;
  }

  getStatistics(): HistogramStatistics {
    const copy = HdrHistogram.#create(this.#digits);
    copy.add(this.#histogram);
    return new HdrHistogramStatistics(copy);
  }
}

class HdrHistogramStatistics implements HistogramStatistics {
  readonly #histogram: Float64Histogram;

  constructor(histogram: Float64Histogram) {
    this.#histogram = histogram;
  }

  getQuantile(quantile: number): number {
    if (this.#histogram.totalCount === 0) return 0;
    // Bucket values are the highest equivalent value; never report above the true maximum.
    const value = this.#histogram.getValueAtPercentile(Math.min(Math.max(quantile, 0), 1) * 100);
    return Math.min(value, this.#histogram.maxValue);
  }

  getValues(): number[] {
    const values: number[] = [];
    const iterator = this.#histogram.recordedValuesIterator;
    iterator.reset();
    while (iterator.hasNext()) {
      const step = iterator.next();
      const value = this.#histogram.highestEquivalentValue(step.valueIteratedTo);
      for (let i = 0; i < step.countAtValueIteratedTo; i++) values.push(value);
    }
    return values;
  }

  size(): number {
    return this.#histogram.totalCount;
  }

  getMean(): number {
    return this.#histogram.totalCount === 0 ? 0 : this.#histogram.mean;
  }

  getStdDev(): number {
    return this.#histogram.totalCount === 0 ? 0 : this.#histogram.stdDeviation;
  }

  getMax(): number {
    return this.#histogram.totalCount === 0 ? 0 : this.#histogram.maxValue;
  }

  getMin(): number {
    return this.#histogram.totalCount === 0 ? 0 : this.#histogram.getValueAtPercentile(0);
  }
}
