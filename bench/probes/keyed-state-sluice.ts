// Probe: ValueState read-modify-write on HeapKeyedStateBackend (setCurrentKey, value(), update()) per record.

import { ManualClock } from '../../src/core/clock.ts';
import { HeapKeyedStateBackend } from '../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../../src/state/key-group.ts';
import { ValueStateDescriptor } from '../../src/state/value-state-descriptor.ts';
import { emitSample } from '../lib/child.ts';
import { KEYED_STATE_KEYS, KEYED_STATE_RECORDS, KEYED_STATE_WARMUP } from '../lib/keyed-state-workload.ts';

const MAX_PARALLELISM = 128;

function run(records: number): { ms: number; check: number } {
  const backend = new HeapKeyedStateBackend({
    keyGroupRange: new KeyGroupRange(0, MAX_PARALLELISM - 1),
    maxParallelism: MAX_PARALLELISM,
    clock: new ManualClock(),
  });
  const sum = backend.getPartitionedState(new ValueStateDescriptor<number>('sum', 0));
  const start = performance.now();
  for (let i = 0; i < records; i++) {
    backend.setCurrentKey(i % KEYED_STATE_KEYS);
    sum.update(sum.value()! + i);
  }
  const ms = performance.now() - start;
  backend.setCurrentKey(7);
  return { ms, check: sum.value()! };
}

const records = Number(process.argv[2] ?? KEYED_STATE_RECORDS);
run(KEYED_STATE_WARMUP);
const { ms, check } = run(records);
emitSample(records, ms, { check });
