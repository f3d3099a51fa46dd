// Creates the keyed state backends of a subtask's keyed operators, as `state.backend` says: heap (hashmap,
// jobmanager, filesystem) or LevelDB (opened asynchronously, in a working directory of its own).

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodePayload } from '../api/transformation.ts';
import { resolveDirectory } from '../checkpoint/checkpoint-storage.ts';
import { StateBackendOptions } from '../config/checkpointing-options.ts';
import type { Configuration } from '../config/configuration.ts';
import type { Clock } from '../core/clock.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../state/key-group.ts';
import { LevelDBKeyedStateBackend } from '../state/leveldb/leveldb-keyed-state-backend.ts';
import type { CheckpointableKeyedStateBackend } from '../state/state-handle.ts';
import type { TaskSpec } from './protocol.ts';

/** One backend per keyed operator of the task's chain, by operator id. */
export async function createKeyedStateBackends(
  spec: TaskSpec,
  graph: StreamGraph,
  conf: Configuration,
  clock: Clock,
): Promise<Map<string, CheckpointableKeyedStateBackend>> {
  const backends = new Map<string, CheckpointableKeyedStateBackend>();
  const keyGroupRange = KeyGroupRange.forOperator(spec.maxParallelism, spec.parallelism, spec.subtaskIndex);
  const kind = conf.get(StateBackendOptions.STATE_BACKEND);
  try {
    for (const op of spec.operators) {
      const payload = graph.findByOperatorId(op.operatorId)?.payload as NodePayload | undefined;
      if (payload?.stateKeySelector === undefined && payload?.stateKeySelector2 === undefined) continue;
      const options = { keyGroupRange, maxParallelism: spec.maxParallelism, clock };
      if (kind !== 'leveldb') {
        backends.set(op.operatorId, new HeapKeyedStateBackend(options));
        continue;
      }
      const root = conf.get(StateBackendOptions.LOCAL_ROOT_DIRS) || join(tmpdir(), 'sluice-localState');
      backends.set(
        op.operatorId,
        await LevelDBKeyedStateBackend.create({
          ...options,
          dbPath: join(
            resolveDirectory(root.split(',')[0]!.trim()),
            spec.jobId,
            'leveldb',
            `${op.operatorId}-${spec.subtaskIndex}-${spec.attemptNumber}`,
          ),
          predefinedOptions: conf.get(StateBackendOptions.LEVELDB_PREDEFINED_OPTIONS),
          incrementalCheckpoints: conf.get(StateBackendOptions.INCREMENTAL),
        }),
      );
    }
  } catch (error) {
    for (const b of backends.values()) await b.close().catch(() => {});
    throw error;
  }
  return backends;
}
