// LevelDBKeyedStateBackend against the shared keyed-state-backend contract (real LevelDB in a temp dir).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { LevelDBKeyedStateBackend } from '../../../src/state/leveldb/leveldb-keyed-state-backend.ts';
import { describeKeyedStateBackendContract } from './keyed-state-backend-contract.ts';

const root = mkdtempSync(join(tmpdir(), 'sluice-leveldb-contract-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeKeyedStateBackendContract<LevelDBKeyedStateBackend>('LevelDBKeyedStateBackend', {
  // A small cache, so the contract also runs through eviction and LevelDB reads.
  create: (options) => LevelDBKeyedStateBackend.create({ ...options, dbPath: join(root, `db-${n++}`), cache: { maxEntries: 16, maxDirtyEntries: 8 } }),
  snapshot: (backend, range) => backend.snapshotAsync(range),
  getKeys: (backend, name, namespace) => backend.getKeysAsync(name, namespace),
  close: (backend) => backend.close(),
});
