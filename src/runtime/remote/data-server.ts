// A process's data server: meets channel connections from producers in other processes with the consumer ends
// deployed here, holding a connection's buffers until its consumer is deployed.

import type { MessagePort } from 'node:worker_threads';
import type { Logger } from '../../core/logger.ts';
import { bridgeConsumer } from './channel-bridge.ts';
import { decodeOpen, FrameType } from './frame-codec.ts';
import type { FramedConnection } from './framed-connection.ts';

/** How long a closed connection waits for its consumer to be deployed. */
const CLOSED_PENDING_MS = 60_000;

interface Pending {
  readonly connection: FramedConnection;
  readonly capacity: number;
  readonly held: Buffer[];
  /** The producer's END frame came while held. */
  ended: boolean;
}

/** A consumer end waiting for its connection, and whom to tell if that connection breaks. */
interface Consumer {
  readonly port: MessagePort;
  readonly onBroken: (error: Error) => void;
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
  readonly #consumers = new Map<string, Consumer>();
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
      bridgeConsumer(connection, consumer.port, [], false, consumer.onBroken);
      return;
    }
    const pending: Pending = { connection, capacity, held: [], ended: false };
    this.#pending.set(id, pending);
    connection.onFrame = (type, frame) => {
      if (type === FrameType.END) {
        pending.ended = true;
        return;
      }
      if (type !== FrameType.DATA || pending.held.length >= capacity) {
        this.logger.warn('closing a data connection that broke the protocol', { channel: id, frameType: type, held: pending.held.length });
        connection.destroy();
        return;
      }
      pending.held.push(frame);
    };
    // A closed connection stays until its consumer comes: it may hold a whole (ended) stream, or tell the consumer
    // that its producer broke off. If no consumer comes (its task was never deployed), it goes after a while.
    void connection.closed.then(() => {
      const timer = setTimeout(() => {
        if (this.#pending.get(id) === pending) this.#pending.delete(id);
      }, CLOSED_PENDING_MS);
      timer.unref();
    });
  }

  /**
   * The consumer end of channel `id`: bridged to its connection now or when the producer connects. `onBroken`
   * hears of a connection that closes before the producer's end.
   */
  register(id: string, port: MessagePort, onBroken: (error: Error) => void = () => {}): void {
    const pending = this.#pending.get(id);
    if (pending !== undefined) {
      this.#pending.delete(id);
      bridgeConsumer(pending.connection, port, pending.held, pending.ended, onBroken);
      return;
    }
    const consumer: Consumer = { port, onBroken };
    this.#consumers.set(id, consumer);
    port.once('close', () => {
      if (this.#consumers.get(id) === consumer) this.#consumers.delete(id);
    });
  }

  /** Drops every waiting connection and consumer (the process stops). */
  close(): void {
    for (const { connection } of this.#pending.values()) connection.destroy();
    this.#pending.clear();
    for (const { port } of this.#consumers.values()) port.close();
    this.#consumers.clear();
  }
}
