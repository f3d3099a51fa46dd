// The byte form of a KeyedStateSnapshot: a msgpackr skeleton plus one raw frame per column, written as it is encoded.

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SluiceError } from '../core/errors.ts';
import type { KeyGroupStateSnapshot, KeyedStateSnapshot, StateSnapshot } from './keyed-state-snapshot.ts';
import { decodeSnapshot, encodeSnapshot, snapshotPackr } from './stream-state-io.ts';

/** First bytes of a framed keyed snapshot ("SLUICEKS"); anything else is read as one msgpackr value (version 0). */
const MAGIC = Buffer.from('SLUICEKS', 'latin1');
const FORMAT_VERSION = 1;
const FLAG_COMPRESSED = 1;
const HEADER_BYTES = MAGIC.length + 2;

/** How a column is stored: raw float64s, UTF-8 text with UTF-16 lengths, or msgpackr. */
type ColumnType = 'f64' | 'str' | 'msg';

/** A column in the skeleton: its type and number of values; its data is in the next frames, in column order. */
interface ColumnRef {
  readonly type: ColumnType;
  readonly length: number;
}

type Column = Float64Array | readonly unknown[];

/** Values of a numeric column per frame (1 MiB). */
const F64_PER_FRAME = 128 * 1024;
/** Bytes of a string-column frame before the next one starts (a longer single string gets a frame of its own). */
const STR_FRAME_BYTES = 1024 * 1024;
/** Scratch buffer size: a full numeric or string frame with its heads fits. */
const SCRATCH_BYTES = STR_FRAME_BYTES + 64 * 1024;

/**
 * Encodes a keyed snapshot as chunks, lazily: the header and skeleton first, then the columns in frames of at most
 * ~1–4 MiB, so a writer hashes and writes each while the next is encoded (`writeStreamStateHandle` takes the
 * iterable) and memory stays bounded whatever the state size.
 *
 * **A chunk is valid only until the generator is resumed twice**: string frames are encoded into two scratch
 * buffers used in turn (no allocation per frame: large snapshots otherwise make V8 run full collections over the
 * very state being written). Copy a chunk to keep it longer (`encodeKeyedSnapshotBytes` does).
 *
 * Why not msgpackr alone: most of a large heap snapshot sits in its columns (see KeyGroupStateSnapshot), and
 * msgpackr pays a call and a bounds check per string and a growing output buffer; a string frame here is one
 * UTF-8 write per value and decodes with one UTF-8 read plus slices, a numeric column is its own memory. Strings
 * that are not well-formed UTF-16 (lone surrogates) would not survive UTF-8, so such a column falls back to
 * msgpackr. With `compress`, every frame is deflated (level 1) on its own.
 *
 * Layout: `SLUICEKS`, u8 format version, u8 flags (1 = compressed), then frames of u32 LE length + bytes. Frame 0
 * is the msgpackr skeleton: the snapshot with each `columns` side replaced by a ColumnRef. Then every column in
 * skeleton order: `f64` as frames of raw little-endian doubles, `str` as frames of [u32 count, count u32 UTF-16
 * lengths, UTF-8 text], `msg` as one msgpackr frame; a column's frames continue until they hold `length` values.
 */
export function* encodeKeyedSnapshot(snapshot: KeyedStateSnapshot, compress: boolean): Generator<Uint8Array> {
  const columns: [Column, ColumnType][] = [];
  const refOf = (column: Column): ColumnRef => {
    const type = columnType(column);
    columns.push([column, type]);
    return { type, length: column.length };
  };
  const skeleton = {
    ...snapshot,
    states: snapshot.states.map((s) => ({
      ...s,
      keyGroups: s.keyGroups.map((g) => (g.columns === undefined ? g : { ...g, columns: { keys: refOf(g.columns.keys), values: refOf(g.columns.values) } })),
    })),
  };
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  header[MAGIC.length] = FORMAT_VERSION;
  header[MAGIC.length + 1] = compress ? FLAG_COMPRESSED : 0;
  yield header;
  yield frame(prefixed(snapshotPackr.pack(skeleton)), compress);
  const scratch = new ScratchBuffers();
  for (const [column, type] of columns) {
    if (column instanceof Float64Array) {
      for (let i = 0; i < column.length; i += F64_PER_FRAME) {
        const part = column.subarray(i, Math.min(column.length, i + F64_PER_FRAME));
        const out = scratch.take(FRAME_PREFIX + part.byteLength);
        out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), FRAME_PREFIX);
        yield frame(out.subarray(0, FRAME_PREFIX + part.byteLength), compress);
      }
    } else if (type === 'msg') yield frame(prefixed(encodeSnapshot(column, false)), compress);
    else for (let i = 0; i < column.length; ) yield frame(encodeStrings(column as readonly string[], i, scratch, (next) => (i = next)), compress);
  }
}

