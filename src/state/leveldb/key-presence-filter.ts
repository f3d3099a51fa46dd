// A growing Bloom filter of the keys written to LevelDB: a cache miss on a key never written needs no LevelDB read.

/** Bits per key and probes per key: about 1% false positives per filter. */
const BITS_PER_KEY = 10;
const PROBES = 7;
const FIRST_CAPACITY = 1 << 16;

/**
 * Answers "may LevelDB hold this key?" without reading it. New keys are common (new users, and every new window
 * is a new (key, namespace)), and a LevelDB read of an absent key costs several microseconds; the filter costs a
 * hash. It only grows (deleted keys stay "maybe"), as a series of Bloom filters of doubling capacity, so it never
 * needs the keys again; `clear()` empties it when the database is emptied.
 */
export class KeyPresenceFilter {
  #filters: { bits: Uint32Array; mask: number; capacity: number; size: number }[] = [];

  constructor() {
    this.clear();
  }

  /** Records that `key` may be in LevelDB. */
  add(key: Uint8Array): void {
    let current = this.#filters[this.#filters.length - 1]!;
    if (current.size >= current.capacity) {
      current = newFilter(current.capacity * 2);
      this.#filters.push(current);
    }
    current.size++;
    const h1 = fnv1a(key);
    const h2 = mix(h1) | 1;
    const bits = current.bits;
    for (let i = 0, h = h1; i < PROBES; i++, h = (h + h2) | 0) {
      const bit = h & current.mask;
      bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** False when `key` was certainly never added. */
  mayContain(key: Uint8Array): boolean {
    const h1 = fnv1a(key);
    const h2 = mix(h1) | 1;
    for (const f of this.#filters) {
      if (f.size === 0) continue;
      let all = true;
      for (let i = 0, h = h1; i < PROBES; i++, h = (h + h2) | 0) {
        const bit = h & f.mask;
        if ((f.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  /** Forgets every key. */
  clear(): void {
    this.#filters = [newFilter(FIRST_CAPACITY)];
  }
}

function newFilter(capacity: number): { bits: Uint32Array; mask: number; capacity: number; size: number } {
  let bitCount = 1;
  while (bitCount < capacity * BITS_PER_KEY) bitCount *= 2;
  return { bits: new Uint32Array(bitCount >>> 5), mask: bitCount - 1, capacity, size: 0 };
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
