// Incremental TTL cleanup of entries only LevelDB holds: a background scan that removes expired entries as state is used.

import type { Clock } from '../../core/clock.ts';
import type { KeyGroupRange } from '../key-group.ts';
import { decodeStateKey, keyGroupStart, stateIdOf } from './key-codec.ts';
import type { LevelDBStateTable } from './leveldb-state-table.ts';
import type { LevelDBStore } from './leveldb-store.ts';
import type { ValueCodec } from './value-codec.ts';
import type { WriteBackCache } from './write-back-cache.ts';

/** Entries one sweep step visits at most. */
const STEP = 1_000;

/**
 * The LevelDB half of Flink's incremental cleanup (Flink's RocksDB backend uses a compaction filter instead): every
 * state access with incremental cleanup earns `cleanupSize` visits; once a step's worth is earned, a background
 * step scans the next entries of LevelDB from where the last one stopped (wrapping around) and removes the expired
 * entries of TTL states through the cache, after checking the current value (the scan's view may be older).
 * Steps run between records (their scan is asynchronous), one at a time.
 */
export class TtlCleanupSweeper {
  #credit = 0;
  #running: Promise<void> | undefined;
  /** The last key visited; the next step starts after it. */
  #cursor: Buffer | undefined;
  /** Entries removed by sweeps so far. */
  removed = 0;

  constructor(
    private readonly store: LevelDBStore,
    private readonly cache: WriteBackCache,
    private readonly codec: ValueCodec,
    private readonly clock: Clock,
    private readonly keyGroupRange: KeyGroupRange,
    private readonly tableById: (id: number) => LevelDBStateTable | undefined,
  ) {}

  /** Adds visits earned by a state access; starts a step when enough are due. */
  earn(visits: number): void {
    this.#credit += visits;
    if (this.#credit >= STEP && this.#running === undefined) {
      // A failed scan is retried by the next step; writes report their own failures.
      this.#running = this.step().then(
        () => (this.#running = undefined),
        () => (this.#running = undefined),
      );
    }
  }

  /** Resolves when no step is running. */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** Runs one step now (visits up to the earned visits, at most STEP entries). */
  async step(): Promise<void> {
    const budget = Math.min(this.#credit, STEP);
    this.#credit -= budget;
    const range = this.keyGroupRange;
    const end = keyGroupStart(range.endKeyGroup + 1);
    const start = this.#cursor === undefined ? keyGroupStart(range.startKeyGroup) : Buffer.concat([this.#cursor, Buffer.from([0])]);
    let visited = 0;
    await this.store.scan(
      { gte: start, lt: end },
      undefined,
      (chunk) => {
        for (const [key, value] of chunk) {
          if (visited++ >= budget) return false;
          this.#cursor = key;
          this.#visit(key, value);
        }
        return visited < budget;
      },
      { chunkSize: Math.max(1, budget) },
    );
    if (visited < budget) this.#cursor = undefined; // reached the end: wrap around
  }

  #visit(key: Buffer, value: Buffer): void {
    const table = this.tableById(stateIdOf(key));
    const ttl = table?.ttl;
    if (table === undefined || ttl === undefined || ttl.incrementalCleanupSize === 0) return;
    const now = this.clock.now();
    const ts = this.codec.timestampOf(value);
    if (ts === undefined || ts + ttl.ttlMs > now) return;
    const k = decodeStateKey(key);
    const originals = this.codec.hasOriginals(value) ? this.codec.decode(value).originals! : undefined;
    const entry = this.cache.lookup(
      table,
      originals !== undefined ? originals[0]! : k.key,
      k.key,
      k.keyGroup,
      originals !== undefined ? originals[1] : (k.namespaceKey ?? null),
      k.namespaceKey,
    );
    if (entry.value !== undefined && entry.timestamp + ttl.ttlMs <= now) {
      this.cache.setValue(entry, undefined, 0);
      this.removed++;
    }
  }
}
