// Benchmark chain-throughput: the chained keyed-sum job on sluice (parallelism 1) vs the same work as a hand-written loop.

import { alternate } from './lib/alternate.ts';
import { report } from './lib/report.ts';
import { formatRate } from './lib/stats.ts';
import { RECORDS, REPETITIONS } from './lib/workload.ts';

const [sluice, loop] = await alternate(
  [
    { label: 'sluice', script: 'probes/chain-sluice.ts', args: [RECORDS] },
    { label: 'hand-written loop', script: 'probes/chain-hand-loop.ts', args: [RECORDS] },
  ],
  REPETITIONS,
);
report(
  {
    name: 'chain-throughput',
    value: sluice!.median,
    unit: 'records/s',
    baseline: 'hand-written loop',
    baselineValue: loop!.median,
    ratio: sluice!.median / loop!.median,
  },
  `sluice ${formatRate(sluice!.median)} vs hand-written loop ${formatRate(loop!.median)} ` +
    `(${RECORDS / 1e6}M records, fromSequence -> map -> filter -> keyBy -> sum -> DiscardingSink, parallelism 1, ` +
    `median of ${REPETITIONS} fresh processes; target ratio >= 0.3)`,
);
