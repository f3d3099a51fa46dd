// The classic-level database of one backend: synchronous reads, writes serialized in one queue, snapshots between writes.

import { rm } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';
import { IllegalStateError } from '../../core/errors.ts';
import type { LevelDBOpenOptions } from './predefined-options.ts';

type Db = ClassicLevel<Buffer, Buffer>;
/** A LevelDB snapshot: a consistent read view at one point of the write queue. */
export type DbSnapshot = ReturnType<Db['snapshot']>;
/** A batch of writes, filled synchronously and written as one. */
export type DbBatch = ReturnType<Db['batch']>;

const noop = (): void => {};

/**
 * Wraps the database so that the backend's invariants are easy to keep:
 *
 * - writes go through one queue and run one at a time, in dispatch order (LevelDB would otherwise apply two
 *   concurrently submitted batches in either order); each carries a sequence number and `completedSeq` says how
 *   far the queue has got;
 * - a snapshot is taken *in* the queue, so it sees exactly the writes dispatched before it was asked for;
 * - reads are synchronous (`getSync`) and see what the completed writes wrote.
 *
 * A failed write poisons the store: every later write, flush and snapshot fails with it, and `checkHealthy()`
 * throws, because the state would otherwise silently lose that batch.
 */
export class LevelDBStore {
  readonly #db: Db;
  #tail: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #closed = false;
  /** Sequence number of the last write dispatched. */
  dispatchedSeq = 0;
  /** Sequence number of the last write that completed (writes complete in dispatch order). */
  completedSeq = 0;

  private constructor(
    readonly path: string,
    db: Db,
  ) {
    this.#db = db;
  }

  /** Deletes whatever is at `path` (a stale database of an earlier run), then creates and opens a fresh database. */
  static async open(path: string, options: LevelDBOpenOptions): Promise<LevelDBStore> {
    await rm(path, { recursive: true, force: true });
    const db = new ClassicLevel<Buffer, Buffer>(path, {
      ...options,
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
      createIfMissing: true,
      errorIfExists: true,
    });
    await db.open();
    return new LevelDBStore(path, db);
  }

  /** The value stored under `key` by the completed writes. */
  getSync(key: Buffer): Buffer | undefined {
    return this.#db.getSync(key);
  }

  /** A new, empty write batch; hand it to `write` when filled. */
  newBatch(): DbBatch {
    return this.#db.batch();
  }

  /** Queues `batch`; returns its sequence number. Failures are kept and reported by `checkHealthy`/`drain`. */
  write(batch: DbBatch): number {
    const seq = ++this.dispatchedSeq;
    this.#enqueue(async () => {
      await batch.write();
      this.completedSeq = seq;
    }).catch(noop);
    return seq;
  }

  /** Queues the removal of every entry; returns its sequence number. */
  clear(): number {
    const seq = ++this.dispatchedSeq;
    this.#enqueue(async () => {
      await this.#db.clear();
      this.completedSeq = seq;
    }).catch(noop);
    return seq;
  }

  /** A snapshot taken after every write dispatched so far, before any dispatched later. Close it when done. */
  snapshotAfterQueuedWrites(): Promise<DbSnapshot> {
    return this.#enqueue(() => this.#db.snapshot());
  }

  /** Resolves when every write dispatched so far has completed; rejects with the first write failure. */
  async drain(): Promise<void> {
    await this.#tail;
    if (this.#failure !== undefined) throw this.#writeFailed();
  }

  /** Throws if a write has failed. */
  checkHealthy(): void {
    if (this.#failure !== undefined) throw this.#writeFailed();
  }

  /** Calls `onChunk` with the entries of `[gte, lt)` in key order, up to `chunkSize` at a time, until it returns false. */
  async scan(
    range: { gte: Buffer; lt: Buffer },
    snapshot: DbSnapshot | undefined,
    onChunk: (entries: [Buffer, Buffer][]) => void | boolean | Promise<void>,
    options: { keysOnly?: boolean; chunkSize?: number; highWaterMarkBytes?: number } = {},
  ): Promise<void> {
    const iterator = this.#db.iterator({
      gte: range.gte,
      lt: range.lt,
      ...(snapshot === undefined ? {} : { snapshot }),
      values: options.keysOnly !== true,
      fillCache: false,
      // How much one `nextv` round trip may read ahead (classic-level's default is 16 KiB, ~700 small entries).
      ...(options.highWaterMarkBytes === undefined ? {} : { highWaterMarkBytes: options.highWaterMarkBytes }),
    });
    try {
      for (;;) {
        const chunk = (await iterator.nextv(options.chunkSize ?? 1000)) as [Buffer, Buffer][];
        if (chunk.length === 0) return;
        if ((await onChunk(chunk)) === false) return;
      }
    } finally {
      await iterator.close();
    }
  }

  /** The values of `keys` in `snapshot` (undefined where absent), read on the I/O threads. */
  getMany(keys: Buffer[], snapshot: DbSnapshot): Promise<(Buffer | undefined)[]> {
    return this.#db.getMany(keys, { snapshot, fillCache: false });
  }

  /** Waits for queued writes (ignoring their failures), then closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail;
    await this.#db.close();
  }

  #enqueue<T>(step: () => Promise<T> | T): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#failure !== undefined) throw this.#writeFailed();
      return step();
    });
    this.#tail = run.then(noop, (error: unknown) => {
      this.#failure ??= error instanceof Error ? error : new Error(String(error));
    });
    return run;
  }

  #writeFailed(): IllegalStateError {
    const error = new IllegalStateError(
      `a write to the LevelDB state at ${this.path} failed (${this.#failure!.message}); the state of this task is ` +
        `incomplete, so it must restart from its last checkpoint`,
    );
    (error as { cause?: unknown }).cause = this.#failure;
    return error;
  }
}
