// The LevelDB value of a state entry: a flags byte, the TTL timestamp if any, and the msgpackr-encoded value.

import { Packr } from 'msgpackr';
import { SluiceError } from '../../core/errors.ts';
import type { CanonicalKey } from '../key-context.ts';
import { maxPartSize, readPart, writePart } from './key-codec.ts';
import type { Key } from '../key-group.ts';
import type { Namespace } from '../state.ts';

const HAS_TIMESTAMP = 1;
const HAS_ORIGINALS = 2;
const PRIMITIVE = 4;

/**
 * Layout: `[flags: u8][timestamp: f64, if flags & 1][body]`. The body is the value in its stored form (a list's
 * array, a map's `[key, value]` pairs), msgpackr-encoded; with flags & 2 it is `[value, key, namespace]`, carrying
 * the original form of a composite key or namespace, whose LevelDB key holds only the canonical string. A string,
 * number, bigint or boolean value is written without msgpackr (flags & 4, the key codec's part encoding): most
 * state values are counters, and msgpackr's per-call overhead would dominate. The timestamp sits before the body
 * so snapshot cleanup can test expiry without decoding the value. (-0 is stored as 0, as msgpackr does.)
 */
export interface DecodedValue {
  /** The stored form of the value. */
  readonly data: unknown;
  /** The TTL timestamp; undefined when the entry was written without TTL. */
  readonly timestamp: number | undefined;
  /** Original key and namespace, when the entry carries them (composite key or namespace). */
  readonly originals: readonly [key: Key | undefined, namespace: Namespace] | undefined;
}

/**
 * Encodes and decodes values (and snapshot metadata) with msgpackr as the channels do: plain objects as records
 * (so they decode as objects while msgpack maps decode as Maps, `mapsAsObjects: false`), Map/Set/Date/typed arrays
 * intact (`moreTypes`), bigint as an extension. Every encoded value is self-describing (its record definitions
 * travel with it).
 */
export class ValueCodec {
  readonly #packr = new Packr({ useRecords: true, moreTypes: true, useBigIntExtension: true, mapsAsObjects: false });

  /** Encodes a value; `timestamp` undefined for state without TTL; `originals` for composite keys/namespaces. */
  encode(data: unknown, timestamp: number | undefined, originals: readonly [Key | undefined, Namespace] | undefined): Buffer {
    const header = timestamp === undefined ? 1 : 9;
    let out: Buffer;
    let flags = (timestamp === undefined ? 0 : HAS_TIMESTAMP) | (originals === undefined ? 0 : HAS_ORIGINALS);
    const type = typeof data;
    if (originals === undefined && (type === 'number' || type === 'string' || type === 'boolean' || type === 'bigint')) {
      flags |= PRIMITIVE;
      const buffer = Buffer.allocUnsafe(header + maxPartSize(data as CanonicalKey));
      const end = writePart(buffer, header, data as CanonicalKey);
      out = end === buffer.length ? buffer : buffer.subarray(0, end);
    } else {
      const body = this.pack(originals === undefined ? data : [data, originals[0], originals[1]]);
      out = Buffer.allocUnsafe(header + body.length);
      out.set(body, header);
    }
    out[0] = flags;
    if (timestamp !== undefined) out.writeDoubleBE(timestamp, 1);
    return out;
  }

  decode(bytes: Uint8Array): DecodedValue {
    const flags = bytes[0]!;
    const view = asBuffer(bytes);
    const timestamp = (flags & HAS_TIMESTAMP) !== 0 ? view.readDoubleBE(1) : undefined;
    const start = timestamp === undefined ? 1 : 9;
    if ((flags & PRIMITIVE) !== 0) return { data: readPart(view, { pos: start }), timestamp, originals: undefined };
    const body = this.unpack(view.subarray(start));
    if ((flags & HAS_ORIGINALS) === 0) return { data: body, timestamp, originals: undefined };
    const [data, key, namespace] = body as [unknown, Key | undefined, Namespace | undefined];
    return { data, timestamp, originals: [key, namespace ?? null] };
  }

  /** Whether an encoded value carries the original key and namespace (composite ones). */
  hasOriginals(bytes: Uint8Array): boolean {
    return (bytes[0]! & HAS_ORIGINALS) !== 0;
  }

  /** The TTL timestamp of an encoded value, without decoding it (undefined when written without TTL). */
  timestampOf(bytes: Uint8Array): number | undefined {
    return (bytes[0]! & HAS_TIMESTAMP) !== 0 ? asBuffer(bytes).readDoubleBE(1) : undefined;
  }

  /** msgpackr-encodes any plain data (the returned bytes stay valid; msgpackr does not reuse them). */
  pack(value: unknown): Buffer {
    try {
      return this.#packr.pack(value);
    } catch (error) {
      throw new SluiceError(
        'SERIALIZATION_FAILED',
        `a state value could not be encoded for LevelDB: ${(error as Error).message}. Keyed state values must be ` +
          `plain data (objects, arrays, strings, numbers, bigint, Date, Map, Set, typed arrays).`,
        { cause: error },
      );
    }
  }

  unpack(bytes: Uint8Array): unknown {
    return this.#packr.unpack(bytes);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
