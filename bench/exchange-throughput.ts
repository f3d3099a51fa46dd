// Benchmark exchange-throughput(-p2): the keyed-sum job with its keyBy across two threads vs the one-thread run.

import { alternate } from './lib/alternate.ts';
import type { ThroughputSample } from './lib/child.ts';
import { report } from './lib/report.ts';
import { formatRate, median } from './lib/stats.ts';
import { RECORDS } from './lib/workload.ts';

interface ExchangeSample extends ThroughputSample {
  readonly netRuntimeMs: number;
  /** Wall time of a one-record job: thread start-up, job module import in the workers, teardown. */
  readonly fixedMs: number;
}

const repetitions = Number(process.env['BENCH_REPETITIONS'] ?? 3);
const [local, p1, p2] = await alternate<ExchangeSample>(
  [
    { label: 'single thread, chained (local runtime)', script: 'probes/chain-sluice.ts', args: [RECORDS] },
    { label: '2 threads, parallelism 1', script: 'probes/exchange-sluice.ts', args: [1, RECORDS] },
    { label: '2 threads, parallelism 2', script: 'probes/exchange-sluice.ts', args: [2, RECORDS] },
  ],
  repetitions,
);

for (const [name, result, shape] of [
  ['exchange-throughput', p1!, 'source chain on one thread, sum+sink on the other'],
  ['exchange-throughput-p2', p2!, 'two subtasks per side, one of each per thread, keyBy all-to-all, so half the records cross'],
] as const) {
  const fixed = median(result.samples.map((s) => s.fixedMs));
  const steady = median(result.samples.map((s) => s.records / ((s.ms - s.fixedMs) / 1000)));
  report(
    {
      name,
      value: result.median,
      unit: 'records/s',
      baseline: 'single-thread chained run',
      baselineValue: local!.median,
      ratio: result.median / local!.median,
    },
    `${formatRate(result.median)} (${shape}, 2 TaskManagers) vs ${formatRate(local!.median)} in one thread; ` +
      `wall time of env.execute includes ~${fixed.toFixed(0)} ms per job for starting the threads and importing ` +
      `the job in them (a one-record job); without it ~${formatRate(steady)} (median of ${repetitions})`,
  );
}
