// Probe: restore ~N MB of heap keyed state into a fresh backend, from the local-recovery copy and from the
// checkpoint storage (both on this machine's disk here). argv: <stateMb> <dir>

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.ts';
import { HeapKeyedStateBackend } from '../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../../src/state/key-group.ts';
import type { SnapshotStorageLocation } from '../../src/state/state-handle.ts';
import { readStreamStateHandle, readStreamStateHandleLocalFirst } from '../../src/state/stream-state-io.ts';
import { ValueStateDescriptor } from '../../src/state/value-state-descriptor.ts';

const [stateMb = '100', dir = '/tmp/sluice-bench-recovery'] = process.argv.slice(2);
const VALUE = 'y'.repeat(90);
const entries = Math.round((Number(stateMb) * 1e6) / (VALUE.length + 12));
const root = join(dir, `recovery-${process.pid}`);
const local = join(root, 'local');
await mkdir(join(root, 'chk-1'), { recursive: true });
const fresh = (): HeapKeyedStateBackend =>
  new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 127), maxParallelism: 128, clock: new ManualClock() });
const source = fresh();
const state = source.getPartitionedState(new ValueStateDescriptor<string>('v'));
for (let k = 0; k < entries; k++) {
  source.setCurrentKey(k);
  state.update(VALUE + (k % 10));
}
const location: SnapshotStorageLocation = {
  checkpointId: 1,
  rootDir: root,
  exclusiveDir: 'chk-1',
  sharedDir: 'shared',
  taskOwnedDir: 'taskowned',
  compression: false,
  inlineLimitBytes: 20 * 1024,
  filePrefix: 'op-0-0',
  localCopyDir: local,
};
const handle = await source.snapshotToStorage(location)();
source.dispose();
const time = async (read: Parameters<HeapKeyedStateBackend['restoreFromHandles']>[1]): Promise<number> => {
  const target = fresh();
  const start = performance.now();
  await target.restoreFromHandles([handle], read);
  const ms = performance.now() - start;
  target.dispose();
  return ms;
};
let used = '';
const remoteMs = await time((h) => readStreamStateHandle(root, h));
const localMs = await time((h) => readStreamStateHandleLocalFirst(root, h, local, (s) => (used = s)));
const bytes = handle.kind === 'heap' && handle.data.kind === 'file' ? handle.data.size : 0;
await rm(root, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ recordsPerSecond: 0, localMs, remoteMs, bytes, used })}\n`);
