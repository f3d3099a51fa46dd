// Property tests: every channel item survives ChannelCodec, and random send sequences arrive whole and in order.
import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  END_OF_PARTITION,
  NO_TIMESTAMP,
  type ChannelItem,
  type RecordBatch,
} from '../../src/core/stream-element.ts';
import { ChannelCodec } from '../../src/runtime/network/channel-codec.ts';
import { LocalChannel } from '../../src/runtime/network/local-channel.ts';
import { PortInputChannel, PortOutputChannel } from '../../src/runtime/network/port-channel.ts';

/** Every random input is seeded: override with SLUICE_FC_SEED to replay a reported failure. */
const SEED = Number(process.env['SLUICE_FC_SEED'] ?? 20_240_611);
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });
console.info(`channel-codec properties: fast-check seed ${SEED} (set SLUICE_FC_SEED to change)`);

// ---- values a record may hold ----

const finiteOrSpecialDouble = fc.oneof(
  fc.double(), // includes NaN, +-Infinity and -0
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, Number.MAX_VALUE, Number.MIN_VALUE),
);
const integer = fc.oneof(
  fc.integer(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, -(2 ** 53)),
);
const bigint = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), // far beyond 64 bits
);
// Well-formed unicode (astral planes included). A lone surrogate does not survive: see the documented case below.
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());
// msgpackr renames an own "__proto__" key (prototype-pollution guard): see the documented case below.
const key = text.filter((k) => k !== '__proto__');
const date = fc.date({ noInvalidDate: true });
const bytes = fc.uint8Array({ maxLength: 64 });

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    integer,
    finiteOrSpecialDouble,
    text,
    bigint,
    date,
    bytes,
    fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 5 }),
    fc.dictionary(key, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 5 }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 4 }).map((values) => new Set(values)),
  ),
}));

/** Records of one shape, the case msgpackr's `useRecords` encodes once per buffer. */
const sameShape = fc.array(
  fc.record({ id: fc.integer(), word: text, score: finiteOrSpecialDouble, tags: fc.array(text, { maxLength: 3 }) }),
  { maxLength: 20 },
);

/** What a value decodes to: the same value, except that -0 becomes 0 (msgpack writes -0 as the integer 0). */
function expected(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (Array.isArray(v)) return v.map(expected);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [expected(k), expected(x)]));
  if (v instanceof Set) return new Set([...v].map(expected));
  if (v === null || typeof v !== 'object' || v instanceof Date || v instanceof Uint8Array) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expected(x)]));
}

const timestamp = fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 42 }), fc.constant(NO_TIMESTAMP), fc.constant(0));

const recordsItem: fc.Arbitrary<RecordBatch> = fc
  .oneof(fc.array(value, { maxLength: 12 }), sameShape as fc.Arbitrary<unknown[]>)
  .chain((values) =>
    fc
      .option(fc.array(timestamp, { minLength: values.length, maxLength: values.length }), { nil: null })
      .map((timestamps) => ({ kind: 'records' as const, values, timestamps })),
  );

const watermarkItem = fc
  .oneof(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY))
  .map((timestamp): ChannelItem => ({ kind: 'watermark', timestamp }));

const barrierItem = fc
  .record({
    checkpointId: fc.integer({ min: 1, max: 2 ** 40 }),
    timestamp: fc.integer({ min: 0, max: 2 ** 42 }),
    checkpointType: fc.constantFrom('CHECKPOINT' as const, 'SAVEPOINT' as const),
    unaligned: fc.boolean(),
  })
  .map((b): ChannelItem => ({ kind: 'barrier', ...b }));

const latencyItem = fc
  .record({
    markedTime: fc.integer({ min: 0, max: 2 ** 42 }),
    operatorId: fc.stringMatching(/^[0-9a-f]{32}$/),
    subtaskIndex: fc.integer({ min: 0, max: 32767 }),
  })
  .map((m): ChannelItem => ({ kind: 'latency', ...m }));

const channelItem: fc.Arbitrary<ChannelItem> = fc.oneof(
  { weight: 4, arbitrary: recordsItem },
  { weight: 1, arbitrary: watermarkItem },
  { weight: 1, arbitrary: barrierItem },
  { weight: 1, arbitrary: latencyItem },
  { weight: 1, arbitrary: fc.constant(END_OF_PARTITION) },
);

function expectedItem(item: ChannelItem): ChannelItem {
  return item.kind === 'records' ? { ...item, values: expected(item.values) as unknown[] } : item;
}

