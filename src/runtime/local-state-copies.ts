// A task's local-recovery copies: which state files each checkpoint wrote locally, pruned as checkpoints complete.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskStateSnapshot } from '../checkpoint/checkpoint-coordinator.ts';

/**
 * The local copies (`<dir>/<checksum>`) of a task's snapshots by checkpoint id. Local recovery keeps the copies of
 * the latest completed checkpoint only (and of newer pending ones); a file shared with it (an incremental
 * checkpoint's shared parts) stays.
 */
export class LocalStateCopies {
  readonly #byCheckpoint = new Map<number, Set<string>>();

  constructor(private readonly dir: string) {}

  /** Checkpoint `checkpointId` wrote `state` (its file parts were copied locally). */
  record(checkpointId: number, state: TaskStateSnapshot): void {
    this.#byCheckpoint.set(checkpointId, localFiles(state));
  }

  /** Checkpoint `completed` completed: deletes the copies only older checkpoints used. */
  async prune(completed: number): Promise<void> {
    const keep = this.#byCheckpoint.get(completed);
    if (keep === undefined) return;
    for (const [id, files] of [...this.#byCheckpoint]) {
      if (id >= completed) continue;
      this.#byCheckpoint.delete(id);
      for (const file of files) if (!keep.has(file)) await rm(join(this.dir, file), { force: true });
    }
  }
}

/** The checksums of the file parts of a task's snapshot: the names of their local-recovery copies. */
function localFiles(state: TaskStateSnapshot): Set<string> {
  const files = new Set<string>();
  for (const op of Object.values(state)) {
    if (op.operator?.kind === 'file') files.add(op.operator.checksum);
    for (const k of op.keyed) {
      if (k.kind === 'heap') {
        if (k.data.kind === 'file') files.add(k.data.checksum);
      } else for (const f of [...k.sharedFiles, ...k.privateFiles]) if (f.kind === 'file') files.add(f.checksum);
    }
  }
  return files;
}
