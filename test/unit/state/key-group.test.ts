// Key groups: Java-compatible key hash codes, Flink's murmur hash and key-group formulas, ranges, canonical keys.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IllegalArgumentError } from '../../../src/core/errors.ts';
import {
  KeyGroupRange,
  assignKeyToParallelOperator,
  assignToKeyGroup,
  canonicalKey,
  computeOperatorIndexForKeyGroup,
  keyHashCode,
  murmurHash,
} from '../../../src/state/key-group.ts';

// Ground truth: printed by a throwaway Java 17 program using Java's own hashCode (String, Integer, Long, Double,
// Boolean, java.util.Date, and Flink's Tuple2.hashCode = 31 * f0.hashCode() + f1.hashCode()) and a verbatim copy
// of Flink's MathUtils.murmurHash and KeyGroupRangeAssignment formulas:
//   keyGroup = murmurHash(key.hashCode()) % maxParallelism; operator = keyGroup * parallelism / maxParallelism.
// Columns: key, Java hashCode, key group @128, key group @4096, operator index @(128, p=3), @(4096, p=7).
type Row = [key: unknown, hashCode: number, kg128: number, kg4096: number, op128p3: number, op4096p7: number];

const STRINGS: Row[] = [
  ['', 0, 94, 2526, 2, 4],
  ['a', 97, 81, 3025, 1, 5],
  ['hello', 99162322, 35, 2723, 0, 4],
  ['key-42', -1134722900, 44, 3628, 1, 6],
  ['Flink', 67968320, 127, 1663, 2, 2],
  ['user_12345', 1871841983, 93, 2013, 2, 3],
  ['h\u00e9llo', 103094734, 18, 3602, 0, 6],
  ['\u65e5\u672c\u8a9e', 25921943, 27, 2587, 0, 4],
  ['\ud83d\ude00', 1772899, 54, 3254, 1, 5], // an emoji: two UTF-16 code units, as in Java
  ['a\ud83d\ude00b', 57849694, 113, 2033, 2, 3],
];

// JS integers in int range hash as java.lang.Integer.
const INTEGERS: Row[] = [
  [0, 0, 94, 2526, 2, 4],
  [1, 1, 86, 4054, 2, 6],
  [-1, -1, 80, 2896, 1, 4],
  [42, 42, 29, 3613, 0, 6],
  [123456789, 123456789, 81, 2385, 1, 4],
  [2147483647, 2147483647, 62, 3262, 1, 5],
  [-2147483648, -2147483648, 108, 2156, 2, 3],
];

// Safe integers beyond int range hash as java.lang.Long; bigints always do (wrapped to 64 bits).
const LONGS: Row[] = [
  [2147483648, -2147483648, 108, 2156, 2, 3],
  [-2147483649, -2147483648, 108, 2156, 2, 3],
  [2 ** 40, 256, 54, 3382, 1, 5],
  [Number.MAX_SAFE_INTEGER, -2097152, 73, 3273, 1, 5],
  [Number.MIN_SAFE_INTEGER, -2097151, 13, 2189, 0, 3],
  [9223372036854775807n, -2147483648, 108, 2156, 2, 3],
  [-9223372036854775808n, -2147483648, 108, 2156, 2, 3],
  [42n, 42, 29, 3613, 0, 6],
  [-1n, 0, 94, 2526, 2, 4],
];

// Non-integers, and integers beyond the safe range (2 ** 53), hash as java.lang.Double.
const DOUBLES: Row[] = [
  [1.5, 1073217536, 65, 833, 1, 1],
  [-1.5, -1074266112, 55, 1591, 1, 2],
  [0.1, -1507852285, 97, 1377, 2, 2],
  [3.141592653589793, 340593891, 75, 4043, 1, 6],
  [1e20, 1017127773, 104, 232, 2, 0],
  [2 ** 53, 1128267776, 24, 3352, 0, 5],
  [NaN, 2146959360, 41, 425, 0, 0],
  [Infinity, 2146435072, 122, 250, 2, 0],
  [-Infinity, -1048576, 78, 1614, 1, 2],
];

const OTHERS: Row[] = [
  [true, 1231, 77, 3533, 1, 6],
  [false, 1237, 3, 3331, 0, 5],
  [new Date(1700000000000), -807048821, 64, 448, 1, 0],
  // Tuple2<String, Integer> as a two-element array
  [['a', 1], 3008, 29, 1181, 0, 2],
  [['hello', 42], -1220935272, 108, 3692, 2, 6],
  [['', 0], 0, 94, 2526, 2, 4],
  [['\ud83d\ude00', -1], 54959868, 33, 1057, 0, 1],
  [['user_12345', 2147483647], 45042976, 12, 2444, 0, 4],
];

