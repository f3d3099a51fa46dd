// Probe: the chain workload as a Node object-mode stream pipeline (Readable -> Transform x3 -> Writable).

import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { emitSample } from '../lib/child.ts';
import { double, keep, keyOf, RECORDS, WARMUP_RECORDS } from '../lib/workload.ts';

/** Pushes 1..records synchronously until the stream's buffer is full (no per-record promise). */
function sequence(records: number): Readable {
  let next = 1;
  return new Readable({
    objectMode: true,
    read() {
      while (next <= records) if (!this.push(next++)) return;
      this.push(null);
    },
  });
}

async function run(records: number): Promise<{ ms: number; outputs: number }> {
  const sums = new Map<number, number>();
  let outputs = 0;
  const start = performance.now();
  await pipeline(
    sequence(records),
    new Transform({
      objectMode: true,
      transform(n: number, _enc, done) {
        done(null, double(n));
      },
    }),
    new Transform({
      objectMode: true,
      transform(n: number, _enc, done) {
        if (keep(n)) done(null, n);
        else done();
      },
    }),
    new Transform({
      objectMode: true,
      transform(n: number, _enc, done) {
        const key = keyOf(n);
        const current = sums.get(key);
        const next = current === undefined ? n : current + n;
        sums.set(key, next);
        done(null, next);
      },
    }),
    new Writable({
      objectMode: true,
      write(_sum: number, _enc, done) {
        outputs++;
        done();
      },
    }),
  );
  return { ms: performance.now() - start, outputs };
}

const records = Number(process.argv[2] ?? RECORDS);
await run(WARMUP_RECORDS);
const { ms, outputs } = await run(records);
emitSample(records, ms, { outputs });
