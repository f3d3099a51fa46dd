// Key groups: key -> stable hash -> key group -> subtask, with Flink's formulas (architecture decision 5).
//
// The hash of a key follows Java's hashCode for the matching Java type (String, Integer, Long, Double, Boolean,
// Tuple), then Flink's murmur finaliser, so a string or integer key lands in the same key group as in Flink.

import { IllegalArgumentError } from '../core/errors.ts';

/** A key a KeySelector may return: primitives, Dates, and arrays (tuples) or plain objects of them. */
export type Key = string | number | bigint | boolean | Date | readonly Key[] | { readonly [field: string]: Key };

const UPPER_BOUND_MAX_PARALLELISM = 1 << 15;
const DEFAULT_LOWER_BOUND_MAX_PARALLELISM = 1 << 7;

/** Flink's default: max(128, roundUpToPowerOfTwo(p + p/2)), at most 32768. */
export function computeDefaultMaxParallelism(parallelism: number): number {
  const wanted = roundUpToPowerOfTwo(parallelism + Math.floor(parallelism / 2));
  return Math.min(Math.max(wanted, DEFAULT_LOWER_BOUND_MAX_PARALLELISM), UPPER_BOUND_MAX_PARALLELISM);
}

function roundUpToPowerOfTwo(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** Java's hashCode of the key as Flink would see it (see the file comment). */
export function keyHashCode(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return stringHashCode(key);
    case 'number':
      return numberHashCode(key);
    case 'bigint':
      return longHashCode(BigInt.asIntN(64, key));
    case 'boolean':
      return key ? 1231 : 1237;
    case 'object':
      if (key === null) break;
      if (key instanceof Date) return longHashCode(BigInt(key.getTime()));
      if (Array.isArray(key)) {
        let h = 0;
        for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + keyHashCode(key[i])) | 0;
        return h;
      }
      return stringHashCode(canonicalKey(key) as string);
    default:
      break;
  }
  throw new IllegalArgumentError(
    `a key must be a string, number, bigint, boolean, Date, or an array/object of those; got ${String(key)}. ` +
      `Check the key selector passed to keyBy().`,
  );
}

function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function numberHashCode(n: number): number {
  if (Number.isInteger(n)) {
    if (n >= -2147483648 && n <= 2147483647) return n | 0; // Integer.hashCode
    if (Number.isSafeInteger(n)) return longHashCode(BigInt(n)); // Long.hashCode
  }
  f64[0] = Number.isNaN(n) ? NaN : n; // Double.hashCode: bits ^ (bits >>> 32)
  return (u32[0]! ^ u32[1]!) | 0;
}

function longHashCode(v: bigint): number {
  const lo = Number(BigInt.asIntN(32, v));
  const hi = Number(BigInt.asIntN(32, v >> 32n));
  return (lo ^ hi) | 0;
}

/** Flink's MathUtils.murmurHash: a non-negative, well-mixed int from a hash code. */
export function murmurHash(code: number): number {
  code = Math.imul(code, 0xcc9e2d51);
  code = (code << 15) | (code >>> 17);
  code = Math.imul(code, 0x1b873593);
  code = (code << 13) | (code >>> 19);
  code = (Math.imul(code, 5) + 0xe6546b64) | 0;
  code ^= 4;
  code ^= code >>> 16;
  code = Math.imul(code, 0x85ebca6b);
  code ^= code >>> 13;
  code = Math.imul(code, 0xc2b2ae35);
  code ^= code >>> 16;
  if (code >= 0) return code;
  if (code !== -2147483648) return -code;
  return 0;
}

export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  return murmurHash(keyHashCode(key)) % maxParallelism;
}

export function computeOperatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

export function assignKeyToParallelOperator(key: unknown, maxParallelism: number, parallelism: number): number {
  return computeOperatorIndexForKeyGroup(maxParallelism, parallelism, assignToKeyGroup(key, maxParallelism));
}

/** An inclusive range of key groups, the unit keyed state is snapshotted and redistributed in. */
export class KeyGroupRange {
  constructor(
    readonly startKeyGroup: number,
    readonly endKeyGroup: number,
  ) {}

  static forOperator(maxParallelism: number, parallelism: number, operatorIndex: number): KeyGroupRange {
    const start = Math.floor((operatorIndex * maxParallelism + parallelism - 1) / parallelism);
    const end = Math.floor(((operatorIndex + 1) * maxParallelism - 1) / parallelism);
    return new KeyGroupRange(start, end);
  }

  contains(keyGroup: number): boolean {
    return keyGroup >= this.startKeyGroup && keyGroup <= this.endKeyGroup;
  }

  get numberOfKeyGroups(): number {
    return Math.max(0, this.endKeyGroup - this.startKeyGroup + 1);
  }
}

/**
 * The value keyed state is stored under: primitives as they are; arrays, objects and Dates as a canonical
 * string, so two equal composite keys address the same state (a Map would compare them by identity).
 */
export function canonicalKey(key: unknown): string | number | bigint | boolean {
  switch (typeof key) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return key;
    default:
      return '\u0001' + canonicalJson(key);
  }
}

function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return `D${value.getTime()}`;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const fields = Object.keys(value).sort();
  return `{${fields.map((f) => `${JSON.stringify(f)}:${canonicalJson((value as Record<string, unknown>)[f])}`).join(',')}}`;
}
