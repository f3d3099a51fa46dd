// Probe: the chain workload as a hand-written loop (map, filter, per-key sum in a Map, a call per output).

import { emitSample } from '../lib/child.ts';
import { KEYS, RECORDS, WARMUP_RECORDS } from '../lib/workload.ts';

let outputs = 0;
let last = 0;
function emit(sum: number): void {
  outputs++;
  last = sum;
}

function run(records: number): number {
  const start = performance.now();
  const sums = new Map<number, number>();
  for (let i = 1; i <= records; i++) {
    const m = i * 2;
    if (m % 3 === 0) continue;
    const key = m % KEYS;
    const current = sums.get(key);
    const next = current === undefined ? m : current + m;
    sums.set(key, next);
    emit(next);
  }
  return performance.now() - start;
}

const records = Number(process.argv[2] ?? RECORDS);
run(WARMUP_RECORDS);
outputs = 0;
emitSample(records, run(records), { outputs, last });
