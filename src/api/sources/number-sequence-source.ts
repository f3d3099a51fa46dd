// fromSequence(from, to): a parallel, bounded source of consecutive integers; a split is a range and its position.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceSplit, SplitEnumeratorContext } from '../source.ts';

export interface NumberSequenceSplit extends SourceSplit {
  /** The next number to emit. */
  readonly from: number;
  /** The last number, inclusive. */
  readonly to: number;
}

const RECORDS_PER_POLL = 1024;

export class NumberSequenceSource implements Source<number, NumberSequenceSplit> {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
      throw new IllegalArgumentError(`fromSequence needs safe integers, got ${from} and ${to}`);
    }
    if (to < from) throw new IllegalArgumentError(`fromSequence: 'to' (${to}) must be >= 'from' (${from})`);
  }

  getBoundedness(): 'BOUNDED' {
    return 'BOUNDED';
  }

  enumerateSplits({ parallelism }: SplitEnumeratorContext): NumberSequenceSplit[] {
    const total = this.to - this.from + 1;
    const splits: NumberSequenceSplit[] = [];
    let start = this.from;
    for (let i = 0; i < parallelism; i++) {
      const size = Math.floor(total / parallelism) + (i < total % parallelism ? 1 : 0);
      if (size > 0) splits.push({ splitId: String(i), from: start, to: start + size - 1 });
      start += size;
    }
    return splits;
  }

  createReader(): SourceReader<number, NumberSequenceSplit> {
    return new NumberSequenceReader();
  }
}

class NumberSequenceReader implements SourceReader<number, NumberSequenceSplit> {
  readonly #splits: { splitId: string; next: number; to: number }[] = [];

  addSplits(splits: readonly NumberSequenceSplit[]): void {
    for (const s of splits) this.#splits.push({ splitId: s.splitId, next: s.from, to: s.to });
  }

  pollNext(output: ReaderOutput<number>): InputStatus {
    const split = this.#splits[0];
    if (split === undefined) return 'END_OF_INPUT';
    const end = Math.min(split.to, split.next + RECORDS_PER_POLL - 1);
    for (let n = split.next; n <= end; n++) output.collect(n);
    split.next = end + 1;
    if (split.next > split.to) this.#splits.shift();
    return this.#splits.length > 0 ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  snapshotState(): NumberSequenceSplit[] {
    return this.#splits.map((s) => ({ splitId: s.splitId, from: s.next, to: s.to }));
  }
}