/** The whole encoding as one buffer (small snapshots, tests). */
export function encodeKeyedSnapshotBytes(snapshot: KeyedStateSnapshot, compress: boolean): Uint8Array {
  const chunks: Buffer[] = [];
  for (const chunk of encodeKeyedSnapshot(snapshot, compress)) chunks.push(Buffer.from(chunk)); // copies (see above)
  return Buffer.concat(chunks);
}

/**
 * Decodes a keyed snapshot written by `encodeKeyedSnapshot`, or by earlier versions (one msgpackr value, deflated
 * whole when `compressed`).
 */
export function decodeKeyedSnapshot(bytes: Uint8Array, compressed: boolean): KeyedStateSnapshot {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_BYTES || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) return decodeSnapshot<KeyedStateSnapshot>(bytes, compressed);
  const version = buffer[MAGIC.length]!;
  if (version !== FORMAT_VERSION) {
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `keyed state snapshot format version ${version} is not supported (this sluice reads version ${FORMAT_VERSION}): ` +
        `restore it with the sluice version that wrote it and take a savepoint there`,
    );
  }
  const frameCompressed = (buffer[MAGIC.length + 1]! & FLAG_COMPRESSED) !== 0;
  const frames: Buffer[] = [];
  for (let offset = HEADER_BYTES; offset < buffer.length; ) {
    if (offset + 4 > buffer.length) throw truncated();
    const length = buffer.readUInt32LE(offset);
    const end = offset + 4 + length;
    if (end > buffer.length) throw truncated();
    const raw = buffer.subarray(offset + 4, end);
    frames.push(frameCompressed ? inflateRawSync(raw) : raw);
    offset = end;
  }
  if (frames.length === 0) throw truncated();
  const skeleton = snapshotPackr.unpack(frames[0]!) as KeyedStateSnapshot;
  let next = 1;
  const column = (ref: unknown): Column => {
    const r = ref as ColumnRef;
    switch (r.type) {
      case 'f64': {
        const out = new Float64Array(r.length);
        const bytes = new Uint8Array(out.buffer);
        for (let filled = 0; filled < bytes.length; ) {
          const data = frames[next++];
          if (data === undefined || data.length === 0 || filled + data.length > bytes.length) throw truncated();
          bytes.set(data, filled);
          filled += data.length;
        }
        return out;
      }
      case 'msg': {
        const data = frames[next++];
        if (data === undefined) throw truncated();
        return decodeSnapshot<unknown[]>(data, false);
      }
      case 'str': {
        const out = new Array<string>(r.length);
        for (let filled = 0; filled < r.length; ) {
          const data = frames[next++];
          if (data === undefined) throw truncated();
          filled = decodeStrings(data, out, filled);
        }
        return out;
      }
      default:
        throw truncated();
    }
  };
  const snapshot: KeyedStateSnapshot = {
    ...skeleton,
    states: skeleton.states.map(
      (s): StateSnapshot => ({
        ...s,
        keyGroups: s.keyGroups.map(
          (g): KeyGroupStateSnapshot => (g.columns === undefined ? g : { ...g, columns: { keys: column(g.columns.keys), values: column(g.columns.values) } }),
        ),
      }),
    ),
  };
  if (next !== frames.length) throw truncated();
  return snapshot;
}

/** Bytes before a frame's payload: its u32 LE length. */
const FRAME_PREFIX = 4;

