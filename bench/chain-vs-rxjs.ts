// Benchmark chain-vs-rxjs: the chained keyed-sum job on sluice vs RxJS range -> map -> filter -> groupBy + scan.

import { alternate } from './lib/alternate.ts';
import { report } from './lib/report.ts';
import { formatRate } from './lib/stats.ts';
import { RECORDS, REPETITIONS } from './lib/workload.ts';

const [sluice, rxjs] = await alternate(
  [
    { label: 'sluice', script: 'probes/chain-sluice.ts', args: [RECORDS] },
    { label: 'rxjs groupBy+mergeMap(scan)', script: 'probes/chain-rxjs.ts', args: [RECORDS] },
  ],
  REPETITIONS,
);
report(
  {
    name: 'chain-vs-rxjs',
    value: sluice!.median,
    unit: 'records/s',
    baseline: 'rxjs groupBy + mergeMap(scan)',
    baselineValue: rxjs!.median,
    ratio: sluice!.median / rxjs!.median,
  },
  `sluice ${formatRate(sluice!.median)} vs RxJS range.pipe(map, filter, groupBy, mergeMap(g => g.pipe(scan))) ` +
    `${formatRate(rxjs!.median)} (${RECORDS / 1e6}M records, median of ${REPETITIONS} fresh processes; target ratio >= 1)`,
);
