// The consumer side of a task: all its input channels, polled round robin, with a signal when data arrives.

import type { ChannelItem } from '../../core/stream-element.ts';
import { Signal, type InputChannel } from './channel.ts';

export class InputGate {
  readonly #data = new Signal();
  readonly #ended: boolean[];
  /** Channels held back by barrier alignment: not polled until unblocked. */
  readonly #blocked: boolean[];
  #endedCount = 0;
  #next = 0;
  /** Index of the channel the last polled item came from. */
  lastChannel = -1;

  constructor(
    readonly channels: readonly InputChannel[],
    /** For each channel, which logical input of the head operator it feeds (1 or 2 for two-input operators). */
    readonly inputIndexes: readonly number[],
  ) {
    this.#ended = channels.map(() => false);
    this.#blocked = channels.map(() => false);
    const notify = (): void => {
      if (this.#data.waiting) this.#data.notify();
    };
    for (const channel of channels) channel.setDataListener(notify);
  }

  /** The next item from any channel, or undefined when none has data. */
  poll(): ChannelItem | undefined {
    const n = this.channels.length;
    for (let i = 0; i < n; i++) {
      const c = this.#next;
      this.#next = c + 1 === n ? 0 : c + 1;
      if (this.#ended[c] || this.#blocked[c]) continue;
      const item = this.channels[c]!.poll();
      if (item !== undefined) {
        this.lastChannel = c;
        return item;
      }
    }
    return undefined;
  }

  /** Resolves when a channel may have data. Poll again after it. */
  available(): Promise<void> {
    return this.#data.wait();
  }

  /** Stops polling `channel` (it delivered a barrier the others have not yet). */
  block(channel: number): void {
    this.#blocked[channel] = true;
  }

  /** Polls every channel again; wakes a waiting task if a blocked channel holds data. */
  unblockAll(): void {
    this.#blocked.fill(false);
    if (this.#data.waiting && this.channels.some((c) => c.queued > 0)) this.#data.notify();
  }

  markEnded(channel: number): void {
    if (!this.#ended[channel]) {
      this.#ended[channel] = true;
      this.#endedCount++;
    }
  }

  get isFinished(): boolean {
    return this.#endedCount === this.channels.length;
  }

  close(): void {
    for (const channel of this.channels) channel.close();
    this.#data.notify();
  }
}
