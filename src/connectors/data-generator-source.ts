// DataGeneratorSource (Flink's name): records made by a function of their index, bounded or not, optionally rate-limited.

import { IllegalArgumentError } from '../core/errors.ts';
import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumeratorContext,
} from '../api/source.ts';
import type { RateLimiter, RateLimiterStrategy } from './rate-limiter.ts';

/** Makes the record with the given index; called once per index, indices are integers from 0. */
export type GeneratorFunction<T> = (index: number) => T;

/** A range of indices; `from` advances as the reader emits, so a split from a snapshot resumes exactly. */
export interface DataGeneratorSplit extends SourceSplit {
  /** The next index to generate. */
  readonly from: number;
  /** The last index, inclusive. */
  readonly to: number;
}

/**
 * The index space of an unbounded generator: JavaScript numbers count exactly up to 2^53 - 1, which at ten
 * million records per second per subtask lasts decades. A split that reaches its end finishes.
 */
const UNBOUNDED_LAST_INDEX = Number.MAX_SAFE_INTEGER;
const RECORDS_PER_POLL = 1024;

/**
 * A source of `count` records `generator(0)`, `generator(1)`, ...; `count = Infinity` makes it unbounded. The
 * index range is divided into one contiguous split per subtask. With a rate limiter, the source emits at most
 * the strategy's rate (over all subtasks).
 *
 * @example
 * const source = new DataGeneratorSource((i) => ({ id: i, at: Date.now() }), Infinity,
 *   RateLimiterStrategy.perSecond(100));
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), 'generator').print();
 */
export class DataGeneratorSource<T> implements Source<T, DataGeneratorSplit> {
  constructor(
    readonly generator: GeneratorFunction<T>,
    readonly count: number,
    readonly rateLimiter?: RateLimiterStrategy,
  ) {
    if (typeof generator !== 'function') {
      throw new IllegalArgumentError(`DataGeneratorSource needs a generator function, got ${typeof generator}`);
    }
    if (count !== Infinity && (!Number.isSafeInteger(count) || count < 0)) {
      throw new IllegalArgumentError(
        `DataGeneratorSource count must be a non-negative safe integer or Infinity, got ${count}`,
      );
    }
  }

  getBoundedness(): Boundedness {
    return this.count === Infinity ? 'CONTINUOUS_UNBOUNDED' : 'BOUNDED';
  }

  /** One contiguous index range per subtask (sizes differ by at most one); empty ranges get no split. */
  enumerateSplits({ parallelism }: SplitEnumeratorContext): DataGeneratorSplit[] {
    const total = this.count === Infinity ? UNBOUNDED_LAST_INDEX + 1 : this.count;
    const splits: DataGeneratorSplit[] = [];
    const base = Math.floor(total / parallelism);
    const extra = total - base * parallelism;
    let start = 0;
    for (let i = 0; i < parallelism; i++) {
      const size = base + (i < extra ? 1 : 0);
      if (size > 0) splits.push({ splitId: String(i), from: start, to: start + size - 1 });
      start += size;
    }
    return splits;
  }

  createReader(context: SourceReaderContext): SourceReader<T, DataGeneratorSplit> {
    // The limiter reads the context's clock, so tests can drive the rate with a ManualClock.
    const limiter = this.rateLimiter?.createRateLimiter(context.parallelism, context.clock);
    return new DataGeneratorReader(this.generator, limiter);
  }
}

/** The reader of one subtask: works through its splits in order. */
class DataGeneratorReader<T> implements SourceReader<T, DataGeneratorSplit> {
  readonly #splits: { splitId: string; next: number; to: number }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;

  constructor(
    private readonly generator: GeneratorFunction<T>,
    private readonly limiter: RateLimiter | undefined,
  ) {}

  addSplits(splits: readonly DataGeneratorSplit[]): void {
    for (const s of splits) {
      if (s.from <= s.to) this.#splits.push({ splitId: s.splitId, next: s.from, to: s.to });
    }
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    const split = this.#splits[0];
    if (split === undefined) return 'END_OF_INPUT';
    let n = Math.min(RECORDS_PER_POLL, split.to - split.next + 1);
    if (this.limiter !== undefined) n = this.limiter.tryAcquire(n);
    const generator = this.generator;
    const end = split.next + n;
    for (let i = split.next; i < end; i++) output.collect(generator(i));
    split.next = end;
    if (split.next > split.to) this.#splits.shift();
    if (this.#splits.length === 0) return 'END_OF_INPUT';
    if (this.limiter === undefined) return 'MORE_AVAILABLE';
    return this.limiter.delayUntilAvailable() === 0 ? 'MORE_AVAILABLE' : 'NOTHING_AVAILABLE';
  }

  /** Resolves when the rate limiter has a permit again: the delay is read from the clock, waited on a timer. */
  isAvailable(): Promise<void> {
    const delay = this.limiter?.delayUntilAvailable() ?? 0;
    if (delay <= 0 || this.#splits.length === 0) return Promise.resolve();
    this.#cancelWait();
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#wake = undefined;
        resolve();
      }, delay);
    });
  }

  snapshotState(): DataGeneratorSplit[] {
    return this.#splits.map((s) => ({ splitId: s.splitId, from: s.next, to: s.to }));
  }

  close(): void {
    this.#cancelWait();
  }

  /** Ends a pending wait early (its promise resolves), so no timer outlives the reader. */
  #cancelWait(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
