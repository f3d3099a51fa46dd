// The window benchmark workload: 10M records over 10k keys, 100 records per ms of event time, bounded disorder.

/** Records of a measured run. */
export const WINDOW_RECORDS = 10_000_000;
/** Records of the warm-up run each probe does first. */
export const WINDOW_WARMUP_RECORDS = 2_000_000;
/** Distinct keys. */
export const WINDOW_KEYS = 10_000;
/** Records per millisecond of event time (100 k/s: 10 records per key per second). */
export const RECORDS_PER_MS = 100;
/** Timestamps lag the clock by up to this much; the watermark lags the largest timestamp by it (no late records). */
export const DISORDER_MS = 200;
/** A watermark every this many records (100 ms of event time). */
export const WATERMARK_EVERY = 10_000;

export const TUMBLING = { size: 1_000, slide: 1_000 } as const;
export const SLIDING = { size: 10_000, slide: 1_000 } as const;

/** The accumulator of the average both the aggregator and the hand-written loop compute. */
export interface AvgAcc {
  sum: number;
  count: number;
}

/**
 * Generates the workload, calling `record` per record and `watermark` every WATERMARK_EVERY records and once
 * with +Infinity at the end. A xorshift generator picks keys, disorder and values, the same in every probe.
 */
export function generate(records: number, record: (key: number, ts: number, value: number) => void, watermark: (wm: number) => void): void {
  let x = 2_463_534_242;
  let maxTs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < records; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = x >>> 0;
    const ts = Math.floor(i / RECORDS_PER_MS) - (r % DISORDER_MS);
    if (ts > maxTs) maxTs = ts;
    record(r % WINDOW_KEYS, ts, r % 1000);
    if ((i + 1) % WATERMARK_EVERY === 0) watermark(maxTs - DISORDER_MS - 1);
  }
  watermark(Number.POSITIVE_INFINITY);
}

/** Order-independent checksum of emitted averages (rounded, so summation order does not matter). */
export function checksum(prev: number, key: number, end: number, avg: number): number {
  return (prev + key * 31 + end / 1000 + Math.round(avg)) % 1e12;
}

export const windowArgs = (kind: string): { size: number; slide: number } => {
  if (kind === 'tumbling') return TUMBLING;
  if (kind === 'sliding') return SLIDING;
  throw new Error(`window kind must be tumbling or sliding, got ${kind}`);
};
