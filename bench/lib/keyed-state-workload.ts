// The keyed-state workload: per record, read a key's running sum, add the record, write it back.

/** Records per measured run. */
export const KEYED_STATE_RECORDS = 10_000_000;
/** Distinct keys (record i has key i % KEYS). */
export const KEYED_STATE_KEYS = 100_000;
/** Records of the warm-up run each probe does first. */
export const KEYED_STATE_WARMUP = 2_000_000;
