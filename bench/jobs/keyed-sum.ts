// Job module: the chain workload with its keyBy crossing threads (source chain and sum+sink in two slot-sharing groups).

import { DiscardingSink, type StreamExecutionEnvironment } from 'sluice';
import { double, keep, keyOf } from '../lib/workload.ts';

/**
 * args: [records, parallelism]. Resolves (on the client) with the wall time of `env.execute` and the job's net
 * runtime, in ms.
 */
export default async function keyedSum(env: StreamExecutionEnvironment, args: string[]) {
  const records = Number(args[0]);
  env.setParallelism(Number(args[1] ?? 1));
  env
    .fromSequence(1, records)
    .map(double)
    .filter(keep)
    .keyBy(keyOf)
    .sum()
    .slotSharingGroup('keyed')
    .sinkTo(new DiscardingSink());
  const start = performance.now();
  const result = await env.execute('exchange-throughput');
  return { ms: performance.now() - start, netRuntimeMs: result.getNetRuntime() };
}
