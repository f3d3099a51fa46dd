// The client's end of executeAndCollect: an async iterator over the records the collect sink sends.

import type { InputChannel } from './network/channel.ts';
import { Signal } from './network/channel.ts';

export class CollectIterator<T> implements AsyncIterableIterator<T> {
  #values: readonly T[] = [];
  #position = 0;
  #ended = false;
  #jobStatus: 'FINISHED' | 'CANCELED' | 'FAILED' | undefined;
  readonly #data = new Signal();

  constructor(
    private channel: InputChannel,
    /** Settles when the job ends: with FINISHED or CANCELED, or rejects with its failure. */
    private readonly jobDone: Promise<'FINISHED' | 'CANCELED'>,
    private readonly cancelJob: () => Promise<void>,
  ) {
    channel.setDataListener(() => this.#data.notify());
    // Records of a finished job may still be on their way (ports do not order against each other), so once the
    // job has finished, next() waits for data alone. A failure is read in next(); mark it handled here.
    jobDone.then(
      (status) => (this.#jobStatus = status),
      () => (this.#jobStatus = 'FAILED'),
    );
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
        if (this.#jobStatus === 'CANCELED') {
          this.#ended = true;
          this.channel.close();
          return { value: undefined, done: true };
        }
        const waiting = this.#data.wait();
        // Rejects if the job failed; once it finished, its end-of-partition is still to come.
        await (this.#jobStatus === 'FINISHED' ? waiting : Promise.race([waiting, this.jobDone]));
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

  /**
   * The job restarted: read the new attempt's collect channel from now on. What the old attempt sent after the
   * checkpoint it restarted from arrives again (executeAndCollect is at-least-once across restarts).
   */
  replaceChannel(channel: InputChannel): void {
    if (this.#ended) {
      channel.close();
      return;
    }
    this.channel.close();
    this.channel = channel;
    channel.setDataListener(() => this.#data.notify());
    this.#data.notify();
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
