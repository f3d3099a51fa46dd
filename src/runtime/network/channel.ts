// The two ends of a channel between a producer subtask and a consumer subtask.

import type { ChannelItem } from '../../core/stream-element.ts';

/** The producer's end. `send` never blocks: the producer checks `isAvailable()` between batches. */
export interface OutputChannel {
  send(item: ChannelItem): void;
  /** False while the channel holds its full number of buffers (no credit): the producer must wait. */
  isAvailable(): boolean;
  /** Resolves once `isAvailable()` is true. */
  availability(): Promise<void>;
  /** Resolves once everything sent has been handed to the consumer's side. */
  drained(): Promise<void>;
  /** Buffers sent but not yet taken by the consumer, and bytes serialised (0 within a thread). */
  readonly queuedBuffers: number;
  readonly bytesOut: number;
  close(): void;
}

/** The consumer's end. */
export interface InputChannel {
  /** The next item, or undefined when none is buffered. */
  poll(): ChannelItem | undefined;
  /** Buffers received and not yet polled. */
  readonly queued: number;
  /** Called (at most once per empty -> non-empty change) when an item arrives. */
  setDataListener(listener: () => void): void;
  close(): void;
}

/** A promise that can be resolved from outside, re-armed after each resolution. */
export class Signal {
  #promise: Promise<void> | undefined;
  #resolve: (() => void) | undefined;

  wait(): Promise<void> {
    if (this.#promise === undefined) {
      this.#promise = new Promise<void>((resolve) => (this.#resolve = resolve));
    }
    return this.#promise;
  }

  notify(): void {
    const resolve = this.#resolve;
    this.#promise = undefined;
    this.#resolve = undefined;
    resolve?.();
  }

  get waiting(): boolean {
    return this.#resolve !== undefined;
  }
}
