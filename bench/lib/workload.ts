// The chain workload every throughput benchmark runs: map (x2), filter (drop multiples of 3), per-key running sum.

/** Input records of the chain benchmarks (the sequence 1..RECORDS). */
export const RECORDS = 10_000_000;
/** Records of the warm-up run each probe does before the measured one (same shape, same functions). */
export const WARMUP_RECORDS = 2_000_000;
/** Distinct keys of the keyBy. */
export const KEYS = 1000;

export const double = (n: number): number => n * 2;
export const keep = (n: number): boolean => n % 3 !== 0;
export const keyOf = (n: number): number => n % KEYS;

/** Fresh processes per measured variant, alternating between variants. */
export const REPETITIONS = Number(process.env['BENCH_REPETITIONS'] ?? 5);
