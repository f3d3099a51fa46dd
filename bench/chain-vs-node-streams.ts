// Benchmark chain-vs-node-streams: the chained keyed-sum job on sluice vs a Node object-mode stream.Transform pipeline.

import { alternate } from './lib/alternate.ts';
import { report } from './lib/report.ts';
import { formatRate } from './lib/stats.ts';
import { RECORDS, REPETITIONS } from './lib/workload.ts';

const [sluice, streams] = await alternate(
  [
    { label: 'sluice', script: 'probes/chain-sluice.ts', args: [RECORDS] },
    { label: 'node object-mode streams', script: 'probes/chain-node-streams.ts', args: [RECORDS] },
  ],
  REPETITIONS,
);
report(
  {
    name: 'chain-vs-node-streams',
    value: sluice!.median,
    unit: 'records/s',
    baseline: 'node object-mode Transform pipeline',
    baselineValue: streams!.median,
    ratio: sluice!.median / streams!.median,
  },
  `sluice ${formatRate(sluice!.median)} vs Readable -> 3 object-mode Transforms -> Writable ${formatRate(streams!.median)} ` +
    `(${RECORDS / 1e6}M records, median of ${REPETITIONS} fresh processes; target ratio >= 3)`,
);