/** `payload` in a new buffer behind room for the frame prefix. */
function prefixed(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_PREFIX + payload.byteLength);
  out.set(payload, FRAME_PREFIX);
  return out;
}

/**
 * A whole frame as one chunk (one write): `buffer` holds the payload behind FRAME_PREFIX bytes, which get its
 * length; with `compress` the payload is deflated into a new buffer.
 */
function frame(buffer: Buffer, compress: boolean): Uint8Array {
  const out = compress ? prefixed(deflateRawSync(buffer.subarray(FRAME_PREFIX), { level: 1 })) : buffer;
  out.writeUInt32LE(out.length - FRAME_PREFIX, 0);
  return out;
}

/** Buffer's own UTF-8 writer (what `write` calls after checking its arguments; msgpackr uses it too). */
type Utf8Writable = Buffer & { utf8Write(text: string, offset: number): number };

/** String.prototype.isWellFormed (ES2024, in Node 20; not in this project's ES2022 type library). */
const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

function columnType(column: Column): ColumnType {
  if (column instanceof Float64Array) return 'f64';
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (typeof v !== 'string' || !isWellFormed(v)) return 'msg';
  }
  return 'str';
}

/** Two scratch buffers used in turn, so a frame stays intact while the next one is encoded. */
class ScratchBuffers {
  readonly #buffers = [Buffer.allocUnsafe(SCRATCH_BYTES), Buffer.allocUnsafe(SCRATCH_BYTES)];
  #turn = 0;

  /** The next buffer, or a fresh one when `minBytes` exceed the scratch size. */
  take(minBytes: number): Buffer {
    this.#turn ^= 1;
    const buffer = this.#buffers[this.#turn]!;
    return buffer.length >= minBytes ? buffer : Buffer.allocUnsafe(minBytes);
  }
}

/**
 * One string frame from `strings[from..]` (payload behind FRAME_PREFIX): [u32 count][count u32 UTF-16 lengths]
 * [UTF-8 text], about STR_FRAME_BYTES of text (at least one string). Reports where the next frame starts through
 * `done`.
 */
function encodeStrings(strings: readonly string[], from: number, scratch: ScratchBuffers, done: (next: number) => void): Buffer {
  // Count the strings of this frame by their UTF-16 length (a lower bound of their UTF-8 length).
  let count = 0;
  let chars = 0;
  while (from + count < strings.length && (count === 0 || chars + strings[from + count]!.length <= STR_FRAME_BYTES)) {
    chars += strings[from + count]!.length;
    count++;
  }
  const head = FRAME_PREFIX + 4 + 4 * count;
  let out = scratch.take(head + chars + 64);
  let offset = head;
  for (let i = 0; i < count; i++) {
    const s = strings[from + i]!;
    out.writeUInt32LE(s.length, FRAME_PREFIX + 4 + 4 * i);
    if (out.length - offset < 3 * s.length) {
      // Near the end, or non-ASCII text: grow only when this string really does not fit.
      const bytes = Buffer.byteLength(s);
      if (out.length - offset < bytes) {
        const bigger = Buffer.allocUnsafe(Math.max(Math.ceil(out.length * 1.5), offset + bytes));
        out.copy(bigger, 0, 0, offset);
        out = bigger;
      }
    }
    offset += (out as Utf8Writable).utf8Write(s, offset);
  }
  out.writeUInt32LE(count, FRAME_PREFIX);
  done(from + count);
  return out.subarray(0, offset);
}

/** Appends the strings of one frame to `out` from index `filled`; returns the new fill. */
function decodeStrings(data: Buffer, out: string[], filled: number): number {
  if (data.length < 4) throw truncated();
  const count = data.readUInt32LE(0);
  const head = 4 + 4 * count;
  if (count === 0 || data.length < head || filled + count > out.length) throw truncated();
  const text = data.toString('utf8', head);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const end = offset + data.readUInt32LE(4 + 4 * i);
    out[filled + i] = text.slice(offset, end);
    offset = end;
  }
  if (offset !== text.length) throw truncated();
  return filled + count;
}

function truncated(): SluiceError {
  return new SluiceError('CHECKPOINT_INVALID', 'a keyed state snapshot is truncated or corrupt: its frames do not add up');
}
