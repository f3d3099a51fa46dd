// Probe: ValueState read-modify-write through a whole job (keyBy -> RichMapFunction with getState -> sink), in-process.

import { DiscardingSink, RichMapFunction, StreamExecutionEnvironment, ValueStateDescriptor, type ValueState } from 'sluice';
import { emitSample } from '../lib/child.ts';
import { KEYED_STATE_KEYS, KEYED_STATE_RECORDS, KEYED_STATE_WARMUP } from '../lib/keyed-state-workload.ts';

class RunningSum extends RichMapFunction<number, number> {
  #sum!: ValueState<number>;
  override open(): void {
    this.#sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('sum', 0));
  }
  map(i: number): number {
    const next = this.#sum.value()! + i;
    this.#sum.update(next);
    return next;
  }
}

async function run(records: number): Promise<number> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env
    .fromSequence(0, records - 1)
    .keyBy((i) => i % KEYED_STATE_KEYS)
    .map(new RunningSum())
    .sinkTo(new DiscardingSink());
  const start = performance.now();
  await env.execute('keyed-state-job');
  return performance.now() - start;
}

const records = Number(process.argv[2] ?? KEYED_STATE_RECORDS);
await run(KEYED_STATE_WARMUP);
emitSample(records, await run(records));
