// Channels between processes over framed TCP (both ends in this process, on loopback): buffers and credits cross
// end to end, a producer stops at its channel's capacity until the consumer returns credits, buffers sent before
// the consumer is deployed are held (within the capacity) and then delivered, and an unreachable consumer fails.
import { createServer } from 'node:net';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/core/logger.ts';
import { END_OF_PARTITION, recordBatch, type ChannelItem } from '../../../src/core/stream-element.ts';
import { PortInputChannel, PortOutputChannel } from '../../../src/runtime/network/port-channel.ts';
import type { RemoteChannelEndpoint, TaskSpec } from '../../../src/runtime/protocol.ts';
import { DataServer } from '../../../src/runtime/remote/data-server.ts';
import { FrameType } from '../../../src/runtime/remote/frame-codec.ts';
import { listenFramed, type FramedListener } from '../../../src/runtime/remote/framed-connection.ts';
import { RemoteChannels } from '../../../src/runtime/remote/remote-channels.ts';

let server: DataServer;
let listener: FramedListener;
let channels: RemoteChannels;
const opened: { close(): void }[] = [];

beforeEach(async () => {
  server = new DataServer(silentLogger);
  listener = await listenFramed(
    '127.0.0.1',
    0,
    (connection, type, payload) => {
      if (type === FrameType.OPEN) server.adopt(connection, payload);
      else connection.destroy();
    },
    silentLogger,
  );
  channels = new RemoteChannels(server, silentLogger, { connectAttempts: 2, connectBackoffMs: 10, lingerMs: 50 });
});

afterEach(async () => {
  for (const c of opened.splice(0)) c.close();
  server.close();
  await listener.close();
});

function ends(id: string, capacity: number): { producer: RemoteChannelEndpoint; consumer: RemoteChannelEndpoint } {
  return {
    producer: { kind: 'remote', id, capacity, connect: { host: '127.0.0.1', port: listener.port } },
    consumer: { kind: 'remote', id, capacity },
  };
}

const batch = (n: number): ChannelItem => recordBatch([n, `value-${n}`], [n, n]);

function output(endpoint: RemoteChannelEndpoint): PortOutputChannel {
  const channel = new PortOutputChannel(channels.outputPort(endpoint), endpoint.capacity);
  opened.push(channel);
  return channel;
}

function input(endpoint: RemoteChannelEndpoint): PortInputChannel {
  const channel = new PortInputChannel(channels.inputPort(endpoint));
  opened.push(channel);
  return channel;
}

/** Polls `channel` until `count` items arrived (waiting for its data listener in between). */
async function take(channel: PortInputChannel, count: number): Promise<ChannelItem[]> {
  const items: ChannelItem[] = [];
  while (items.length < count) {
    const item = channel.poll();
    if (item !== undefined) {
      items.push(item);
      continue;
    }
    await new Promise<void>((resolve) => channel.setDataListener(resolve));
  }
  return items;
}

