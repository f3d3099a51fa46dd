// The network layer: local and port channels, credits, record writer buffering, input gate, partitioners, edge patterns.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IllegalArgumentError } from '../../../src/core/errors.ts';
import {
  END_OF_PARTITION,
  NO_TIMESTAMP,
  recordBatch,
  watermark,
  type ChannelItem,
  type RecordBatch,
} from '../../../src/core/stream-element.ts';
import type { ShipStrategy } from '../../../src/graph/stream-graph.ts';
import type { OutputChannel } from '../../../src/runtime/network/channel.ts';
import { connections, createChannelSelector, isPointwise } from '../../../src/runtime/network/channel-selector.ts';
import { InputGate } from '../../../src/runtime/network/input-gate.ts';
import { LocalChannel, LocalChannelRegistry } from '../../../src/runtime/network/local-channel.ts';
import { PortInputChannel, PortOutputChannel } from '../../../src/runtime/network/port-channel.ts';
import { RecordWriter } from '../../../src/runtime/network/record-writer.ts';
import { assignKeyToParallelOperator } from '../../../src/state/key-group.ts';

/** An output channel that records what it is sent and is always available. */
class RecordingChannel implements OutputChannel {
  readonly sent: ChannelItem[] = [];
  closed = false;
  readonly queuedBuffers = 0;
  readonly bytesOut = 0;
  send(item: ChannelItem): void {
    this.sent.push(item);
  }
  isAvailable(): boolean {
    return true;
  }
  availability(): Promise<void> {
    return Promise.resolve();
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
}

const fixed = (channel: number) => ({ isBroadcast: false, selectChannel: () => channel });
const byValue = { isBroadcast: false, selectChannel: (v: number) => v % 2 };
const batch = (...values: number[]): RecordBatch<number> => recordBatch(values);

describe('LocalChannel', () => {
  it('delivers items in order, as the same objects (no copy)', () => {
    const ch = new LocalChannel(8);
    const items: ChannelItem[] = [batch(1), watermark(5), batch(2, 3), END_OF_PARTITION];
    for (const item of items) ch.send(item);
    const out: ChannelItem[] = [];
    for (let item = ch.poll(); item !== undefined; item = ch.poll()) out.push(item);
    expect(out).toEqual(items);
    out.forEach((item, i) => expect(item).toBe(items[i]));
    expect(ch.poll()).toBeUndefined();
    expect(ch.size).toBe(0);
  });

  it('is unavailable while it holds `capacity` items, and becomes available when one is polled', async () => {
    const ch = new LocalChannel(2);
    expect(ch.isAvailable()).toBe(true);
    await ch.availability(); // resolves at once while there is space
    ch.send(batch(1));
    expect(ch.isAvailable()).toBe(true);
    ch.send(batch(2));
    expect(ch.isAvailable()).toBe(false);
    expect(ch.size).toBe(2);
    // send never blocks: a producer may overshoot, the channel keeps every item.
    ch.send(batch(3));
    expect(ch.size).toBe(3);

    let resolved = false;
    const waiting = ch.availability().then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    ch.poll(); // 2 left: still full
    await Promise.resolve();
    expect(resolved).toBe(false);
    ch.poll(); // 1 left: space
    await waiting;
    expect(resolved).toBe(true);
    expect(ch.isAvailable()).toBe(true);
  });

  it('calls the data listener once per empty -> non-empty change', () => {
    const ch = new LocalChannel(4);
    const listener = vi.fn();
    ch.setDataListener(listener);
    ch.send(batch(1));
    expect(listener).toHaveBeenCalledTimes(1);
    ch.send(batch(2));
    ch.send(batch(3));
    expect(listener).toHaveBeenCalledTimes(1);
    ch.poll();
    ch.send(batch(4)); // not empty in between: no call
    expect(listener).toHaveBeenCalledTimes(1);
    while (ch.poll() !== undefined);
    ch.send(batch(5));
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('drops its listener on close and wakes a producer waiting for space', async () => {
    const ch = new LocalChannel(1);
    const listener = vi.fn();
    ch.setDataListener(listener);
    ch.send(batch(1));
    const waiting = ch.availability();
    ch.close();
    await waiting;
    while (ch.poll() !== undefined);
    ch.send(batch(2));
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps order across many items (queue compaction)', () => {
    const ch = new LocalChannel(4);
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) ch.send(batch(next++));
      for (let i = 0; i < 60; i++) out.push((ch.poll() as RecordBatch<number>).values[0]!);
    }
    for (let item = ch.poll(); item !== undefined; item = ch.poll()) out.push((item as RecordBatch<number>).values[0]!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe('LocalChannelRegistry', () => {
  it('gives both ends the same channel and forgets it when both released it', () => {
    const registry = new LocalChannelRegistry();
    const a = registry.acquire('x', 3);
    const b = registry.acquire('x', 3);
    expect(a).toBe(b);
    expect(a.capacity).toBe(3);
    registry.release('x');
    expect(registry.size).toBe(1);
    registry.release('x');
    expect(registry.size).toBe(0);
    expect(registry.acquire('x', 3)).not.toBe(a);
  });
});

describe('RecordWriter', () => {
  it('sends a buffer when it holds recordsPerBuffer records, and the rest on flushAll', () => {
    const channels = [new RecordingChannel(), new RecordingChannel()];
    const writer = new RecordWriter<number>(channels, byValue, 3);
    for (const n of [0, 2, 1, 4]) writer.emit(n, NO_TIMESTAMP);
    expect(channels[0]!.sent).toEqual([{ kind: 'records', values: [0, 2, 4], timestamps: null }]);
    expect(channels[1]!.sent).toEqual([]);
    expect(writer.hasPendingRecords).toBe(true);
    expect(writer.recordsOut).toBe(3);
    writer.flushAll();
    expect(channels[1]!.sent).toEqual([{ kind: 'records', values: [1], timestamps: null }]);
    expect(channels[0]!.sent).toHaveLength(1); // an empty buffer is not sent
    expect(writer.hasPendingRecords).toBe(false);
    expect(writer.recordsOut).toBe(4);
    writer.flushAll();
    expect(channels[0]!.sent).toHaveLength(1);
    expect(channels[1]!.sent).toHaveLength(1);
  });

  it('keeps timestamps null until a record has one, then fills the earlier ones with NO_TIMESTAMP', () => {
    const channel = new RecordingChannel();
    const writer = new RecordWriter<number>([channel], fixed(0), 10);
    writer.emit(1, NO_TIMESTAMP);
    writer.emit(2, NO_TIMESTAMP);
    writer.emit(3, 300);
    writer.emit(4, NO_TIMESTAMP);
    writer.flushAll();
    writer.emit(5, NO_TIMESTAMP); // a new buffer starts without timestamps again
    writer.flushAll();
    writer.emit(6, 0); // 0 is a timestamp, not "none"
    writer.flushAll();
    expect(channel.sent).toEqual([
      { kind: 'records', values: [1, 2, 3, 4], timestamps: [NO_TIMESTAMP, NO_TIMESTAMP, 300, NO_TIMESTAMP] },
      { kind: 'records', values: [5], timestamps: null },
      { kind: 'records', values: [6], timestamps: [0] },
    ]);
  });

  it('broadcasts every record to every channel when the selector says so', () => {
    const channels = [new RecordingChannel(), new RecordingChannel(), new RecordingChannel()];
    const writer = new RecordWriter<number>(channels, createChannelSelector('BROADCAST', 3, undefined, 128), 2);
    writer.emit(1, NO_TIMESTAMP);
    writer.emit(2, 20);
    writer.emit(3, NO_TIMESTAMP);
    writer.flushAll();
    for (const ch of channels) {
      expect(ch.sent).toEqual([
        { kind: 'records', values: [1, 2], timestamps: [NO_TIMESTAMP, 20] },
        { kind: 'records', values: [3], timestamps: null },
      ]);
    }
    expect(writer.recordsOut).toBe(9);
  });

  it('flushes pending records before an event, on every channel', () => {
    const channels = [new RecordingChannel(), new RecordingChannel()];
    const writer = new RecordWriter<number>(channels, byValue, 100);
    writer.emit(1, NO_TIMESTAMP);
    writer.broadcastEvent(watermark(10));
    writer.emit(2, NO_TIMESTAMP);
    writer.broadcastEvent(END_OF_PARTITION);
    expect(channels[0]!.sent).toEqual([watermark(10), batch(2), END_OF_PARTITION]);
    expect(channels[1]!.sent).toEqual([batch(1), watermark(10), END_OF_PARTITION]);
  });

  it('is available only when every channel is, and waits for the blocked ones', async () => {
    const a = new LocalChannel(1);
    const b = new LocalChannel(1);
    const writer = new RecordWriter<number>([a, b], byValue, 1);
    expect(writer.isAvailable()).toBe(true);
    writer.emit(1, NO_TIMESTAMP); // fills b
    expect(writer.isAvailable()).toBe(false);
    let ready = false;
    const waiting = writer.availability().then(() => (ready = true));
    await Promise.resolve();
    expect(ready).toBe(false);
    b.poll();
    await waiting;
    expect(writer.isAvailable()).toBe(true);
  });

  it('closes its channels', () => {
    const channels = [new RecordingChannel(), new RecordingChannel()];
    new RecordWriter<number>(channels, byValue, 1).close();
    expect(channels.every((c) => c.closed)).toBe(true);
  });
});

describe('InputGate', () => {
  it('polls its channels round robin and reports which channel an item came from', () => {
    const channels = [new LocalChannel(8), new LocalChannel(8), new LocalChannel(8)];
    channels[0]!.send(batch(10));
    channels[0]!.send(batch(11));
    channels[1]!.send(batch(20));
    channels[2]!.send(batch(30));
    channels[2]!.send(batch(31));
    const gate = new InputGate(channels, [1, 1, 1]);
    const seen: [number, number][] = [];
    for (let item = gate.poll(); item !== undefined; item = gate.poll()) {
      seen.push([(item as RecordBatch<number>).values[0]!, gate.lastChannel]);
    }
    expect(seen).toEqual([
      [10, 0],
      [20, 1],
      [30, 2],
      [11, 0],
      [31, 2],
    ]);
  });

  it('skips ended channels and is finished once every channel ended', () => {
    const channels = [new LocalChannel(8), new LocalChannel(8)];
    const gate = new InputGate(channels, [1, 1]);
    expect(gate.lastChannel).toBe(-1);
    expect(gate.isFinished).toBe(false);
    gate.markEnded(0);
    gate.markEnded(0); // idempotent
    expect(gate.isFinished).toBe(false);
    channels[0]!.send(batch(1)); // never read: the channel ended
    channels[1]!.send(batch(2));
    expect(gate.poll()).toEqual(batch(2));
    expect(gate.lastChannel).toBe(1);
    expect(gate.poll()).toBeUndefined();
    gate.markEnded(1);
    expect(gate.isFinished).toBe(true);
  });

  it('resolves available() when data arrives on any channel', async () => {
    const channels = [new LocalChannel(8), new LocalChannel(8)];
    const gate = new InputGate(channels, [1, 2]);
    expect(gate.inputIndexes).toEqual([1, 2]);
    expect(gate.poll()).toBeUndefined();
    const available = gate.available();
    channels[1]!.send(batch(7));
    await available;
    expect(gate.poll()).toEqual(batch(7));
  });

  it('wakes a waiter on close', async () => {
    const channels = [new LocalChannel(8)];
    const gate = new InputGate(channels, [1]);
    const available = gate.available();
    gate.close();
    await available;
    expect(gate.poll()).toBeUndefined();
  });
});

/** Flink's EdgeManagerBuildUtil.connectPointwise / connectAllToAll as a reference, with Java's integer division. */
function flinkConnections(pointwise: boolean, sources: number, targets: number): [number, number][] {
  const pairs: [number, number][] = [];
  const div = (a: number, b: number): number => Math.floor(a / b);
  if (!pointwise) {
    for (let s = 0; s < sources; s++) for (let t = 0; t < targets; t++) pairs.push([s, t]);
  } else if (sources === targets) {
    for (let i = 0; i < sources; i++) pairs.push([i, i]);
  } else if (sources > targets) {
    for (let t = 0; t < targets; t++) {
      for (let s = div(t * sources, targets); s < div((t + 1) * sources, targets); s++) pairs.push([s, t]);
    }
  } else {
    for (let s = 0; s < sources; s++) {
      const start = div(s * targets + sources - 1, sources);
      const end = div((s + 1) * targets + sources - 1, sources);
      for (let t = start; t < end; t++) pairs.push([s, t]);
    }
  }
  return pairs;
}

const sortPairs = (pairs: [number, number][]): [number, number][] =>
  [...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('connections', () => {
  it.each<[ShipStrategy, number, number, [number, number][]]>([
    ['FORWARD', 2, 2, [[0, 0], [1, 1]]],
    ['RESCALE', 2, 4, [[0, 0], [0, 1], [1, 2], [1, 3]]],
    ['RESCALE', 4, 2, [[0, 0], [1, 0], [2, 1], [3, 1]]],
    ['RESCALE', 3, 2, [[0, 0], [1, 1], [2, 1]]],
    ['RESCALE', 1, 3, [[0, 0], [0, 1], [0, 2]]],
    // Flink rounds a producer's consumer range up when producers < consumers: 2 -> 3 gives p0 {0,1}, p1 {2}.
    ['RESCALE', 2, 3, [[0, 0], [0, 1], [1, 2]]],
    ['REBALANCE', 2, 3, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]],
  ])('%s %i -> %i', (ship, producers, consumers, expected) => {
    expect(sortPairs(connections(ship, producers, consumers))).toEqual(expected);
  });

  it('connects all to all for every strategy but forward and rescale', () => {
    const all: ShipStrategy[] = ['REBALANCE', 'SHUFFLE', 'BROADCAST', 'GLOBAL', 'HASH', 'CUSTOM'];
    for (const ship of all) {
      expect(isPointwise(ship)).toBe(false);
      expect(connections(ship, 2, 3)).toHaveLength(6);
    }
    expect(isPointwise('FORWARD')).toBe(true);
    expect(isPointwise('RESCALE')).toBe(true);
  });

  it("matches Flink's pointwise pattern for every producer/consumer count up to 9, and feeds every consumer", () => {
    for (let p = 1; p <= 9; p++) {
      for (let c = 1; c <= 9; c++) {
        const pairs = connections('RESCALE', p, c);
        expect(sortPairs(pairs), `${p} -> ${c}`).toEqual(sortPairs(flinkConnections(true, p, c)));
        for (let consumer = 0; consumer < c; consumer++) {
          expect(pairs.some(([, t]) => t === consumer), `${p} -> ${c}: consumer ${consumer}`).toBe(true);
        }
        for (let producer = 0; producer < p; producer++) {
          expect(pairs.some(([s]) => s === producer), `${p} -> ${c}: producer ${producer}`).toBe(true);
        }
        expect(new Set(pairs.map((x) => x.join())).size).toBe(pairs.length);
      }
    }
  });

  it("lists each producer's channels in consumer order (channel 0 is the lowest consumer, as GLOBAL needs)", () => {
    for (const ship of ['GLOBAL', 'RESCALE', 'HASH'] as ShipStrategy[]) {
      const pairs = connections(ship, 3, 5);
      for (let p = 0; p < 3; p++) {
        const consumers = pairs.filter(([s]) => s === p).map(([, c]) => c);
        expect(consumers).toEqual([...consumers].sort((a, b) => a - b));
      }
    }
    expect(connections('GLOBAL', 2, 3).filter(([s]) => s === 1)[0]).toEqual([1, 0]);
  });
});

describe('createChannelSelector', () => {
  it('HASH agrees with assignKeyToParallelOperator', () => {
    const keys: unknown[] = ['a', 'to', 'be', '', 'ünïcödé', 0, 1, -1, 42, 2 ** 40, 1.5, true, false, 7n, ['x', 1]];
    for (let i = 0; i < 200; i++) keys.push(`key-${i}`, i * 7919);
    for (const [n, maxParallelism] of [
      [2, 128],
      [3, 128],
      [4, 256],
      [7, 1024],
    ] as const) {
      const selector = createChannelSelector<unknown>('HASH', n, (v: unknown) => v, maxParallelism);
      expect(selector.isBroadcast).toBe(false);
      for (const key of keys) {
        expect(selector.selectChannel(key), `key ${String(key)}`).toBe(assignKeyToParallelOperator(key, maxParallelism, n));
      }
    }
  });

  it('HASH applies the key selector', () => {
    const selector = createChannelSelector<{ k: string }>('HASH', 4, (v: { k: string }) => v.k, 128);
    expect(selector.selectChannel({ k: 'word' })).toBe(assignKeyToParallelOperator('word', 128, 4));
  });

  it('REBALANCE and RESCALE go round robin over all channels', () => {
    for (const ship of ['REBALANCE', 'RESCALE'] as ShipStrategy[]) {
      const selector = createChannelSelector<number>(ship, 4, undefined, 128);
      const picks = Array.from({ length: 12 }, () => selector.selectChannel(0));
      const start = picks[0]!;
      expect(picks).toEqual(Array.from({ length: 12 }, (_, i) => (start + i) % 4));
    }
    const single = createChannelSelector<number>('REBALANCE', 1, undefined, 128);
    expect([single.selectChannel(0), single.selectChannel(0)]).toEqual([0, 0]);
  });

  it('FORWARD and GLOBAL pick channel 0; BROADCAST is marked broadcast', () => {
    expect(createChannelSelector('FORWARD', 1, undefined, 128).selectChannel(5)).toBe(0);
    const global = createChannelSelector<number>('GLOBAL', 3, undefined, 128);
    expect([1, 2, 3].map((v) => global.selectChannel(v))).toEqual([0, 0, 0]);
    expect(createChannelSelector('BROADCAST', 3, undefined, 128).isBroadcast).toBe(true);
  });

  it('SHUFFLE stays within range', () => {
    const selector = createChannelSelector<number>('SHUFFLE', 3, undefined, 128);
    const picks = new Set(Array.from({ length: 300 }, () => selector.selectChannel(0)));
    for (const c of picks) expect([0, 1, 2]).toContain(c);
    expect(picks.size).toBeGreaterThan(1);
  });

  it('CUSTOM uses the partitioner on the extracted key and rejects a channel out of range', () => {
    const partitioner = { partition: (key: unknown, n: number) => (key as number) % n, key: (v: { id: number }) => v.id };
    const selector = createChannelSelector<{ id: number }>('CUSTOM', 3, partitioner, 128);
    expect([0, 1, 2, 3, 4].map((id) => selector.selectChannel({ id }))).toEqual([0, 1, 2, 0, 1]);

    for (const bad of [3, -1, 0.5, Number.NaN]) {
      const broken = createChannelSelector<number>('CUSTOM', 3, { partition: () => bad, key: (v: number) => v }, 128);
      expect(() => broken.selectChannel(1)).toThrow(IllegalArgumentError);
      expect(() => broken.selectChannel(1)).toThrow(/from 0 to 2/);
    }
  });
});

describe('PortOutputChannel / PortInputChannel over a MessageChannel', () => {
  const opened: MessagePort[] = [];
  afterEach(() => {
    for (const port of opened.splice(0)) port.close();
  });

  function pair(capacity: number): { out: PortOutputChannel; inp: PortInputChannel; received: () => number } {
    const { port1, port2 } = new MessageChannel();
    opened.push(port1, port2);
    const out = new PortOutputChannel(port1, capacity);
    const inp = new PortInputChannel(port2);
    // Count arrivals with a listener of our own on the consumer's port (ports deliver to every listener).
    let arrived = 0;
    port2.on('message', (m: unknown) => {
      if (m instanceof ArrayBuffer) arrived++;
    });
    return { out, inp, received: () => arrived };
  }

  it('delivers items in order and decodes them', async () => {
    const { out, inp, received } = pair(16);
    const items: ChannelItem[] = [
      recordBatch([{ word: 'to', n: 1 }, { word: 'be', n: 2 }], [NO_TIMESTAMP, 5]),
      watermark(100),
      recordBatch(['x', 'y']),
      { kind: 'barrier', checkpointId: 3, timestamp: 1234, checkpointType: 'CHECKPOINT', unaligned: false },
      { kind: 'latency', markedTime: 99, operatorId: 'ab'.repeat(16), subtaskIndex: 1 },
      END_OF_PARTITION,
    ];
    for (const item of items) out.send(item);
    await vi.waitFor(() => expect(received()).toBe(items.length));
    const got: ChannelItem[] = [];
    for (let item = inp.poll(); item !== undefined; item = inp.poll()) got.push(item);
    expect(got).toEqual(items);
  });

  it('calls the data listener when the first buffer arrives', async () => {
    const { out, inp } = pair(4);
    const arrived = new Promise<void>((resolve) => inp.setDataListener(resolve));
    out.send(recordBatch([1]));
    await arrived;
    expect(inp.poll()).toEqual(recordBatch([1]));
  });

  it('bounds buffers in flight by the credits: the producer is unavailable until the consumer polls', async () => {
    const capacity = 3;
    const { out, inp, received } = pair(capacity);
    expect(out.isAvailable()).toBe(true);
    for (let i = 0; i < capacity; i++) out.send(recordBatch([i]));
    expect(out.isAvailable()).toBe(false);
    // Further sends wait in the producer's backlog, not on the port.
    out.send(recordBatch([3]));
    out.send(recordBatch([4]));
    let drained = false;
    const drainedPromise = out.drained().then(() => (drained = true));
    await vi.waitFor(() => expect(received()).toBe(capacity));
    // Give the port a chance to deliver anything more it might (wrongly) have been sent.
    await new Promise((resolve) => setImmediate(resolve));
    expect(received()).toBe(capacity);
    expect(out.isAvailable()).toBe(false);
    expect(drained).toBe(false);

    const availability = out.availability();
    const got: number[] = [];
    const pollAll = (): void => {
      for (let item = inp.poll(); item !== undefined; item = inp.poll()) got.push((item as RecordBatch<number>).values[0]!);
    };
    pollAll(); // returns credits; the backlog follows
    await drainedPromise;
    await vi.waitFor(() => {
      pollAll();
      expect(got).toEqual([0, 1, 2, 3, 4]);
    });
    await availability;
    await vi.waitFor(() => expect(out.isAvailable()).toBe(true));
    expect(received()).toBe(5);
  });

  it('never lets more than `capacity` buffers be in flight under a long stream', async () => {
    const capacity = 2;
    const { out, inp, received } = pair(capacity);
    let consumed = 0;
    let maxInFlight = 0;
    const total = 200;
    const got: number[] = [];
    inp.setDataListener(() => {});
    const producer = (async () => {
      for (let i = 0; i < total; i++) {
        await out.availability();
        out.send(recordBatch([i]));
        maxInFlight = Math.max(maxInFlight, received() - consumed);
      }
    })();
    while (got.length < total) {
      const item = inp.poll();
      if (item === undefined) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      consumed++;
      got.push((item as RecordBatch<number>).values[0]!);
      maxInFlight = Math.max(maxInFlight, received() - consumed);
    }
    await producer;
    expect(got).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(maxInFlight).toBeLessThanOrEqual(capacity);
  });

  it('close wakes waiters and stops the ports', async () => {
    const { out, inp } = pair(1);
    out.send(recordBatch([1]));
    const availability = out.availability();
    out.close();
    out.close(); // idempotent
    await availability;
    inp.close();
    inp.close();
    expect(inp.poll()).toBeUndefined();
  });
});