const label = (key: unknown): string =>
  typeof key === 'bigint' ? `${key}n` : key instanceof Date ? `Date(${key.getTime()})` : JSON.stringify(key) ?? String(key);

describe.each([
  ['String', STRINGS],
  ['Integer', INTEGERS],
  ['Long', LONGS],
  ['Double', DOUBLES],
  ['Boolean, Date, Tuple2', OTHERS],
] as const)('%s keys match Java + Flink', (_type, rows) => {
  it.each(rows.map((r) => [label(r[0]), ...r] as const))('%s', (_label, key, hash, kg128, kg4096, op128, op4096) => {
    expect(keyHashCode(key)).toBe(hash);
    expect(assignToKeyGroup(key, 128)).toBe(kg128);
    expect(assignToKeyGroup(key, 4096)).toBe(kg4096);
    expect(assignKeyToParallelOperator(key, 128, 3)).toBe(op128);
    expect(assignKeyToParallelOperator(key, 4096, 7)).toBe(op4096);
  });
});

describe('documented differences from Java', () => {
  it('-0 is the integer 0 (JS numbers have no int/double split; Java Double(-0.0) would hash to -2147483648)', () => {
    expect(keyHashCode(-0)).toBe(0);
    expect(assignToKeyGroup(-0, 128)).toBe(94); // as Integer 0; a Java Double -0.0 lands in key group 108
  });

  it('an integral double such as 2.0 hashes as Integer 2 (Java Double 2.0 would not)', () => {
    expect(keyHashCode(2.0)).toBe(2);
  });

  it('plain objects hash by their canonical form, independent of field order', () => {
    expect(keyHashCode({ a: 1, b: 'x' })).toBe(keyHashCode({ b: 'x', a: 1 }));
  });
});

describe('murmurHash (Flink MathUtils.murmurHash)', () => {
  it.each([
    [0, 593689054],
    [1, 68075478],
    [-1, 1982413648],
    [42, 1134849565],
    [-2147483648, 1718298732],
    [2147483647, 1653689534],
  ])('murmurHash(%i) = %i', (code, expected) => {
    expect(murmurHash(code)).toBe(expected);
  });

  it('is a non-negative int for every int input (seed 42)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (code) => {
        const h = murmurHash(code);
        return Number.isInteger(h) && h >= 0 && h <= 2147483647;
      }),
      { seed: 42 },
    );
  });
});

describe('invalid keys', () => {
  it.each([null, undefined, Symbol('k'), () => 1])('%s is rejected with a hint at the key selector', (key) => {
    expect(() => keyHashCode(key)).toThrow(IllegalArgumentError);
    expect(() => keyHashCode(key)).toThrow(/key selector/);
  });
});

