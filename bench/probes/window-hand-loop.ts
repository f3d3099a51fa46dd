// Probe: the window workload as a hand-written loop (window start -> key -> accumulator; a sliding record updates size/slide windows);
// argv: tumbling|sliding [records] [warm-up records].

import { emitSample } from '../lib/child.ts';
import { checksum, generate, windowArgs, WINDOW_RECORDS, WINDOW_WARMUP_RECORDS, type AvgAcc } from '../lib/window-workload.ts';

let outputs = 0;
let check = 0;

function run(kind: string, records: number): number {
  const { size, slide } = windowArgs(kind);
  const windows = new Map<number, Map<number, AvgAcc>>(); // window end -> key -> accumulator
  let watermark = Number.NEGATIVE_INFINITY;
  let firstOpenEnd = Number.NEGATIVE_INFINITY;
  const record = (key: number, ts: number, value: number): void => {
    const lastStart = ts - (((ts % slide) + slide) % slide);
    for (let start = lastStart; start > ts - size; start -= slide) {
      const end = start + size;
      if (end - 1 <= watermark) continue; // late for this window
      let byKey = windows.get(end);
      if (byKey === undefined) windows.set(end, (byKey = new Map()));
      const acc = byKey.get(key);
      if (acc === undefined) byKey.set(key, { sum: value, count: 1 });
      else {
        acc.sum += value;
        acc.count++;
      }
    }
  };
  const advance = (wm: number): void => {
    watermark = wm;
    if (firstOpenEnd === Number.NEGATIVE_INFINITY) firstOpenEnd = Math.min(...windows.keys());
    for (let end = firstOpenEnd; end - 1 <= wm && windows.size > 0; end += slide) {
      const byKey = windows.get(end);
      firstOpenEnd = end + slide;
      if (byKey === undefined) continue;
      windows.delete(end);
      for (const [key, acc] of byKey) {
        outputs++;
        check = checksum(check, key, end, acc.sum / acc.count);
      }
    }
  };
  const start = performance.now();
  generate(records, record, advance);
  return performance.now() - start;
}

const kind = process.argv[2] ?? 'tumbling';
const records = Number(process.argv[3] ?? WINDOW_RECORDS);
run(kind, Number(process.argv[4] ?? WINDOW_WARMUP_RECORDS));
outputs = 0;
check = 0;
emitSample(records, run(kind, records), { outputs, checksum: check });
