// A channel between two tasks in the same thread: items pass as they are (no serialisation), bounded in buffers.

import type { ChannelItem } from '../../core/stream-element.ts';
import { Signal, type InputChannel, type OutputChannel } from './channel.ts';

export class LocalChannel implements OutputChannel, InputChannel {
  readonly #queue: ChannelItem[] = [];
  #head = 0;
  readonly #space = new Signal();
  #listener: (() => void) | undefined;

  constructor(readonly capacity: number) {}

  send(item: ChannelItem): void {
    this.#queue.push(item);
    if (this.#queue.length - this.#head === 1) this.#listener?.();
  }

  isAvailable(): boolean {
    return this.#queue.length - this.#head < this.capacity;
  }

  availability(): Promise<void> {
    return this.isAvailable() ? Promise.resolve() : this.#space.wait();
  }

  drained(): Promise<void> {
    // Items are in the consumer's queue the moment they are sent.
    return Promise.resolve();
  }

  poll(): ChannelItem | undefined {
    if (this.#head === this.#queue.length) return undefined;
    const item = this.#queue[this.#head]!;
    this.#queue[this.#head++] = undefined as unknown as ChannelItem;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#space.waiting && this.isAvailable()) this.#space.notify();
    return item;
  }

  setDataListener(listener: () => void): void {
    this.#listener = listener;
  }

  get size(): number {
    return this.#queue.length - this.#head;
  }

  get queued(): number {
    return this.size;
  }

  get queuedBuffers(): number {
    return this.size;
  }

  /** Nothing is serialised within a thread. */
  readonly bytesOut = 0;

  close(): void {
    this.#listener = undefined;
    this.#space.notify();
  }
}

/** The local channels of one thread, met by id: the producer's and the consumer's deployment may come in any order. */
export class LocalChannelRegistry {
  readonly #channels = new Map<string, { channel: LocalChannel; users: number }>();

  acquire(id: string, capacity: number): LocalChannel {
    let entry = this.#channels.get(id);
    if (entry === undefined) {
      entry = { channel: new LocalChannel(capacity), users: 0 };
      this.#channels.set(id, entry);
    }
    entry.users++;
    return entry.channel;
  }

  release(id: string): void {
    const entry = this.#channels.get(id);
    if (entry !== undefined && --entry.users <= 0) this.#channels.delete(id);
  }

  get size(): number {
    return this.#channels.size;
  }
}
