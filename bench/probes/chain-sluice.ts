// Probe: the chain workload on sluice, parallelism 1, in-process runtime; one warm-up run, then one measured run.

import { DiscardingSink, StreamExecutionEnvironment } from 'sluice';
import { emitSample } from '../lib/child.ts';
import { double, keep, keyOf, RECORDS, WARMUP_RECORDS } from '../lib/workload.ts';

// Third argument 'metrics-off' turns the system metrics off (for the metrics-overhead benchmark).
const systemMetrics = process.argv[3] !== 'metrics-off';

async function run(records: number): Promise<number> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ 'metrics.system.enabled': systemMetrics });
  env.fromSequence(1, records).map(double).filter(keep).keyBy(keyOf).sum().sinkTo(new DiscardingSink());
  const start = performance.now();
  await env.execute('chain-throughput');
  return performance.now() - start;
}

const records = Number(process.argv[2] ?? RECORDS);
await run(WARMUP_RECORDS);
emitSample(records, await run(records));
