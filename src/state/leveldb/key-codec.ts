// The LevelDB key of a state entry: key group, state id, canonical key, namespace, so a key-group range is one key range.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { CanonicalKey } from '../key-context.ts';

/**
 * Layout (all big-endian):
 *
 * ```
 * [key group: u16][state id: u16][key part][namespace part, absent for the void namespace]
 * part = 0x01 varint(n) utf8[n]      string
 *      | 0x02 f64                    number (-0 stored as 0)
 *      | 0x03 varint(n) ascii[n]     bigint, decimal
 *      | 0x04 | 0x05                 true | false
 * ```
 *
 * The key group comes first, so the entries of a key-group range are one contiguous LevelDB range (a restore at
 * another parallelism takes its key groups by range scan); each part is self-delimiting, so the key and the
 * namespace split unambiguously. Composite keys and namespaces are stored by their canonical string (see
 * `canonicalKey`); their original form travels in the value.
 */
export const KEY_PREFIX_BYTES = 4;

const STRING = 0x01;
const NUMBER = 0x02;
const BIGINT = 0x03;
const TRUE = 0x04;
const FALSE = 0x05;

/** The largest state id a key can hold. */
export const MAX_STATE_ID = 0xffff;

/** Encodes the LevelDB key of (key group, state, key, namespace); `namespaceKey` undefined is the void namespace. */
export function encodeStateKey(
  keyGroup: number,
  stateId: number,
  key: CanonicalKey,
  namespaceKey: CanonicalKey | undefined,
): Buffer {
  const size = KEY_PREFIX_BYTES + maxPartSize(key) + (namespaceKey === undefined ? 0 : maxPartSize(namespaceKey));
  const out = Buffer.allocUnsafe(size);
  out[0] = keyGroup >>> 8;
  out[1] = keyGroup & 0xff;
  out[2] = stateId >>> 8;
  out[3] = stateId & 0xff;
  let pos = writePart(out, KEY_PREFIX_BYTES, key);
  if (namespaceKey !== undefined) pos = writePart(out, pos, namespaceKey);
  return pos === size ? out : out.subarray(0, pos);
}

/** The first key of a key group (inclusive lower bound of its range). */
export function keyGroupStart(keyGroup: number): Buffer {
  return Buffer.from([keyGroup >>> 8, keyGroup & 0xff]);
}

/** The key group of an encoded key. */
export function keyGroupOf(key: Uint8Array): number {
  return (key[0]! << 8) | key[1]!;
}

/** The state id of an encoded key. */
export function stateIdOf(key: Uint8Array): number {
  return (key[2]! << 8) | key[3]!;
}

/** Overwrites the state id of an encoded key in place (restore maps a file's ids to this backend's). */
export function setStateId(key: Uint8Array, stateId: number): void {
  key[2] = stateId >>> 8;
  key[3] = stateId & 0xff;
}

/** The parts of an encoded key. */
export interface DecodedStateKey {
  readonly keyGroup: number;
  readonly stateId: number;
  readonly key: CanonicalKey;
  /** Undefined for the void namespace. */
  readonly namespaceKey: CanonicalKey | undefined;
}

/** Decodes a key written by `encodeStateKey`. */
export function decodeStateKey(bytes: Buffer): DecodedStateKey {
  const cursor = { pos: KEY_PREFIX_BYTES };
  const key = readPart(bytes, cursor);
  const namespaceKey = cursor.pos < bytes.length ? readPart(bytes, cursor) : undefined;
  return { keyGroup: keyGroupOf(bytes), stateId: stateIdOf(bytes), key, namespaceKey };
}

/** The bytes after the key part (the encoded namespace part; empty for the void namespace). */
export function namespacePartOf(bytes: Buffer): Buffer {
  return bytes.subarray(KEY_PREFIX_BYTES + partLength(bytes, KEY_PREFIX_BYTES));
}

/** The encoded namespace part of a canonical namespace (empty for the void namespace). */
export function encodeNamespacePart(namespaceKey: CanonicalKey | undefined): Buffer {
  if (namespaceKey === undefined) return Buffer.alloc(0);
  const out = Buffer.allocUnsafe(maxPartSize(namespaceKey));
  return out.subarray(0, writePart(out, 0, namespaceKey));
}

/** Upper bound of the bytes `writePart` writes for `k`. */
export function maxPartSize(k: CanonicalKey): number {
  switch (typeof k) {
    case 'string':
      return 6 + k.length * 3;
    case 'number':
      return 9;
    case 'bigint':
      return 6 + k.toString().length;
    default:
      return 1;
  }
}

/** Writes `k` as a self-delimiting part at `pos`; returns the position after it. */
export function writePart(out: Buffer, pos: number, k: CanonicalKey): number {
  switch (typeof k) {
    case 'string': {
      out[pos] = STRING;
      // Reserve 5 varint bytes, write the string, then move it back if its length took fewer.
      const written = out.write(k, pos + 6, 'utf8');
      const lenBytes = varintSize(written);
      if (lenBytes !== 5) out.copy(out, pos + 1 + lenBytes, pos + 6, pos + 6 + written);
      writeVarint(out, pos + 1, written);
      return pos + 1 + lenBytes + written;
    }
    case 'number':
      out[pos] = NUMBER;
      out.writeDoubleBE(k === 0 ? 0 : k, pos + 1);
      return pos + 9;
    case 'bigint': {
      const text = k.toString();
      out[pos] = BIGINT;
      const lenBytes = writeVarint(out, pos + 1, text.length);
      out.write(text, pos + 1 + lenBytes, 'latin1');
      return pos + 1 + lenBytes + text.length;
    }
    case 'boolean':
      out[pos] = k ? TRUE : FALSE;
      return pos + 1;
    default:
      throw new IllegalArgumentError(`a canonical key must be a string, number, bigint or boolean, got ${typeof k}`);
  }
}

/** Reads the part at `cursor.pos` and moves the cursor past it. */
export function readPart(bytes: Buffer, cursor: { pos: number }): CanonicalKey {
  const pos = cursor.pos;
  switch (bytes[pos]) {
    case STRING: {
      const [len, n] = readVarint(bytes, pos + 1);
      const start = pos + 1 + n;
      cursor.pos = start + len;
      return bytes.toString('utf8', start, start + len);
    }
    case NUMBER:
      cursor.pos = pos + 9;
      return bytes.readDoubleBE(pos + 1);
    case BIGINT: {
      const [len, n] = readVarint(bytes, pos + 1);
      const start = pos + 1 + n;
      cursor.pos = start + len;
      return BigInt(bytes.toString('latin1', start, start + len));
    }
    case TRUE:
      cursor.pos = pos + 1;
      return true;
    case FALSE:
      cursor.pos = pos + 1;
      return false;
    default:
      throw new IllegalArgumentError(`not a LevelDB state key: unknown part tag ${String(bytes[pos])} at byte ${pos}`);
  }
}

function partLength(bytes: Buffer, pos: number): number {
  const cursor = { pos };
  readPart(bytes, cursor);
  return cursor.pos - pos;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n >>>= 7;
    size++;
  }
  return size;
}

function writeVarint(out: Buffer, pos: number, n: number): number {
  let i = 0;
  while (n >= 0x80) {
    out[pos + i++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[pos + i++] = n;
  return i;
}

function readVarint(bytes: Buffer, pos: number): [value: number, size: number] {
  let value = 0;
  let shift = 0;
  let i = 0;
  for (;;) {
    const b = bytes[pos + i++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, i];
    shift += 7;
  }
}
