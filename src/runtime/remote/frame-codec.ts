// The wire format between sluice processes: `[u32 payload length][u8 type][payload]` frames over TCP, cut back
// out of a byte stream that TCP splits and coalesces at will.

import { Packr } from 'msgpackr';
import { SluiceError } from '../../core/errors.ts';

/** What a frame carries. */
export const FrameType = {
  /** A control message (msgpackr): registration, heartbeats, deployments, task events and results. */
  CONTROL: 1,
  /** Opens a data channel: `[u32 capacity][utf8 channel id]`; the first frame of a data connection. */
  OPEN: 2,
  /** One network buffer of a data channel, as `ChannelCodec` encoded it (raw bytes). */
  DATA: 3,
  /** Credits the consumer returns: `[u32 buffers]`. */
  CREDIT: 4,
  /** The producer closed its end after its last buffer (empty): a connection that closes without it broke. */
  END: 5,
} as const;

export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_HEADER_BYTES = 5;
/** Largest payload accepted (a shipped job bundle is the largest frame): anything above is taken for garbage. */
export const MAX_FRAME_PAYLOAD = 512 * 1024 * 1024;

/** The 5-byte header of a frame whose payload is `length` bytes. */
export function frameHeader(type: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(length, 0);
  header.writeUInt8(type, 4);
  return header;
}

/** A whole frame in one buffer (header + a copy of the payload). */
export function encodeFrame(type: number, payload: Uint8Array): Buffer {
  return Buffer.concat([frameHeader(type, payload.byteLength), payload]);
}

/**
 * Cuts frames out of a byte stream: chunks go in as they arrive, whole frames come out in order through
 * `onFrame`, however the stream was split. A payload is a view of the received bytes (valid as long as it is held).
 * A length above `maxPayload` throws (the connection is not speaking this protocol).
 *
 * @example
 * const decoder = new FrameDecoder((type, payload) => handle(type, payload));
 * socket.on('data', (chunk) => decoder.push(chunk));
 */
export class FrameDecoder {
  readonly #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(
    private readonly onFrame: (type: number, payload: Buffer) => void,
    private readonly maxPayload = MAX_FRAME_PAYLOAD,
  ) {}

  /** Bytes received that do not make a whole frame yet. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= FRAME_HEADER_BYTES) {
      const header = this.#peek(FRAME_HEADER_BYTES);
      const length = header.readUInt32BE(0);
      if (length > this.maxPayload) {
        throw new SluiceError(
          'SERIALIZATION_FAILED',
          `a frame announces ${length} bytes, more than the ${this.maxPayload} allowed: the peer does not speak ` +
            `sluice's cluster protocol (check jobmanager.rpc.port and taskmanager.data.port)`,
        );
      }
      if (this.#buffered < FRAME_HEADER_BYTES + length) return;
      const frame = this.#take(FRAME_HEADER_BYTES + length);
      this.onFrame(frame[4]!, frame.subarray(FRAME_HEADER_BYTES));
    }
  }

  /** The first `n` buffered bytes, without consuming them. */
  #peek(n: number): Buffer {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.#chunks);
    this.#chunks.length = 0;
    this.#chunks.push(joined);
    return joined;
  }

  /** Removes and returns the first `n` buffered bytes (a view when they lie in one chunk). */
  #take(n: number): Buffer {
    this.#buffered -= n;
    const first = this.#chunks[0]!;
    if (first.length === n) {
      this.#chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const part = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, part);
      filled += part;
      if (part === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part);
    }
    return out;
  }
}

/**
 * Encodes control messages (plain data: Maps, typed arrays, undefined and bigint survive, as they do between
 * threads). Every message is self-describing, so the two ends share no codec state.
 */
export class ControlCodec {
  readonly #packr = new Packr({ structuredClone: true, moreTypes: true, useBigIntExtension: true, mapsAsObjects: false });

  encode(message: unknown): Buffer {
    return this.#packr.pack(message);
  }

  decode(payload: Uint8Array): unknown {
    return this.#packr.unpack(payload);
  }
}

/** `[u32 capacity][utf8 id]`, the payload of an OPEN frame. */
export function encodeOpen(id: string, capacity: number): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  const out = Buffer.allocUnsafe(4 + idBytes.length);
  out.writeUInt32BE(capacity, 0);
  idBytes.copy(out, 4);
  return out;
}

export function decodeOpen(payload: Buffer): { id: string; capacity: number } {
  if (payload.length < 5) throw new SluiceError('SERIALIZATION_FAILED', 'an OPEN frame without a channel id');
  return { capacity: payload.readUInt32BE(0), id: payload.toString('utf8', 4) };
}

/** `[u32 buffers]`, the payload of a CREDIT frame. */
export function encodeCredit(buffers: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(buffers, 0);
  return out;
}

export function decodeCredit(payload: Buffer): number {
  if (payload.length !== 4) throw new SluiceError('SERIALIZATION_FAILED', `a CREDIT frame of ${payload.length} bytes, expected 4`);
  return payload.readUInt32BE(0);
}
