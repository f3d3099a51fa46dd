// Probe: LevelDB state of N keys, a full checkpoint, then 1% of the keys updated and an incremental checkpoint:
// the bytes the increment wrote against the bytes of a full checkpoint. argv: <keys> <dir>

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.ts';
import { KeyGroupRange } from '../../src/state/key-group.ts';
import { LevelDBKeyedStateBackend } from '../../src/state/leveldb/leveldb-keyed-state-backend.ts';
import type { SnapshotStorageLocation } from '../../src/state/state-handle.ts';
import { ValueStateDescriptor } from '../../src/state/value-state-descriptor.ts';

const [keysArg = '1000000', dir = '/tmp/sluice-bench-incr'] = process.argv.slice(2);
const keys = Number(keysArg);
const root = join(dir, `incr-${process.pid}`);
const location = (id: number): SnapshotStorageLocation => ({
  checkpointId: id,
  rootDir: join(root, 'checkpoints'),
  exclusiveDir: `chk-${id}`,
  sharedDir: 'shared',
  taskOwnedDir: 'taskowned',
  compression: false,
  inlineLimitBytes: 20 * 1024,
  filePrefix: 'op-0-0',
});
for (const d of ['shared', 'taskowned', 'chk-1', 'chk-2']) await mkdir(join(root, 'checkpoints', d), { recursive: true });
const backend = await LevelDBKeyedStateBackend.create({
  keyGroupRange: new KeyGroupRange(0, 127),
  maxParallelism: 128,
  clock: new ManualClock(),
  dbPath: join(root, 'db'),
});
const state = backend.getPartitionedState(new ValueStateDescriptor<number>('sum'));
for (let k = 0; k < keys; k++) {
  backend.setCurrentKey(k);
  state.update(k);
  if (k % 50_000 === 0) await backend.flush();
}
let start = performance.now();
const full = await backend.snapshotToStorage(location(1))();
const fullMs = performance.now() - start;
backend.notifyCheckpointComplete(1);
for (let k = 0; k < keys; k += 100) {
  backend.setCurrentKey(k);
  state.update(k + 1);
}
start = performance.now();
const incremental = await backend.snapshotToStorage(location(2))();
const incrementalMs = performance.now() - start;
await backend.close();
await rm(root, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ recordsPerSecond: 0, fullBytes: full.incrementalSize, incrementalBytes: incremental.incrementalSize, referencedBytes: incremental.fullSize, fullMs, incrementalMs })}\n`,
);
