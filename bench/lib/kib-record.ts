// The records of the backpressure benchmark: distinct ~1 KiB strings, built (and allocated flat) one per record.

export const RECORD_BYTES = 1024;

/** Record `i`: its number in base 36 and a colon, repeated to fill 1 KiB; no two records are equal. */
export function kibRecord(i: number): string {
  return Buffer.alloc(RECORD_BYTES, `${i.toString(36)}:`, 'latin1').toString('latin1');
}

/** Spins for `micros` microseconds: a sink that is slow on purpose, without yielding the thread. */
export function busyWait(micros: number): void {
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {
    // spin
  }
}
