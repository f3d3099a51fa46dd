// The framed-TCP wire format: frames come back whole and in order however the byte stream is split or coalesced,
// garbage lengths are refused, and control messages keep their plain-data types.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ControlCodec,
  decodeCredit,
  decodeOpen,
  encodeCredit,
  encodeFrame,
  encodeOpen,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  FrameType,
} from '../../../src/runtime/remote/frame-codec.ts';

/** Every random input is seeded: override with SLUICE_FC_SEED to replay a reported failure. */
const SEED = Number(process.env['SLUICE_FC_SEED'] ?? 20_251_124);
console.info(`frame-codec properties: fast-check seed ${SEED} (set SLUICE_FC_SEED to change)`);

interface Frame {
  type: number;
  payload: Uint8Array;
}

const frame: fc.Arbitrary<Frame> = fc.record({
  type: fc.constantFrom(FrameType.CONTROL, FrameType.OPEN, FrameType.DATA, FrameType.CREDIT, 0, 255),
  payload: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 1000, maxLength: 3000 })),
});

/** Cuts `bytes` at the given (sorted, deduplicated) offsets. */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

function decodeAll(chunks: readonly Buffer[]): Frame[] {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder((type, payload) => frames.push({ type, payload: new Uint8Array(payload) }));
  for (const chunk of chunks) decoder.push(chunk);
  expect(decoder.buffered).toBe(0);
  return frames;
}

describe('FrameDecoder', () => {
  it('returns every frame whole and in order, however the stream is split or coalesced', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 40 }), (frames, offsets) => {
        const stream = Buffer.concat(frames.map((f) => encodeFrame(f.type, f.payload)));
        const expected = frames.map((f) => ({ type: f.type, payload: new Uint8Array(f.payload) }));
        expect(decodeAll(cut(stream, offsets))).toEqual(expected);
        expect(decodeAll([stream])).toEqual(expected);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('takes a stream byte by byte', () => {
    const frames = [
      { type: FrameType.DATA, payload: new Uint8Array([1, 2, 3]) },
      { type: FrameType.CREDIT, payload: new Uint8Array(encodeCredit(7)) },
      { type: FrameType.DATA, payload: new Uint8Array(0) },
    ];
    const stream = Buffer.concat(frames.map((f) => encodeFrame(f.type, f.payload)));
    const bytes = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
    expect(decodeAll(bytes)).toEqual(frames);
  });

  it('waits for the rest of a frame, holding a partial header or payload', () => {
    const frames: Frame[] = [];
    const decoder = new FrameDecoder((type, payload) => frames.push({ type, payload: new Uint8Array(payload) }));
    const whole = encodeFrame(FrameType.DATA, new Uint8Array([9, 8, 7, 6]));
    decoder.push(whole.subarray(0, 3));
    decoder.push(whole.subarray(3, FRAME_HEADER_BYTES + 1));
    expect(frames).toEqual([]);
    expect(decoder.buffered).toBe(FRAME_HEADER_BYTES + 1);
    decoder.push(whole.subarray(FRAME_HEADER_BYTES + 1));
    expect(frames).toEqual([{ type: FrameType.DATA, payload: new Uint8Array([9, 8, 7, 6]) }]);
  });

  it('refuses a length above the limit, naming the ports to check', () => {
    const decoder = new FrameDecoder(() => {}, 1024);
    const header = Buffer.from([0, 0, 0x10, 0, FrameType.DATA]);
    expect(() => decoder.push(header)).toThrow(/4096 bytes, more than the 1024 allowed.*jobmanager\.rpc\.port/);
  });
});

describe('frame payloads', () => {
  it('carry a channel id with its capacity, and credits', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (id, n) => {
        expect(decodeOpen(encodeOpen(id, n))).toEqual({ id, capacity: n });
        expect(decodeCredit(encodeCredit(n))).toBe(n);
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(() => decodeCredit(Buffer.alloc(3))).toThrow(/3 bytes, expected 4/);
  });

  it('keep the plain-data types of control messages (Map, typed arrays, undefined, bigint, Date)', () => {
    const codec = new ControlCodec();
    const message = {
      type: 'deploy',
      deploymentId: 3,
      task: {
        configuration: { 'parallelism.default': 2, 'state.backend': 'hashmap', flag: true },
        splits: [{ id: 'split-0', position: 10n }],
        restore: undefined,
        state: new Map([[1, new Float64Array([1.5, 2.5])]]),
        bytes: new Uint8Array([1, 2, 3]),
        at: new Date(1234),
        nested: [undefined, null, { deep: 'x' }],
      },
    };
    expect(codec.decode(new ControlCodec().encode(message))).toEqual(message);
  });
});
