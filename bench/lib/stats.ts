// Small statistics for benchmark repetitions: median and rate formatting.

/** The median of the samples (the mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Records per second as "12.3 M/s". */
export function formatRate(recordsPerSecond: number): string {
  return `${(recordsPerSecond / 1e6).toFixed(2)} M/s`;
}

/** Samples as "[a, b, c]" in millions per second. */
export function formatRates(samples: readonly number[]): string {
  return `[${samples.map((s) => (s / 1e6).toFixed(2)).join(', ')}]`;
}
