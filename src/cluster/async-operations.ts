// Asynchronous operations (savepoint, stop, rescaling, disposal) tracked by trigger id, as Flink's REST API polls them.

import { randomId } from '../core/ids.ts';

/** Where an operation stands; `result` once COMPLETED without error, `error` once it failed. */
export type OperationState<R> =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'COMPLETED'; readonly result: R }
  | { readonly status: 'COMPLETED'; readonly error: Error };

interface Entry<R> {
  readonly scope: string;
  state: OperationState<R>;
  readonly startedAt: number;
}

/**
 * Operations of one kind by trigger id (32 hex, Flink's TriggerId). An operation belongs to a scope (a job id,
 * or '' for cluster-wide ones) and is found only through it, so a trigger id of one job never answers for
 * another. The newest `capacity` operations are kept; finished ones are dropped first.
 *
 * @example
 * const savepoints = new AsyncOperations<string>();
 * const triggerId = savepoints.start(jobId, master.triggerSavepoint(dir).then((c) => dirname(c.externalPath!)));
 * savepoints.get(jobId, triggerId); // { status: 'IN_PROGRESS' } ... { status: 'COMPLETED', result: '/sp/savepoint-...' }
 */
export class AsyncOperations<R> {
  readonly #entries = new Map<string, Entry<R>>();

  constructor(
    private readonly capacity = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Tracks `operation` under a new trigger id and returns the id. */
  start(scope: string, operation: Promise<R>): string {
    const triggerId = randomId();
    const entry: Entry<R> = { scope, state: { status: 'IN_PROGRESS' }, startedAt: this.now() };
    this.#entries.set(triggerId, entry);
    operation.then(
      (result) => (entry.state = { status: 'COMPLETED', result }),
      (error: unknown) => (entry.state = { status: 'COMPLETED', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    this.#evict();
    return triggerId;
  }

  /** The operation's state, or undefined when no operation of `scope` has this id. */
  get(scope: string, triggerId: string): OperationState<R> | undefined {
    const entry = this.#entries.get(triggerId);
    return entry === undefined || entry.scope !== scope ? undefined : entry.state;
  }

  /** Operations still running (e.g. to wait for at shutdown). */
  get inProgress(): number {
    let n = 0;
    for (const e of this.#entries.values()) if (e.state.status === 'IN_PROGRESS') n++;
    return n;
  }

  #evict(): void {
    if (this.#entries.size <= this.capacity) return;
    for (const [id, e] of this.#entries) {
      if (this.#entries.size <= this.capacity) return;
      if (e.state.status === 'COMPLETED') this.#entries.delete(id);
    }
    // Everything still runs: drop the oldest anyway rather than grow without bound.
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.capacity) return;
      this.#entries.delete(id);
    }
  }
}
