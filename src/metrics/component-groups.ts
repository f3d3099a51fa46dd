// The component subgroups of a metric group (jobs of a TaskManager, tasks of a job, operators of a task), by key.

import type { AbstractMetricGroup } from './abstract-metric-group.ts';

/**
 * Keyed child groups as Flink's component groups keep them: the open group under a key is reused, a closed one is
 * replaced, a group created under a closed parent is closed at once, and a group that closes is forgotten.
 */
export class ComponentGroups<G extends AbstractMetricGroup> {
  readonly #groups = new Map<string, G>();

  constructor(private readonly parent: AbstractMetricGroup) {}

  /** The open group under `key`, else a new one from `create`. */
  getOrAdd(key: string, create: () => G): G {
    const prior = this.#groups.get(key);
    if (prior !== undefined && !prior.isClosed()) return prior;
    const group = create();
    if (this.parent.isClosed()) group.close();
    else this.#groups.set(key, group);
    return group;
  }

  /** Closes the group under `key` (it is then forgotten through `forget`). */
  close(key: string): void {
    this.#groups.get(key)?.close();
  }

  /** Forgets `child` if it is one of these groups; says whether it was. Call from the parent's onChildClosed. */
  forget(child: AbstractMetricGroup): boolean {
    for (const [key, group] of this.#groups) {
      if (group === child) {
        this.#groups.delete(key);
        return true;
      }
    }
    return false;
  }

  get size(): number {
    return this.#groups.size;
  }
}
