// Probe: the backpressure benchmark's source cost per record, and the busy-wait request that makes the sink N times slower.

import { Packr } from 'msgpackr';
import { busyWait, kibRecord } from '../lib/kib-record.ts';
import { median } from '../lib/stats.ts';

const slowdown = Number(process.argv[2] ?? 10);

/**
 * The source's cost per record: build it, then encode it in 1024-record batches for the other thread the way the
 * runtime's channel codec does (msgpackr with records, copied into a transferable ArrayBuffer).
 */
function sourceMicrosPerRecord(): number {
  const packr = new Packr({ useRecords: true, moreTypes: true, useBigIntExtension: true, mapsAsObjects: false });
  const batch = 1024;
  const rounds: number[] = [];
  let i = 0;
  for (let round = 0; round < 9; round++) {
    const start = performance.now();
    for (let b = 0; b < 20; b++) {
      const values: string[] = [];
      for (let r = 0; r < batch; r++) values.push(kibRecord(++i));
      const bytes = packr.pack([0, values, null]);
      new Uint8Array(new ArrayBuffer(bytes.byteLength)).set(bytes);
    }
    rounds.push(((performance.now() - start) * 1000) / (20 * batch));
  }
  return median(rounds.slice(2));
}

/** How long busyWait(micros) really takes per call (reading the clock costs something too). */
function busyWaitMicros(micros: number): number {
  const n = Math.max(200, Math.round(20_000 / micros));
  const start = performance.now();
  for (let k = 0; k < n; k++) busyWait(micros);
  return ((performance.now() - start) * 1000) / n;
}

const sourceMicros = sourceMicrosPerRecord();
const target = sourceMicros * slowdown;
busyWaitMicros(target); // warm-up
// Correct the request by the clock overhead the spin adds.
const overhead = median([1, 2, 3].map(() => busyWaitMicros(target) - target));
const request = Math.max(0, target - overhead);
const actual = median([1, 2, 3].map(() => busyWaitMicros(request)));
process.stdout.write(`${JSON.stringify({ sourceMicros, target, request, actual })}\n`);
