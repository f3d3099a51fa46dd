// A channel between threads over a MessagePort: buffers are msgpackr-encoded and transferred (zero-copy), and the
// consumer grants credits as it consumes, so a producer never has more than `capacity` buffers in flight.

import type { MessagePort } from 'node:worker_threads';
import type { ChannelItem } from '../../core/stream-element.ts';
import { Signal, type InputChannel, type OutputChannel } from './channel.ts';
import { ChannelCodec } from './channel-codec.ts';

interface CreditMessage {
  credit: number;
}

export class PortOutputChannel implements OutputChannel {
  readonly #codec = new ChannelCodec();
  readonly #backlog: ArrayBuffer[] = [];
  readonly #space = new Signal();
  readonly #drained = new Signal();
  #credit: number;
  #closed = false;
  #capacity: number;
  bytesOut = 0;

  constructor(
    private readonly port: MessagePort,
    capacity: number,
  ) {
    this.#credit = capacity;
    this.#capacity = capacity;
    port.on('message', (message: CreditMessage) => this.#onCredit(message.credit));
  }

  send(item: ChannelItem): void {
    const buffer = this.#codec.encode(item);
    this.bytesOut += buffer.byteLength;
    if (this.#credit > 0 && this.#backlog.length === 0) {
      this.#credit--;
      this.port.postMessage(buffer, [buffer]);
    } else {
      this.#backlog.push(buffer);
    }
  }

  isAvailable(): boolean {
    return this.#backlog.length === 0 && this.#credit > 0;
  }

  get queuedBuffers(): number {
    return this.#capacity - this.#credit + this.#backlog.length;
  }

  availability(): Promise<void> {
    return this.isAvailable() ? Promise.resolve() : this.#space.wait();
  }

  drained(): Promise<void> {
    return this.#backlog.length === 0 ? Promise.resolve() : this.#drained.wait();
  }

  #onCredit(credit: number): void {
    this.#credit += credit;
    while (this.#credit > 0 && this.#backlog.length > 0) {
      const buffer = this.#backlog.shift()!;
      this.#credit--;
      this.port.postMessage(buffer, [buffer]);
    }
    if (this.#backlog.length === 0) this.#drained.notify();
    if (this.isAvailable()) this.#space.notify();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#space.notify();
    this.#drained.notify();
    this.port.close();
  }
}

export class PortInputChannel implements InputChannel {
  readonly #codec = new ChannelCodec();
  readonly #queue: ArrayBuffer[] = [];
  #head = 0;
  #listener: (() => void) | undefined;
  #consumed = 0;
  #closed = false;

  constructor(private readonly port: MessagePort) {
    port.on('message', (buffer: ArrayBuffer) => {
      this.#queue.push(buffer);
      if (this.#queue.length - this.#head === 1) this.#listener?.();
    });
  }

  poll(): ChannelItem | undefined {
    if (this.#head === this.#queue.length) {
      this.#returnCredit();
      return undefined;
    }
    const buffer = this.#queue[this.#head]!;
    this.#queue[this.#head++] = undefined as unknown as ArrayBuffer;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
    this.#consumed++;
    // Return credit for every consumed buffer right away when the queue ran dry, else in small groups.
    if (this.#head === 0 || this.#consumed >= 2) this.#returnCredit();
    return this.#codec.decode(buffer);
  }

  #returnCredit(): void {
    if (this.#consumed > 0 && !this.#closed) {
      this.port.postMessage({ credit: this.#consumed } satisfies CreditMessage);
      this.#consumed = 0;
    }
  }

  setDataListener(listener: () => void): void {
    this.#listener = listener;
  }

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener = undefined;
    this.port.close();
  }
}
