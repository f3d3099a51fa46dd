// Probe: the window workload through SlicingWindowAggregator (average per key and window); argv: tumbling|sliding [records].

import type { AggregateFunction } from '../../src/api/windowing/aggregate-function.ts';
import { SlicingWindowAggregator } from '../../src/api/windowing/slicing-window-aggregator.ts';
import { emitSample } from '../lib/child.ts';
import { checksum, generate, windowArgs, WINDOW_RECORDS, WINDOW_WARMUP_RECORDS, type AvgAcc } from '../lib/window-workload.ts';

const average: AggregateFunction<number, AvgAcc, number> = {
  createAccumulator: () => ({ sum: 0, count: 0 }),
  add: (v, acc) => {
    acc.sum += v;
    acc.count++;
    return acc;
  },
  getResult: (acc) => acc.sum / acc.count,
  merge: (a, b) => {
    a.sum += b.sum;
    a.count += b.count;
    return a;
  },
};

let outputs = 0;
let check = 0;

function run(kind: string, records: number): number {
  const { size, slide } = windowArgs(kind);
  const agg = new SlicingWindowAggregator<number, number, AvgAcc, number>({ size, slide, aggregateFunction: average });
  const emit = (key: number, w: { end: number }, avg: number): void => {
    outputs++;
    check = checksum(check, key, w.end, avg);
  };
  const start = performance.now();
  generate(records, (key, ts, value) => agg.add(key, ts, value), (wm) => agg.advanceWatermark(wm, emit));
  return performance.now() - start;
}

const kind = process.argv[2] ?? 'tumbling';
const records = Number(process.argv[3] ?? WINDOW_RECORDS);
run(kind, WINDOW_WARMUP_RECORDS);
outputs = 0;
check = 0;
emitSample(records, run(kind, records), { outputs, checksum: check });
