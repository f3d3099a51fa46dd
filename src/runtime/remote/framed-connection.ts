// A TCP connection that speaks frames: sends and receives `[u32 length][u8 type][payload]`, control messages
// encoded with msgpackr; and the listener that hands each accepted connection over by its first frame.

import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { Logger } from '../../core/logger.ts';
import { ControlCodec, FrameDecoder, FrameType, encodeFrame, frameHeader } from './frame-codec.ts';

const codec = new ControlCodec();

/**
 * Frames over one socket. Incoming frames go to `onFrame` (replaceable: a listener hands a connection over after
 * its first frame); `closed` resolves once the socket is gone, with the error that ended it, if any.
 */
export class FramedConnection {
  onFrame: (type: number, payload: Buffer) => void = () => {};
  readonly closed: Promise<Error | undefined>;
  #open = true;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    const decoder = new FrameDecoder((type, payload) => this.onFrame(type, payload));
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (error) {
        failure = error as Error;
        socket.destroy(failure);
      }
    });
    socket.on('error', (error) => (failure ??= error));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.#open = false;
        resolve(failure);
      }),
    );
  }

  get open(): boolean {
    return this.#open && !this.socket.destroyed;
  }

  /** `host:port` of the peer. */
  get peer(): string {
    const host = this.socket.remoteAddress ?? '?';
    return `${host.includes(':') ? `[${host}]` : host}:${this.socket.remotePort ?? '?'}`;
  }

  /** Sends a frame; the payload is not copied (it must not change until written). Dropped once closed. */
  sendFrame(type: number, payload: Uint8Array): void {
    if (!this.open) return;
    this.socket.cork();
    this.socket.write(frameHeader(type, payload.byteLength));
    if (payload.byteLength > 0) this.socket.write(payload);
    this.socket.uncork();
  }

  /** Sends a control message (plain data). */
  send(message: unknown): void {
    if (!this.open) return;
    this.socket.write(encodeFrame(FrameType.CONTROL, codec.encode(message)));
  }

  /** Decodes a CONTROL frame's payload. */
  static decode<T>(payload: Uint8Array): T {
    return codec.decode(payload) as T;
  }

  /** Ends the connection after what was written; `destroy` ends it at once. */
  end(): void {
    if (this.open) this.socket.end();
  }

  destroy(error?: Error): void {
    this.socket.destroy(error);
  }
}

/** Opens a framed connection; rejects with the socket's error (ECONNREFUSED, ...) or after `timeoutMs`. */
export function connectFramed(host: string, port: number, timeoutMs: number): Promise<FramedConnection> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    const onError = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(new FramedConnection(socket));
    });
  });
}

/** A listening socket whose connections are handed over, framed, with their first frame. */
export interface FramedListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (0: any free port). Each accepted connection is handed to `onConnection` with its first
 * frame; one that sends none within `firstFrameTimeoutMs` is closed.
 */
export async function listenFramed(
  host: string,
  port: number,
  onConnection: (connection: FramedConnection, type: number, payload: Buffer) => void,
  logger: Logger,
  firstFrameTimeoutMs = 30_000,
): Promise<FramedListener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const connection = new FramedConnection(socket);
    const timer = setTimeout(() => connection.destroy(), firstFrameTimeoutMs);
    timer.unref();
    connection.onFrame = (type, payload) => {
      clearTimeout(timer);
      connection.onFrame = () => {};
      try {
        onConnection(connection, type, payload);
      } catch (error) {
        logger.warn('refused a connection', { peer: connection.peer, error: (error as Error).message });
        connection.destroy();
      }
    };
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
