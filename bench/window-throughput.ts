// Benchmark window-throughput: tumbling 1 s and sliding 10 s / 1 s windows through SlicingWindowAggregator vs hand-written loops.

import { alternate } from './lib/alternate.ts';
import { note, report } from './lib/report.ts';
import { formatRate } from './lib/stats.ts';
import { REPETITIONS } from './lib/workload.ts';
import { WINDOW_KEYS, WINDOW_RECORDS } from './lib/window-workload.ts';

interface WindowSample {
  readonly records: number;
  readonly ms: number;
  readonly recordsPerSecond: number;
  readonly outputs: number;
  readonly checksum: number;
}

const [aggTumbling, loopTumbling, aggSliding, loopSliding] = await alternate<WindowSample>(
  [
    { label: 'aggregator tumbling 1 s', script: 'probes/window-aggregator.ts', args: ['tumbling', WINDOW_RECORDS] },
    { label: 'hand-written loop tumbling 1 s', script: 'probes/window-hand-loop.ts', args: ['tumbling', WINDOW_RECORDS] },
    { label: 'aggregator sliding 10 s / 1 s', script: 'probes/window-aggregator.ts', args: ['sliding', WINDOW_RECORDS] },
    { label: 'hand-written loop sliding 10 s / 1 s', script: 'probes/window-hand-loop.ts', args: ['sliding', WINDOW_RECORDS] },
  ],
  REPETITIONS,
);

// Both implementations must produce the same windows (a benchmark of wrong results measures nothing).
for (const [a, b] of [[aggTumbling!, loopTumbling!], [aggSliding!, loopSliding!]] as const) {
  const x = a.samples[0]!;
  const y = b.samples[0]!;
  if (x.outputs !== y.outputs || x.checksum !== y.checksum) {
    throw new Error(`${a.label} and ${b.label} disagree: ${x.outputs}/${x.checksum} vs ${y.outputs}/${y.checksum}`);
  }
  note(`${a.label}: ${x.outputs} window results, same as the hand-written loop`);
}

const workload = `${WINDOW_RECORDS / 1e6}M records, ${WINDOW_KEYS / 1000}k keys, average per key and window, median of ${REPETITIONS} fresh processes`;
report(
  {
    name: 'window-tumbling',
    value: aggTumbling!.median,
    unit: 'records/s',
    baseline: 'hand-written loop',
    baselineValue: loopTumbling!.median,
    ratio: aggTumbling!.median / loopTumbling!.median,
  },
  `aggregator ${formatRate(aggTumbling!.median)} vs hand-written loop ${formatRate(loopTumbling!.median)} (tumbling 1 s; ${workload})`,
);
report(
  {
    name: 'window-sliding',
    value: aggSliding!.median,
    unit: 'records/s',
    baseline: 'hand-written loop (one accumulator per window)',
    baselineValue: loopSliding!.median,
    ratio: aggSliding!.median / loopSliding!.median,
  },
  `aggregator ${formatRate(aggSliding!.median)} vs hand-written loop ${formatRate(loopSliding!.median)} (sliding 10 s / 1 s; ${workload})`,
);
const cost = aggTumbling!.median / aggSliding!.median;
const loopCost = loopTumbling!.median / loopSliding!.median;
report(
  {
    name: 'window-sliding-vs-tumbling',
    value: aggSliding!.median,
    unit: 'records/s',
    baseline: 'tumbling 1 s through the aggregator',
    baselineValue: aggTumbling!.median,
    ratio: aggSliding!.median / aggTumbling!.median,
  },
  `a 10 s / 1 s sliding window costs ${cost.toFixed(2)}x a 1 s tumbling one through the aggregator ` +
    `(hand-written loops: ${loopCost.toFixed(2)}x; target: far below 10x)`,
);
