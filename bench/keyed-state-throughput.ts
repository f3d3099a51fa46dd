// Benchmark keyed-state-throughput: ValueState read-modify-write on the heap backend vs a hand-written Map.

import { alternate } from './lib/alternate.ts';
import { KEYED_STATE_KEYS, KEYED_STATE_RECORDS } from './lib/keyed-state-workload.ts';
import { report } from './lib/report.ts';
import { formatRate } from './lib/stats.ts';
import { REPETITIONS } from './lib/workload.ts';

const [sluice, map, job] = await alternate(
  [
    { label: 'HeapKeyedStateBackend ValueState', script: 'probes/keyed-state-sluice.ts', args: [KEYED_STATE_RECORDS] },
    { label: 'hand-written Map', script: 'probes/keyed-state-map.ts', args: [KEYED_STATE_RECORDS] },
    { label: 'job: keyBy -> RichMapFunction getState', script: 'probes/keyed-state-job.ts', args: [KEYED_STATE_RECORDS] },
  ],
  REPETITIONS,
);
report(
  {
    name: 'keyed-state-throughput',
    value: sluice!.median,
    unit: 'records/s',
    baseline: 'hand-written Map',
    baselineValue: map!.median,
    ratio: sluice!.median / map!.median,
  },
  `ValueState ${formatRate(sluice!.median)} vs hand-written Map ${formatRate(map!.median)} ` +
    `(${KEYED_STATE_RECORDS / 1e6}M records over ${KEYED_STATE_KEYS / 1000}k keys, setCurrentKey + value() + update() ` +
    `per record, median of ${REPETITIONS} fresh processes; target ratio >= 0.25)`,
);
report(
  {
    name: 'keyed-state-job',
    value: job!.median,
    unit: 'records/s',
    baseline: 'hand-written Map',
    baselineValue: map!.median,
    ratio: job!.median / map!.median,
  },
  `whole job ${formatRate(job!.median)} vs hand-written Map ${formatRate(map!.median)} (fromSequence -> keyBy -> ` +
    `RichMapFunction with ValueState -> DiscardingSink, in-process, incl. job start; median of ${REPETITIONS} fresh processes)`,
);
