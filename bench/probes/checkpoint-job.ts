// Probe: a keyed job at full speed (ValueState per key) with or without checkpoints every `interval` ms, in-process.
// argv: <backend: memory|file|leveldb> <checkpoints: on|off> <keys> <records> <intervalMs> <dir>

import {
  DiscardingSink,
  FsStateBackend,
  LevelDBStateBackend,
  MemoryStateBackend,
  RichMapFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type ValueState,
} from 'sluice';
import { emitSample } from '../lib/child.ts';

const [backend = 'file', checkpointsArg = 'on', keysArg = '1000000', recordsArg = '20000000', intervalArg = '1000', dir = '/tmp/sluice-bench-ckp'] =
  process.argv.slice(2);
const keys = Number(keysArg);
const records = Number(recordsArg);

class Sum extends RichMapFunction<number, number> {
  static checkpoints = 0;
  private sum!: ValueState<number>;
  override open(): void {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('sum', 0));
  }
  map(i: number): number {
    const s = this.sum.value()! + i;
    this.sum.update(s);
    return s;
  }
  notifyCheckpointComplete(): void {
    Sum.checkpoints++;
  }
}

async function run(n: number, checkpointing: boolean): Promise<number> {
  const env = new StreamExecutionEnvironment({ configuration: { 'execution.runtime': 'local' } });
  // The same backend either way: only the checkpoints differ.
  if (backend === 'memory') env.setStateBackend(new MemoryStateBackend(1024 * 1024 * 1024));
  else if (backend === 'file') env.setStateBackend(new FsStateBackend(dir));
  else if (backend === 'leveldb') env.setStateBackend(new LevelDBStateBackend(dir, true));
  if (checkpointing) env.enableCheckpointing(Number(intervalArg));
  env.fromSequence(0, n - 1).keyBy((i) => i % keys).map(new Sum()).sinkTo(new DiscardingSink());
  const start = performance.now();
  await env.execute('checkpoint-overhead');
  return performance.now() - start;
}

// Warm up without checkpoints, then fill every key once more in the measured run.
await run(Math.min(records, keys * 2), false);
Sum.checkpoints = 0;
const ms = await run(records, checkpointsArg === 'on');
emitSample(records, ms, { checkpoints: Sum.checkpoints });
