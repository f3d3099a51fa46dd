// The two halves of a channel between processes: in each process's main thread, a TCP connection relayed to and
// from the MessagePort whose other end a worker thread (or the client) reads or writes as a normal port channel.

import type { MessagePort } from 'node:worker_threads';
import { SluiceError } from '../../core/errors.ts';
import type { FramedConnection } from './framed-connection.ts';
import { FrameType, decodeCredit, encodeCredit } from './frame-codec.ts';

/** What `PortInputChannel` posts back as it consumes buffers. */
interface CreditMessage {
  readonly credit: number;
}

/**
 * The producer's side: every buffer the producer posts on `port` goes out as a DATA frame; every CREDIT frame
 * comes back to the producer as `{credit}`. Credits are the consumer's own (nothing here holds buffers back or
 * adds any), so the producer never has more than its channel's capacity in flight across both processes. When
 * the producer closes its end (after its last buffer: a port delivers what was posted before it closes), the
 * connection ends.
 */
export function bridgeProducer(connection: FramedConnection, port: MessagePort): void {
  connection.onFrame = (type, payload) => {
    if (type !== FrameType.CREDIT) {
      connection.destroy(new SluiceError('SERIALIZATION_FAILED', `unexpected frame type ${type} from a channel's consumer`));
      return;
    }
    port.postMessage({ credit: decodeCredit(payload) } satisfies CreditMessage);
  };
  port.on('message', (buffer: ArrayBuffer) => connection.sendFrame(FrameType.DATA, new Uint8Array(buffer)));
  port.on('close', () => connection.end());
}

/**
 * The consumer's side: DATA frames (first those `held` while the consumer was not deployed yet) are posted to
 * `port` as transferable ArrayBuffers; the consumer's `{credit}` messages go back as CREDIT frames.
 */
export function bridgeConsumer(connection: FramedConnection, port: MessagePort, held: readonly Buffer[]): void {
  const deliver = (payload: Buffer): void => {
    const buffer = new ArrayBuffer(payload.length);
    new Uint8Array(buffer).set(payload);
    port.postMessage(buffer, [buffer]);
  };
  for (const payload of held) deliver(payload);
  connection.onFrame = (type, payload) => {
    if (type !== FrameType.DATA) {
      connection.destroy(new SluiceError('SERIALIZATION_FAILED', `unexpected frame type ${type} from a channel's producer`));
      return;
    }
    deliver(payload);
  };
  port.on('message', (message: CreditMessage) => connection.sendFrame(FrameType.CREDIT, encodeCredit(message.credit)));
  port.on('close', () => connection.end());
}
