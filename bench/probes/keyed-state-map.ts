// Probe: the same read-modify-write per record on a hand-written Map (the baseline of keyed-state-throughput).

import { emitSample } from '../lib/child.ts';
import { KEYED_STATE_KEYS, KEYED_STATE_RECORDS, KEYED_STATE_WARMUP } from '../lib/keyed-state-workload.ts';

function run(records: number): { ms: number; check: number } {
  const sums = new Map<number, number>();
  const start = performance.now();
  for (let i = 0; i < records; i++) {
    const key = i % KEYED_STATE_KEYS;
    sums.set(key, (sums.get(key) ?? 0) + i);
  }
  const ms = performance.now() - start;
  return { ms, check: sums.get(7)! };
}

const records = Number(process.argv[2] ?? KEYED_STATE_RECORDS);
run(KEYED_STATE_WARMUP);
const { ms, check } = run(records);
emitSample(records, ms, { check });
