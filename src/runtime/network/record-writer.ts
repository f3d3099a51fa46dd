// Writes a producer's records into buffers, one per output channel, and hands full buffers to the channels.

import { NO_TIMESTAMP, type StreamEvent } from '../../core/stream-element.ts';
import type { OutputChannel } from './channel.ts';
import type { ChannelSelector } from './channel-selector.ts';

class PendingBuffer {
  values: unknown[] = [];
  timestamps: number[] | null = null;
}

export class RecordWriter<T> {
  readonly #buffers: PendingBuffer[];
  #pendingRecords = 0;
  /** Records and bytes handed to channels, for metrics. */
  recordsOut = 0;

  constructor(
    readonly channels: readonly OutputChannel[],
    private readonly selector: ChannelSelector<T>,
    private readonly recordsPerBuffer: number,
  ) {
    this.#buffers = channels.map(() => new PendingBuffer());
  }

  emit(value: T, timestamp: number): void {
    if (this.selector.isBroadcast) {
      for (let c = 0; c < this.#buffers.length; c++) this.#append(c, value, timestamp);
    } else {
      this.#append(this.selector.selectChannel(value), value, timestamp);
    }
  }

  #append(channel: number, value: T, timestamp: number): void {
    const buffer = this.#buffers[channel]!;
    const n = buffer.values.push(value);
    if (timestamp !== NO_TIMESTAMP || buffer.timestamps !== null) {
      if (buffer.timestamps === null) buffer.timestamps = new Array<number>(n - 1).fill(NO_TIMESTAMP);
      buffer.timestamps.push(timestamp);
    }
    this.#pendingRecords++;
    if (n >= this.recordsPerBuffer) this.#flushChannel(channel);
  }

  #flushChannel(channel: number): void {
    const buffer = this.#buffers[channel]!;
    const n = buffer.values.length;
    if (n === 0) return;
    this.channels[channel]!.send({ kind: 'records', values: buffer.values, timestamps: buffer.timestamps });
    this.#pendingRecords -= n;
    this.recordsOut += n;
    buffer.values = [];
    buffer.timestamps = null;
  }

  /** Sends every partly filled buffer. */
  flushAll(): void {
    if (this.#pendingRecords === 0) return;
    for (let c = 0; c < this.#buffers.length; c++) this.#flushChannel(c);
  }

  get hasPendingRecords(): boolean {
    return this.#pendingRecords > 0;
  }

  /** Sends an event to every channel, after the records before it. */
  broadcastEvent(event: StreamEvent): void {
    this.flushAll();
    for (const channel of this.channels) channel.send(event);
  }

  /** Sends an event to one random channel, after that channel's pending records (Flink routes latency markers so). */
  emitEventToRandomChannel(event: StreamEvent): void {
    const c = Math.floor(Math.random() * this.channels.length);
    this.#flushChannel(c);
    this.channels[c]!.send(event);
  }

  isAvailable(): boolean {
    for (const channel of this.channels) if (!channel.isAvailable()) return false;
    return true;
  }

  async availability(): Promise<void> {
    for (const channel of this.channels) if (!channel.isAvailable()) await channel.availability();
  }

  async drained(): Promise<void> {
    for (const channel of this.channels) await channel.drained();
  }

  close(): void {
    for (const channel of this.channels) channel.close();
  }
}
