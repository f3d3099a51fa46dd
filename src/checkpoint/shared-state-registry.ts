// Reference counts of files that several checkpoints share (incremental LevelDB snapshots): a shared file is
// deleted when no retained checkpoint references it any more.

import { referencedFiles, type CheckpointMetadata } from './metadata.ts';

export class SharedStateRegistry {
  readonly #refs = new Map<string, number>();

  /** Counts the shared files of a checkpoint that was completed (or restored and retained). */
  register(metadata: CheckpointMetadata): void {
    for (const path of sharedPaths(metadata)) this.#refs.set(path, (this.#refs.get(path) ?? 0) + 1);
  }

  /** Releases a discarded checkpoint's references; returns the shared files nobody references now. */
  unregister(metadata: CheckpointMetadata): string[] {
    const free: string[] = [];
    for (const path of sharedPaths(metadata)) {
      const n = (this.#refs.get(path) ?? 0) - 1;
      if (n <= 0) {
        this.#refs.delete(path);
        free.push(path);
      } else this.#refs.set(path, n);
    }
    return free;
  }

  references(path: string): number {
    return this.#refs.get(path) ?? 0;
  }
}

/** A checkpoint's shared files, each once (a snapshot may list a file for several subtasks after a rescale). */
function sharedPaths(metadata: CheckpointMetadata): Set<string> {
  return new Set(referencedFiles(metadata).filter((f) => f.shared).map((f) => f.path));
}