describe('ChannelCodec round trip', () => {
  it('decodes every kind of channel item to what was encoded', () => {
    const encoder = new ChannelCodec();
    const decoder = new ChannelCodec(); // the two ends of a channel share no state
    fc.assert(
      fc.property(channelItem, (item) => {
        const buffer = encoder.encode(item);
        expect(buffer).toBeInstanceOf(ArrayBuffer);
        expect(decoder.decode(buffer)).toStrictEqual(expectedItem(item));
      }),
      params(1000),
    );
  });

  it('encodes each buffer self-describing: any subsequence decodes alone, in any order', () => {
    fc.assert(
      fc.property(fc.array(recordsItem, { minLength: 1, maxLength: 6 }), fc.nat(), (items, pick) => {
        const encoder = new ChannelCodec();
        const buffers = items.map((item) => encoder.encode(item));
        const i = pick % items.length;
        // A fresh decoder that never saw the earlier buffers (their record shapes) still decodes this one.
        expect(new ChannelCodec().decode(buffers[i]!)).toStrictEqual(expectedItem(items[i]!));
        const decoder = new ChannelCodec();
        for (let j = buffers.length - 1; j >= 0; j--) expect(decoder.decode(buffers[j]!)).toStrictEqual(expectedItem(items[j]!));
      }),
      params(200),
    );
  });

  it('keeps NO_TIMESTAMP, +-Infinity watermarks, bigint beyond 64 bits, Date, Map, Set, undefined and bytes (examples)', () => {
    const codec = new ChannelCodec();
    const rt = (item: ChannelItem): ChannelItem => codec.decode(codec.encode(item));
    const values = [
      2n ** 100n,
      -(2n ** 70n) - 1n,
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
      new Map<unknown, unknown>([
        [1, 'one'],
        ['two', { nested: [2n] }],
      ]),
      new Set(['a', 1, null]),
      [1, undefined, 3],
      { a: undefined, b: 'ü😀' },
      new Uint8Array([0, 255, 7]),
      Number.NaN,
      Number.NEGATIVE_INFINITY,
    ];
    expect(rt({ kind: 'records', values, timestamps: [NO_TIMESTAMP, 5, NO_TIMESTAMP, 0, 1, 2, 3, 4, 5, 6] })).toStrictEqual({
      kind: 'records',
      values,
      timestamps: [NO_TIMESTAMP, 5, NO_TIMESTAMP, 0, 1, 2, 3, 4, 5, 6],
    });
    expect(rt({ kind: 'watermark', timestamp: Number.POSITIVE_INFINITY })).toEqual({ kind: 'watermark', timestamp: Infinity });
    expect(rt({ kind: 'watermark', timestamp: Number.NEGATIVE_INFINITY })).toEqual({ kind: 'watermark', timestamp: -Infinity });
    expect(rt(END_OF_PARTITION)).toBe(END_OF_PARTITION);
  });

  it('documents the lossy cases: -0 becomes 0, a lone surrogate becomes U+FFFD, an own "__proto__" key is renamed', () => {
    const codec = new ChannelCodec();
    const rt = (v: unknown): unknown => (codec.decode(codec.encode({ kind: 'records', values: [v], timestamps: null })) as RecordBatch).values[0];
    expect(Object.is(rt(-0), 0)).toBe(true);
    expect(rt('a\ud800b')).toBe('a\ufffdb');
    const withProto = JSON.parse('{"__proto__": 1, "x": 2}') as object;
    const decoded = rt(withProto) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype); // never pollutes a prototype
    expect(decoded['x']).toBe(2);
    expect(Object.keys(decoded)).not.toContain('__proto__');
  });

  it('refuses a symbol with SERIALIZATION_FAILED and rejects a truncated buffer', () => {
    const codec = new ChannelCodec();
    expect(() => codec.encode({ kind: 'records', values: [{ s: Symbol('s') }], timestamps: null })).toThrow(
      expect.objectContaining({ code: 'SERIALIZATION_FAILED', message: expect.stringContaining('plain data') }),
    );
    expect(() => codec.decode(codec.encode({ kind: 'records', values: [1, 2, 3], timestamps: null }).slice(0, 2))).toThrow();
  });

  it('documents what msgpackr does to values that are not plain data: functions vanish, classes flatten', () => {
    // Not an error today (see the report on the codec): a function field decodes as undefined, and an instance of a
    // class as a plain object with its own enumerable fields.
    class Point {
      constructor(readonly x: number) {}
      norm(): number {
        return Math.abs(this.x);
      }
    }
    const codec = new ChannelCodec();
    const rt = (v: unknown): unknown => (codec.decode(codec.encode({ kind: 'records', values: [v], timestamps: null })) as RecordBatch).values[0];
    expect(rt({ f: () => 1, x: 1 })).toStrictEqual({ f: undefined, x: 1 });
    const p = rt(new Point(-3));
    expect(p).toEqual({ x: -3 });
    expect(p).not.toBeInstanceOf(Point);
  });
});

