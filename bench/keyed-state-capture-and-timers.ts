// Measures snapshot capture of 1M ValueState entries and 1M timer registrations + firing on the heap backend.
//
//   node --import tsx bench/keyed-state-capture-and-timers.ts      (one process; prints one JSON line per figure)

import { ManualClock } from '../src/core/clock.ts';
import { HeapKeyedStateBackend } from '../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../src/state/key-group.ts';
import { ManualProcessingTimeService } from '../src/state/manual-processing-time-service.ts';
import { ValueStateDescriptor } from '../src/state/value-state-descriptor.ts';
import { median } from './lib/stats.ts';

const ENTRIES = 1_000_000;
const TIMERS = 1_000_000;
const ROUNDS = 5;
const MAX_PARALLELISM = 128;

function newBackend(): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    keyGroupRange: new KeyGroupRange(0, MAX_PARALLELISM - 1),
    maxParallelism: MAX_PARALLELISM,
    clock: new ManualClock(),
  });
}

function line(name: string, value: number, unit: string, detail: string): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(2)), unit })}\n`);
  process.stderr.write(`${name}: ${value.toFixed(2)} ${unit} (${detail})\n`);
}

// Capture: 1M keys with one value each; snapshot() copies every key group's entries into plain arrays.
const backend = newBackend();
const state = backend.getPartitionedState(new ValueStateDescriptor<number>('v'));
for (let i = 0; i < ENTRIES; i++) {
  backend.setCurrentKey(i);
  state.update(i);
}
const captures: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const start = performance.now();
  const snapshot = backend.snapshot();
  captures.push(performance.now() - start);
  if (snapshot.states[0]!.keyGroups.reduce((n, g) => n + g.entries.length, 0) !== ENTRIES) throw new Error('lost entries');
}
line('keyed-state-capture-1m', median(captures), 'ms', `snapshot() of ${ENTRIES / 1e6}M ValueState entries, median of ${ROUNDS}`);

// Timers: register 1M event-time timers over 100k keys (10 per key, shuffled times), then fire all.
const registers: number[] = [];
const fires: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const b = newBackend();
  const timers = b.getTimerService('t', { processingTimeService: new ManualProcessingTimeService() });
  let start = performance.now();
  for (let i = 0; i < TIMERS; i++) {
    b.setCurrentKey(i % 100_000);
    timers.registerEventTimeTimer(null, (i * 7919) % TIMERS);
  }
  registers.push(performance.now() - start);
  let fired = 0;
  start = performance.now();
  timers.advanceWatermark(TIMERS, () => fired++);
  fires.push(performance.now() - start);
  if (fired !== TIMERS) throw new Error(`fired ${fired}`);
}
line('timer-register-1m', median(registers), 'ms', `${TIMERS / 1e6}M registerEventTimeTimer over 100k keys, median of ${ROUNDS}`);
line('timer-fire-1m', median(fires), 'ms', `advanceWatermark firing ${TIMERS / 1e6}M timers in order, median of ${ROUNDS}`);
