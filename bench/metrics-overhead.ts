// Benchmark metrics-overhead: the chain-throughput job with all system metrics on vs off, in the same run.

import { alternate } from './lib/alternate.ts';
import { report } from './lib/report.ts';
import { formatRate } from './lib/stats.ts';
import { RECORDS, REPETITIONS } from './lib/workload.ts';

const [on, off] = await alternate(
  [
    { label: 'metrics on', script: 'probes/chain-sluice.ts', args: [RECORDS, 'metrics-on'] },
    { label: 'metrics off', script: 'probes/chain-sluice.ts', args: [RECORDS, 'metrics-off'] },
  ],
  REPETITIONS,
);
report(
  {
    name: 'metrics-overhead',
    value: on!.median,
    unit: 'records/s',
    baseline: 'system metrics off',
    baselineValue: off!.median,
    ratio: on!.median / off!.median,
  },
  `metrics on ${formatRate(on!.median)} vs off ${formatRate(off!.median)} (chain-throughput job, ` +
    `median of ${REPETITIONS} fresh processes; target ratio >= 0.95)`,
);
