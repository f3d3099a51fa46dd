// A process's data server: meets channel connections from producers in other processes with the consumer ends
// deployed here, holding a connection's buffers until its consumer is deployed.

import type { MessagePort } from 'node:worker_threads';
import type { Logger } from '../../core/logger.ts';
import { bridgeConsumer } from './channel-bridge.ts';
import { decodeOpen, FrameType } from './frame-codec.ts';
import type { FramedConnection } from './framed-connection.ts';

interface Pending {
  readonly connection: FramedConnection;
  readonly capacity: number;
  readonly held: Buffer[];
}

/**
 * Consumer ends by channel id, and connections by the channel id their OPEN frame named. Whichever comes first
 * waits for the other: a consumer port until its producer connects, a connection (with the DATA frames it sends,
 * at most the channel's capacity since the producer has no more credit) until its consumer is deployed. The
 * listening socket belongs to the process (`listenFramed`), which hands OPEN connections here.
 *
 * @example
 * const server = new DataServer(logger);
 * await listenFramed('0.0.0.0', 0, (c, type, payload) => type === FrameType.OPEN && server.adopt(c, payload), logger);
 * server.register(channelId, capacity, port1); // port2 goes to the consuming thread
 */
export class DataServer {
  readonly #consumers = new Map<string, MessagePort>();
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly logger: Logger) {}

  /** Channels whose connection waits for its consumer, and consumers waiting for their connection. */
  get waiting(): { readonly connections: number; readonly consumers: number } {
    return { connections: this.#pending.size, consumers: this.#consumers.size };
  }

  /** A connection whose first frame was OPEN (`payload`): bridged to its consumer, or held until it is deployed. */
  adopt(connection: FramedConnection, payload: Buffer): void {
    const { id, capacity } = decodeOpen(payload);
    if (this.#pending.has(id)) {
      this.logger.warn('refused a second connection for a data channel', { channel: id, peer: connection.peer });
      connection.destroy();
      return;
    }
    const consumer = this.#consumers.get(id);
    if (consumer !== undefined) {
      this.#consumers.delete(id);
      bridgeConsumer(connection, consumer, []);
      return;
    }
    const pending: Pending = { connection, capacity, held: [] };
    this.#pending.set(id, pending);
    connection.onFrame = (type, frame) => {
      if (type !== FrameType.DATA || pending.held.length >= capacity) {
        this.logger.warn('closing a data connection that broke the protocol', { channel: id, frameType: type, held: pending.held.length });
        connection.destroy();
        return;
      }
      pending.held.push(frame);
    };
    void connection.closed.then(() => {
      if (this.#pending.get(id) === pending) this.#pending.delete(id);
    });
  }

  /** The consumer end of channel `id`: bridged to its connection now or when the producer connects. */
  register(id: string, port: MessagePort): void {
    const pending = this.#pending.get(id);
    if (pending !== undefined) {
      this.#pending.delete(id);
      bridgeConsumer(pending.connection, port, pending.held);
      return;
    }
    this.#consumers.set(id, port);
    port.once('close', () => {
      if (this.#consumers.get(id) === port) this.#consumers.delete(id);
    });
  }

  /** Drops every waiting connection and consumer (the process stops). */
  close(): void {
    for (const { connection } of this.#pending.values()) connection.destroy();
    this.#pending.clear();
    for (const port of this.#consumers.values()) port.close();
    this.#consumers.clear();
  }
}
