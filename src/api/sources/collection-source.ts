// fromElements / fromCollection: a non-parallel bounded source over an in-memory list.
// Workers replay the job module, so the list they read is their own copy: it must be built deterministically.

import type { InputStatus, ReaderOutput, Source, SourceReader, SourceSplit } from '../source.ts';

export interface CollectionSplit extends SourceSplit {
  /** Index of the next element to emit. */
  readonly offset: number;
}

const RECORDS_PER_POLL = 1024;

export class CollectionSource<T> implements Source<T, CollectionSplit> {
  constructor(readonly elements: readonly T[]) {}

  getBoundedness(): 'BOUNDED' {
    return 'BOUNDED';
  }

  enumerateSplits(): CollectionSplit[] {
    return [{ splitId: '0', offset: 0 }];
  }

  createReader(): SourceReader<T, CollectionSplit> {
    return new CollectionReader(this.elements);
  }
}

class CollectionReader<T> implements SourceReader<T, CollectionSplit> {
  #offset = -1;
  constructor(private readonly elements: readonly T[]) {}

  addSplits(splits: readonly CollectionSplit[]): void {
    if (splits.length > 0) this.#offset = splits[0]!.offset;
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    if (this.#offset < 0) return 'END_OF_INPUT';
    const end = Math.min(this.elements.length, this.#offset + RECORDS_PER_POLL);
    for (let i = this.#offset; i < end; i++) output.collect(this.elements[i]!);
    this.#offset = end;
    return end < this.elements.length ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  snapshotState(): CollectionSplit[] {
    return this.#offset < 0 ? [] : [{ splitId: '0', offset: this.#offset }];
  }
}