describe('KeyGroupRange', () => {
  // [maxParallelism, parallelism, operatorIndex, start, end], printed by the same Java program
  // (KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex).
  it.each([
    [128, 1, 0, 0, 127],
    [128, 3, 0, 0, 42],
    [128, 3, 1, 43, 85],
    [128, 3, 2, 86, 127],
    [4096, 7, 0, 0, 585],
    [4096, 7, 6, 3511, 4095],
    [10, 4, 1, 3, 4],
    [10, 4, 3, 8, 9],
    [32768, 100, 99, 32441, 32767],
  ])('forOperator(max %i, p %i, index %i) = [%i, %i]', (max, p, i, start, end) => {
    const range = KeyGroupRange.forOperator(max, p, i);
    expect([range.startKeyGroup, range.endKeyGroup]).toEqual([start, end]);
    expect(range.numberOfKeyGroups).toBe(end - start + 1);
    expect(range.contains(start) && range.contains(end)).toBe(true);
    expect(range.contains(start - 1) || range.contains(end + 1)).toBe(false);
  });

  function checkPartition(max: number, p: number): void {
    let next = 0;
    const sizes: number[] = [];
    for (let i = 0; i < p; i++) {
      const range = KeyGroupRange.forOperator(max, p, i);
      expect(range.startKeyGroup, `max ${max} p ${p} index ${i}: no gap or overlap`).toBe(next);
      expect(range.endKeyGroup).toBeGreaterThanOrEqual(range.startKeyGroup);
      sizes.push(range.numberOfKeyGroups);
      next = range.endKeyGroup + 1;
    }
    expect(next, `max ${max} p ${p}: covers [0, max)`).toBe(max);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  }

  it.each([
    [1, 1],
    [7, 7],
    [10, 4],
    [128, 1],
    [128, 3],
    [128, 128],
    [4096, 7],
    [32768, 100],
    [32768, 32768],
  ])('forOperator ranges partition [0, %i) for parallelism %i', (max, p) => checkPartition(max, p));

  it('forOperator ranges partition [0, max) for any max and p <= max (seed 42)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32768 }).chain((max) => fc.tuple(fc.constant(max), fc.integer({ min: 1, max: Math.min(max, 300) }))),
        ([max, p]) => checkPartition(max, p),
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

const keyArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.integer({ min: -2147483648, max: 2147483647 }),
  fc.double(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.boolean(),
  fc.tuple(fc.string(), fc.integer()),
);

describe('key -> key group -> operator', () => {
  it('assignKeyToParallelOperator picks the operator whose range holds the key group (seed 42)', () => {
    fc.assert(
      fc.property(
        keyArbitrary,
        fc.integer({ min: 1, max: 32768 }).chain((max) => fc.tuple(fc.constant(max), fc.integer({ min: 1, max }))),
        (key, [max, p]) => {
          const keyGroup = assignToKeyGroup(key, max);
          const index = assignKeyToParallelOperator(key, max, p);
          expect(keyGroup).toBeGreaterThanOrEqual(0);
          expect(keyGroup).toBeLessThan(max);
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThan(p);
          expect(index).toBe(computeOperatorIndexForKeyGroup(max, p, keyGroup));
          expect(KeyGroupRange.forOperator(max, p, index).contains(keyGroup)).toBe(true);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('spreads 10,000 random strings evenly over 128 key groups (PRNG seed 42)', () => {
    const random = mulberry32(42);
    const counts = new Array<number>(128).fill(0);
    const n = 10_000;
    const distinct = new Set<string>();
    for (let i = 0; i < n; i++) {
      let s = '';
      const length = 8 + Math.floor(random() * 9); // 8..16 chars: practically no duplicates
      for (let j = 0; j < length; j++) s += String.fromCharCode(32 + Math.floor(random() * 95));
      distinct.add(s);
      counts[assignToKeyGroup(s, 128)]!++;
    }
    expect(distinct.size).toBe(n);
    const expected = n / 128;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...counts)).toBeLessThanOrEqual(125);
    // 127 degrees of freedom: the 99.9th percentile is about 181.
    expect(chiSquare).toBeLessThan(181);
  });
});

describe('canonicalKey', () => {
  it('keeps primitives as they are', () => {
    expect(canonicalKey('a')).toBe('a');
    expect(canonicalKey(42)).toBe(42);
    expect(canonicalKey(42n)).toBe(42n);
    expect(canonicalKey(true)).toBe(true);
  });

  it('makes equal composite keys equal (and their hash codes), whatever the field order (seed 42)', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.bigInt(), fc.date({ noInvalidDate: true }));
    const { key } = fc.letrec<{ key: unknown }>((tie) => ({
      key: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('key'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('key'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.oneof(fc.array(key, { minLength: 1 }), fc.dictionary(fc.string(), key, { minKeys: 1 })), (k) => {
        const copy = reverseFields(structuredClone(k));
        expect(canonicalKey(copy)).toBe(canonicalKey(k));
        expect(keyHashCode(copy)).toBe(keyHashCode(k));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it.each([
    [[1], ['1']],
    [[true], ['true']],
    [['a,b'], ['a', 'b']],
    [[[1, 2]], [1, 2]],
    [{ a: 1 }, [1]],
    [{ a: [1] }, { a: 1 }],
    [[new Date(0)], [0]],
    [[1n], [1]],
    [[Infinity], [-Infinity]],
    [[Infinity], [NaN]],
  ])('keeps different composite keys apart: %s vs %s', (a, b) => {
    expect(canonicalKey(a)).not.toBe(canonicalKey(b));
  });
});

/** A structurally equal copy whose objects list their fields in reverse order. */
function reverseFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseFields);
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(value).reverse()) out[field] = reverseFields((value as Record<string, unknown>)[field]);
  return out;
}

/** A small seeded PRNG (mulberry32), so the distribution test is deterministic. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