// ---- channels ----

/** A send sequence: items (each a small batch tagged with its position) and where the consumer polls. */
const schedule = fc.record({
  capacity: fc.integer({ min: 1, max: 6 }),
  ops: fc.array(fc.oneof(fc.constant('send' as const), fc.constant('poll' as const)), { minLength: 1, maxLength: 120 }),
  batchSize: fc.integer({ min: 1, max: 4 }),
});

function itemFor(seq: number, batchSize: number): ChannelItem {
  if (seq % 7 === 6) return { kind: 'watermark', timestamp: seq };
  return { kind: 'records', values: Array.from({ length: batchSize }, (_, i) => ({ seq, i })), timestamps: null };
}

describe('channels under random send/poll schedules', () => {
  it('LocalChannel: every item arrives once, in order; availability tracks the capacity', () => {
    fc.assert(
      fc.property(schedule, ({ capacity, ops, batchSize }) => {
        const ch = new LocalChannel(capacity);
        const sent: ChannelItem[] = [];
        const got: ChannelItem[] = [];
        let listenerCalls = 0;
        let emptyToNonEmpty = 0;
        ch.setDataListener(() => listenerCalls++);
        for (const op of ops) {
          if (op === 'send') {
            const item = itemFor(sent.length, batchSize);
            if (ch.size === 0) emptyToNonEmpty++;
            ch.send(item);
            sent.push(item);
          } else {
            const item = ch.poll();
            if (item !== undefined) got.push(item);
            else expect(got.length).toBe(sent.length);
          }
          expect(ch.size).toBe(sent.length - got.length);
          expect(ch.isAvailable()).toBe(ch.size < capacity);
        }
        for (let item = ch.poll(); item !== undefined; item = ch.poll()) got.push(item);
        expect(got).toEqual(sent);
        got.forEach((item, i) => expect(item).toBe(sent[i]));
        expect(listenerCalls).toBe(emptyToNonEmpty);
      }),
      params(300),
    );
  });

  it('Port channels: every item arrives once, in order, and credits bound what is queued at the consumer', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async ({ capacity, ops, batchSize }) => {
        const { port1, port2 } = new MessageChannel();
        const out = new PortOutputChannel(port1, capacity);
        const inp = new PortInputChannel(port2);
        let arrived = 0;
        port2.on('message', (m: unknown) => {
          if (m instanceof ArrayBuffer) arrived++;
        });
        let data: (() => void) | undefined;
        inp.setDataListener(() => data?.());
        try {
          const total = ops.filter((op) => op === 'send').length;
          const sent: ChannelItem[] = [];
          const got: ChannelItem[] = [];
          let maxQueued = 0;
          const poll = (): void => {
            const item = inp.poll();
            if (item !== undefined) got.push(item);
            maxQueued = Math.max(maxQueued, arrived - got.length);
          };
          // The producer follows the schedule, waiting for credit before each send as a task does.
          for (const op of ops) {
            if (op === 'send') {
              while (!out.isAvailable()) {
                const available = out.availability();
                poll(); // the consumer makes progress so credit can come back
                await Promise.race([available, new Promise((resolve) => setImmediate(resolve))]);
              }
              const item = itemFor(sent.length, batchSize);
              out.send(item);
              sent.push(item);
            } else {
              poll();
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
          // Drain: wait for data events until everything arrived.
          while (got.length < total) {
            const before = got.length;
            poll();
            if (got.length === before) {
              await new Promise<void>((resolve) => {
                data = resolve;
                setImmediate(resolve);
              });
            }
          }
          await out.drained();
          expect(got).toEqual(sent);
          expect(maxQueued).toBeLessThanOrEqual(capacity);
        } finally {
          out.close();
          inp.close();
        }
      }),
      params(60),
    );
  });
});
