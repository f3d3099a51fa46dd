// Probe: snapshot ~N MB of heap keyed state to files (capture + encode + write + fsync; a second, steady-state
// checkpoint) and, right before, the raw sequential write + fsync of as many bytes. argv: <backend: file> <stateMb> <dir>

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.ts';
import { HeapKeyedStateBackend } from '../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../../src/state/key-group.ts';
import type { SnapshotStorageLocation } from '../../src/state/state-handle.ts';
import { writeFileDurably } from '../../src/state/stream-state-io.ts';
import { ValueStateDescriptor } from '../../src/state/value-state-descriptor.ts';

const [, stateMb = '100', dir = '/tmp/sluice-bench-write'] = process.argv.slice(2);
const target = Number(stateMb) * 1e6;
const VALUE = 'x'.repeat(90);
const entries = Math.round(target / (VALUE.length + 12));

const backend = new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 127), maxParallelism: 128, clock: new ManualClock() });
const state = backend.getPartitionedState(new ValueStateDescriptor<string>('v'));
for (let k = 0; k < entries; k++) {
  backend.setCurrentKey(k);
  state.update(VALUE + (k % 10));
}
const root = join(dir, `write-${process.pid}`);
await mkdir(join(root, 'chk-1'), { recursive: true });
const location: SnapshotStorageLocation = {
  checkpointId: 1,
  rootDir: root,
  exclusiveDir: 'chk-1',
  sharedDir: 'shared',
  taskOwnedDir: 'taskowned',
  compression: false,
  inlineLimitBytes: 20 * 1024,
  filePrefix: 'bench',
};
// A first checkpoint, not measured: periodic checkpoints run in steady state (the first one also flattens the
// concatenated strings built above, a one-time cost).
await mkdir(join(root, 'chk-0'), { recursive: true });
await backend.snapshotToStorage({ ...location, checkpointId: 0, exclusiveDir: 'chk-0' })();
// Baseline first (page-cache writes after idle are slower: measure the disk right before the snapshot).
const probe = Buffer.alloc(Math.round(target), 7);
let start = performance.now();
await writeFileDurably(join(root, 'raw'), probe);
const diskWarm = performance.now() - start;
start = performance.now();
const handle = await backend.snapshotToStorage(location)();
const snapshotMs = performance.now() - start;
const bytes = handle.kind === 'heap' && handle.data.kind === 'file' ? handle.data.size : 0;
start = performance.now();
await writeFileDurably(join(root, 'raw2'), probe.subarray(0, bytes));
const diskMs = performance.now() - start;
await rm(root, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ snapshotMs, diskMs: Math.min(diskMs, diskWarm * (bytes / probe.byteLength)), bytes, recordsPerSecond: 0 })}\n`);
