// The client's end of executeAndCollect: an async iterator over the records the collect sink sends.

import type { InputChannel } from './network/channel.ts';
import { Signal } from './network/channel.ts';

export class CollectIterator<T> implements AsyncIterableIterator<T> {
  #values: readonly T[] = [];
  #position = 0;
  #ended = false;
  readonly #data = new Signal();

  constructor(
    private readonly channel: InputChannel,
    /** Settles when the job ends; rejects when it failed. */
    private readonly jobDone: Promise<void>,
    private readonly cancelJob: () => Promise<void>,
  ) {
    channel.setDataListener(() => this.#data.notify());
    // The job's outcome is read in next(); keep an early rejection from being reported as unhandled.
    jobDone.catch(() => {});
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#position < this.#values.length) return { value: this.#values[this.#position++]!, done: false };
      if (this.#ended) {
        await this.jobDone;
        return { value: undefined, done: true };
      }
      const item = this.channel.poll();
      if (item === undefined) {
        const waiting = this.#data.wait();
        await Promise.race([waiting, this.jobDone]);
        continue;
      }
      if (item.kind === 'records') {
        this.#values = item.values as T[];
        this.#position = 0;
      } else if (item.kind === 'end') {
        this.#ended = true;
        this.channel.close();
      }
    }
  }

  /** Stops reading: cancels the job if it still runs. */
  async return(): Promise<IteratorResult<T>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#values = [];
      await this.cancelJob();
      this.channel.close();
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