describe('a channel between processes', () => {
  it('carries buffers in order and returns credits, so the producer goes on past its capacity', async () => {
    const { producer, consumer } = ends('job#0:e:0->1', 2);
    const reader = input(consumer);
    const writer = output(producer);
    const sent = Array.from({ length: 50 }, (_, i) => batch(i));
    const received = take(reader, sent.length + 1);
    for (const item of sent) {
      await writer.availability();
      writer.send(item);
    }
    await writer.availability();
    writer.send(END_OF_PARTITION);
    expect(await received).toEqual([...sent, END_OF_PARTITION]);
    await writer.drained();
    expect(writer.bytesOut).toBeGreaterThan(0);
  });

  it('stops the producer at `capacity` buffers in flight until the consumer takes one (backpressure)', async () => {
    const { producer, consumer } = ends('job#0:e:0->0', 2);
    const reader = input(consumer);
    const writer = output(producer);
    writer.send(batch(1));
    writer.send(batch(2));
    expect(writer.isAvailable()).toBe(false);
    // Both buffers reach the consumer's side, and no credit comes back while it does not read.
    await vi.waitFor(() => expect(reader.queued).toBe(2));
    writer.send(batch(3)); // held by the producer: no credit
    expect(writer.queuedBuffers).toBe(3);
    expect(writer.isAvailable()).toBe(false);
    expect(reader.queued).toBe(2);
    // Reading returns credit across the connection: the held buffer goes out and the producer may go on.
    expect(reader.poll()).toEqual(batch(1));
    expect(reader.poll()).toEqual(batch(2)); // queue ran dry: both credits go back
    await writer.drained();
    expect(await take(reader, 1)).toEqual([batch(3)]);
    await writer.availability();
    expect(writer.isAvailable()).toBe(true);
  });

  it('holds what the producer sends before the consumer is deployed, bounded by the credits, then delivers it', async () => {
    const { producer, consumer } = ends('job#0:e:1->0', 2);
    const writer = output(producer);
    writer.send(batch(1));
    writer.send(batch(2));
    writer.send(batch(3));
    await vi.waitFor(() => expect(server.waiting).toEqual({ connections: 1, consumers: 0 }));
    expect(writer.isAvailable()).toBe(false);
    expect(writer.queuedBuffers).toBe(3);
    const reader = input(consumer);
    expect(await take(reader, 3)).toEqual([batch(1), batch(2), batch(3)]);
    expect(server.waiting).toEqual({ connections: 0, consumers: 0 });
  });

  it('delivers a whole stream that ended (and closed its connection) before the consumer was deployed', async () => {
    const { producer, consumer } = ends('job#0:e:2->0', 4);
    const writer = output(producer);
    writer.send(batch(1));
    writer.send(END_OF_PARTITION);
    writer.close(); // the producing task ended: END frame, then the connection closes
    await vi.waitFor(() => expect(server.waiting.connections).toBe(1));
    await new Promise((r) => setTimeout(r, 50)); // the closed connection stays, with what it held
    expect(server.waiting.connections).toBe(1);
    const reader = input(consumer);
    expect(await take(reader, 2)).toEqual([batch(1), END_OF_PARTITION]);
  });

  it('fails the consumer when its connection closes before the producer ended', async () => {
    const { producer, consumer } = ends('job#0:e:3->0', 2);
    const consuming = channels.bridge({ inputs: [{ channel: consumer }], outputs: [], collect: undefined } as unknown as TaskSpec);
    const reader = new PortInputChannel((consuming.spec.inputs[0]!.channel as { port: MessagePort }).port);
    const writer = output(producer);
    opened.push(reader);
    writer.send(batch(1));
    expect(await take(reader, 1)).toEqual([batch(1)]);
    await listener.close(); // the connection goes with no END frame: the producer's process or the network went
    const error = await consuming.failure;
    expect(error.message).toMatch(/data channel to the producer at .* closed before its end/);
    expect((error as { code?: string }).code).toBe('TASK_FAILED');
    consuming.release();
  });

  it('fails the producer when its connection is reset, but not when the consumer closes it after the end', async () => {
    // A consumer process that resets the connection right after the channel opened.
    const resetting = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const port = (resetting.address() as { port: number }).port;
    try {
      const producer: RemoteChannelEndpoint = { kind: 'remote', id: 'job#0:e:4->0', capacity: 2, connect: { host: '127.0.0.1', port } };
      const producing = channels.bridge({ inputs: [], outputs: [{ channels: [producer] }], collect: undefined } as unknown as TaskSpec);
      const error = await producing.failure;
      expect(error.message).toMatch(/data channel to the consumer at .* closed before its end \(.*ECONNRESET/);
      producing.release();
    } finally {
      await new Promise((resolve) => resetting.close(resolve));
    }
    // A consumer that ends its side after the end of the partition, while the producing task still runs.
    const { producer, consumer } = ends('job#0:e:5->0', 2);
    const producing = channels.bridge({ inputs: [], outputs: [{ channels: [producer] }], collect: undefined } as unknown as TaskSpec);
    const writer = new PortOutputChannel((producing.spec.outputs[0]!.channels[0] as { port: MessagePort }).port, 2);
    opened.push(writer);
    const reader = input(consumer);
    writer.send(END_OF_PARTITION);
    expect(await take(reader, 1)).toEqual([END_OF_PARTITION]);
    reader.close();
    const outcome = await Promise.race([producing.failure, new Promise((r) => setTimeout(() => r('still running'), 200))]);
    expect(outcome).toBe('still running');
    producing.release();
  });

  it('fails the task whose producer end cannot reach the consumer process', async () => {
    await listener.close();
    const { producer } = ends('job#0:e:0->1', 2);
    const spec = { inputs: [], outputs: [{ channels: [producer] }], collect: undefined } as unknown as TaskSpec;
    const bridged = channels.bridge(spec);
    expect(bridged.spec.outputs[0]!.channels[0]!.kind).toBe('port');
    const error = await bridged.failure;
    expect(error.message).toMatch(/cannot open the data channel job#0:e:0->1 to 127\.0\.0\.1:\d+ after 2 attempts: .*ECONNREFUSED/);
    expect((error as { code?: string }).code).toBe('TASK_FAILED');
    bridged.release();
  });

  it('leaves specs without remote ends as they are', () => {
    const spec = { inputs: [], outputs: [], collect: undefined } as unknown as TaskSpec;
    expect(channels.bridge(spec).spec).toBe(spec);
  });
});
