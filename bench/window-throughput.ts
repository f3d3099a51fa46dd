// Benchmark window-throughput: keyBy().window().aggregate(average) through the real window operator (built by the
// API, driven in-process in a tight loop) vs hand-written loops, tumbling 1 s and sliding 10 s / 1 s.

import { alternate } from './lib/alternate.ts';
import { note, report } from './lib/report.ts';
import { formatRate } from './lib/stats.ts';
import { WINDOW_KEYS, WINDOW_RECORDS } from './lib/window-workload.ts';

interface WindowSample {
  readonly records: number;
  readonly ms: number;
  readonly recordsPerSecond: number;
  readonly outputs: number;
  readonly checksum: number;
  readonly operator?: string;
}

/** Fewer repetitions than the other benchmarks by default: the whole file must stay under a minute on 2 cores. */
const REPETITIONS = Number(process.env['BENCH_REPETITIONS'] ?? 3);
/** The sliding variants update 10 windows per record in the hand-written loop: rates come from fewer records. */
const SLIDING_RECORDS = 2_000_000;
const WARMUP = 1_000_000;
const SLIDING_WARMUP = 500_000;

const [opTumbling, loopTumbling, opSliding, loopSliding] = await alternate<WindowSample>(
  [
    { label: 'operator tumbling 1 s', script: 'probes/window-operator.ts', args: ['tumbling', WINDOW_RECORDS, WARMUP] },
    { label: 'hand-written loop tumbling 1 s', script: 'probes/window-hand-loop.ts', args: ['tumbling', WINDOW_RECORDS, WARMUP] },
    { label: 'operator sliding 10 s / 1 s', script: 'probes/window-operator.ts', args: ['sliding', SLIDING_RECORDS, SLIDING_WARMUP] },
    { label: 'hand-written loop sliding 10 s / 1 s', script: 'probes/window-hand-loop.ts', args: ['sliding', SLIDING_RECORDS, SLIDING_WARMUP] },
  ],
  REPETITIONS,
);

// Both implementations must produce the same windows (a benchmark of wrong results measures nothing).
for (const [a, b] of [[opTumbling!, loopTumbling!], [opSliding!, loopSliding!]] as const) {
  const x = a.samples[0]!;
  const y = b.samples[0]!;
  if (x.outputs !== y.outputs || x.checksum !== y.checksum) {
    throw new Error(`${a.label} and ${b.label} disagree: ${x.outputs}/${x.checksum} vs ${y.outputs}/${y.checksum}`);
  }
  note(`${a.label}: ${x.outputs} window results, same as the hand-written loop (operator ${x.operator ?? '?'})`);
}

const how =
  `${WINDOW_KEYS / 1000}k keys, average per key and window; the operator is the one keyBy().window().aggregate() builds, ` +
  `driven in-process (setCurrentKey + processElement + watermarks, no job start-up); median of ${REPETITIONS} fresh processes`;
report(
  {
    name: 'window-tumbling',
    value: opTumbling!.median,
    unit: 'records/s',
    baseline: 'hand-written loop',
    baselineValue: loopTumbling!.median,
    ratio: opTumbling!.median / loopTumbling!.median,
  },
  `window operator ${formatRate(opTumbling!.median)} vs hand-written loop ${formatRate(loopTumbling!.median)} ` +
    `(tumbling 1 s, ${WINDOW_RECORDS / 1e6}M records; ${how})`,
);
report(
  {
    name: 'window-sliding',
    value: opSliding!.median,
    unit: 'records/s',
    baseline: 'hand-written loop (one accumulator per window)',
    baselineValue: loopSliding!.median,
    ratio: opSliding!.median / loopSliding!.median,
  },
  `window operator ${formatRate(opSliding!.median)} vs hand-written loop ${formatRate(loopSliding!.median)} ` +
    `(sliding 10 s / 1 s, ${SLIDING_RECORDS / 1e6}M records; ${how})`,
);
const cost = opTumbling!.median / opSliding!.median;
const loopCost = loopTumbling!.median / loopSliding!.median;
report(
  {
    name: 'window-sliding-vs-tumbling',
    value: opSliding!.median,
    unit: 'records/s',
    baseline: 'tumbling 1 s through the window operator',
    baselineValue: opTumbling!.median,
    ratio: opSliding!.median / opTumbling!.median,
  },
  `a 10 s / 1 s sliding window costs ${cost.toFixed(2)}x a 1 s tumbling one through the window operator (pane ` +
    `sharing; hand-written loops: ${loopCost.toFixed(2)}x; target: far below 10x)`,
);
