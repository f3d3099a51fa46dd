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

/** The error a task fails with when its channel's connection broke mid-stream. */
function broken(connection: FramedConnection, side: 'producer' | 'consumer', cause: Error | undefined): SluiceError {
  return new SluiceError(
    'TASK_FAILED',
    `the data channel to the ${side === 'producer' ? 'consumer' : 'producer'} at ${connection.peer} closed before its end` +
      (cause === undefined ? '' : ` (${cause.message})`),
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The producer's side: every buffer the producer posts on `port` goes out as a DATA frame; every CREDIT frame
 * comes back to the producer as `{credit}`. Credits are the consumer's own (nothing here holds buffers back or
 * adds any), so the producer never has more than its channel's capacity in flight across both processes. When
 * the producer closes its end (after its last buffer: a port delivers what was posted before it closes), an END
 * frame says so and the connection ends. A connection that fails (reset, timed out) while the producer still
 * writes fails the producing task through `onBroken`.
 */
export function bridgeProducer(connection: FramedConnection, port: MessagePort, onBroken: (error: Error) => void): void {
  let finished = false;
  connection.onFrame = (type, payload) => {
    if (type !== FrameType.CREDIT) {
      connection.destroy(new SluiceError('SERIALIZATION_FAILED', `unexpected frame type ${type} from a channel's consumer`));
      return;
    }
    port.postMessage({ credit: decodeCredit(payload) } satisfies CreditMessage);
  };
  port.on('message', (buffer: ArrayBuffer) => connection.sendFrame(FrameType.DATA, new Uint8Array(buffer)));
  port.on('close', () => {
    finished = true;
    connection.sendFrame(FrameType.END, EMPTY);
    connection.end();
  });
  // The consumer closes its side gracefully once it has what it needs (after the end of the partition), possibly
  // while this task still runs (it waits for the final checkpoint): only a connection that failed (reset, timed
  // out) is broken. A consumer process that died is the JobManager's to notice (heartbeats, its connection).
  void connection.closed.then((cause) => {
    if (finished || cause === undefined) return;
    onBroken(broken(connection, 'producer', cause));
    port.close();
  });
}

/**
 * The consumer's side: DATA frames (first those `held` while the consumer was not deployed yet) are posted to
 * `port` as transferable ArrayBuffers; the consumer's `{credit}` messages go back as CREDIT frames. A connection
 * that closes before the producer's END frame (`ended`: it came while held) fails the consuming task through
 * `onBroken`, unless the consumer has ended itself (its port closed).
 */
export function bridgeConsumer(
  connection: FramedConnection,
  port: MessagePort,
  held: readonly Buffer[],
  ended: boolean,
  onBroken: (error: Error) => void,
): void {
  let consumerGone = false;
  const deliver = (payload: Buffer): void => {
    const buffer = new ArrayBuffer(payload.length);
    new Uint8Array(buffer).set(payload);
    port.postMessage(buffer, [buffer]);
  };
  for (const payload of held) deliver(payload);
  connection.onFrame = (type, payload) => {
    if (type === FrameType.END) ended = true;
    else if (type === FrameType.DATA) deliver(payload);
    else connection.destroy(new SluiceError('SERIALIZATION_FAILED', `unexpected frame type ${type} from a channel's producer`));
  };
  port.on('message', (message: CreditMessage) => connection.sendFrame(FrameType.CREDIT, encodeCredit(message.credit)));
  port.on('close', () => {
    consumerGone = true;
    connection.end();
  });
  void connection.closed.then((cause) => {
    if (!ended && !consumerGone) onBroken(broken(connection, 'consumer', cause));
  });
}

const EMPTY = new Uint8Array(0);
