// A new base from the last chain's files and the in-memory changes since: a k-way merge, no LevelDB scan.

import { keyGroupOf } from './key-codec.ts';
import type { ChangeSet } from './incremental-checkpoint-chain.ts';
import type { EntriesFileReader, EntriesFileWriter } from './snapshot-file.ts';

/** Sorted entries of one source (value undefined: deleted). */
export interface SortedEntries {
  keys: Buffer[];
  values: (Buffer | undefined)[];
}

/** Entries merged between two yields to the event loop, so records keep flowing during a long merge. */
const YIELD_EVERY = 20_000;

/**
 * The distinct keys of the segments, in LevelDB key order, each with its latest value (later segments, and later
 * positions within a segment, win).
 *
 * Sorted by V8's native string sort (~4x faster than a comparator calling Buffer.compare, and no Map): each key
 * becomes a latin1 string (one char per byte, so string order is byte order) followed by a NUL and its position
 * in four chars, so the copies of a key sort together, oldest first. A key that is a prefix of another followed by
 * a NUL byte could sort out of place; state keys never are (every key part starts with a non-zero tag), and a
 * check of the result falls back to a Map for such keys.
 */
export function distinctChanges(segments: readonly ChangeSet[]): SortedEntries {
  const allKeys: Buffer[] = [];
  const allValues: (Buffer | undefined)[] = [];
  let bytes = 0;
  for (const segment of segments) {
    for (let i = 0; i < segment.keys.length; i++) {
      allKeys.push(segment.keys[i]!);
      allValues.push(segment.values[i]);
      bytes += segment.keys[i]!.length + 5;
    }
  }
  const n = allKeys.length;
  if (n >= 0x100000000) return distinctChangesByMap(allKeys, allValues);
  // All tagged keys in one buffer, read back as flat strings, bucketed by key group (the first two bytes) so that
  // each sort is small and stays in the CPU caches.
  const tagged = Buffer.allocUnsafe(bytes);
  const buckets: string[][] = [];
  let pos = 0;
  for (let g = 0; g < n; g++) {
    const start = pos;
    pos += allKeys[g]!.copy(tagged, pos);
    tagged[pos] = 0;
    tagged.writeUInt32BE(g, pos + 1);
    pos += 5;
    const length = pos - 5 - start;
    const group = length >= 2 ? (tagged[start]! << 8) | tagged[start + 1]! : length === 1 ? tagged[start]! << 8 : 0;
    (buckets[group] ??= []).push(tagged.toString('latin1', start, pos));
  }
  const strings: string[] = [];
  for (const bucket of buckets) {
    if (bucket === undefined) continue;
    bucket.sort();
    for (let i = 0; i < bucket.length; i++) strings.push(bucket[i]!);
  }
  // The walk reads the sorted strings only (the buffers lie all over the heap: reading them here is slow).
  const keys: Buffer[] = [];
  const values: (Buffer | undefined)[] = [];
  let previous: string | undefined;
  for (let i = 0; i < n; i++) {
    const s = strings[i]!;
    const length = s.length - 5;
    const next = strings[i + 1];
    // Copies of one key are adjacent, oldest first: keep the last.
    if (next !== undefined && next.length === s.length && samePrefix(s, next, length)) continue;
    // Out of order only if this key is a prefix of the previous one, which goes on with a NUL byte.
    if (previous !== undefined && length < previous.length - 5 && previous.charCodeAt(length) === 0 && samePrefix(s, previous, length)) {
      return distinctChangesByMap(allKeys, allValues);
    }
    const g = indexOf(s);
    keys.push(allKeys[g]!);
    values.push(allValues[g]);
    previous = s;
  }
  return { keys, values };
}

function samePrefix(a: string, b: string, length: number): boolean {
  for (let i = 0; i < length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

function indexOf(tagged: string): number {
  const n = tagged.length;
  return ((tagged.charCodeAt(n - 4) << 24) | (tagged.charCodeAt(n - 3) << 16) | (tagged.charCodeAt(n - 2) << 8) | tagged.charCodeAt(n - 1)) >>> 0;
}

/** `distinctChanges` for any keys: the latest position of each key by a Map, then a comparator sort. */
function distinctChangesByMap(allKeys: readonly Buffer[], allValues: readonly (Buffer | undefined)[]): SortedEntries {
  const latest = new Map<string, number>();
  for (let g = 0; g < allKeys.length; g++) latest.set(allKeys[g]!.toString('latin1'), g);
  const order = [...latest.values()].sort((a, b) => Buffer.compare(allKeys[a]!, allKeys[b]!));
  return { keys: order.map((g) => allKeys[g]!), values: order.map((g) => allValues[g]) };
}

/** Merges two sorted sources; on equal keys `newer` wins. */
export function mergeSorted(older: SortedEntries, newer: SortedEntries): SortedEntries {
  if (older.keys.length === 0) return newer;
  if (newer.keys.length === 0) return older;
  const keys: Buffer[] = [];
  const values: (Buffer | undefined)[] = [];
  let i = 0;
  let j = 0;
  while (i < older.keys.length && j < newer.keys.length) {
    const c = Buffer.compare(older.keys[i]!, newer.keys[j]!);
    if (c < 0) {
      keys.push(older.keys[i]!);
      values.push(older.values[i++]);
    } else {
      if (c === 0) i++;
      keys.push(newer.keys[j]!);
      values.push(newer.values[j++]);
    }
  }
  for (; i < older.keys.length; i++) {
    keys.push(older.keys[i]!);
    values.push(older.values[i]);
  }
  for (; j < newer.keys.length; j++) {
    keys.push(newer.keys[j]!);
    values.push(newer.values[j]);
  }
  return { keys, values };
}

/**
 * Adds to `out` the state the chain `files` (base first, then deltas) plus `changes` (sorted, distinct, newest)
 * describe, for the key groups in [start, end]: later sources win, deletions and entries `keep` refuses are left
 * out. Every file's state ids must be the writer's (the caller checks).
 */
export async function mergeChain(
  files: readonly EntriesFileReader[],
  changes: SortedEntries,
  start: number,
  end: number,
  out: EntriesFileWriter,
  keep: (key: Buffer, value: Buffer) => boolean,
): Promise<void> {
  // Chunk index per key group, per file.
  const chunkIndex = files.map((f) => {
    const m = new Map<number, number>();
    f.header.groups.forEach(([group], i) => m.set(group, i));
    return m;
  });
  const groups = new Set<number>();
  for (const f of files) for (const [group] of f.header.groups) if (group >= start && group <= end) groups.add(group);
  for (const key of changes.keys) {
    const group = keyGroupOf(key);
    if (group >= start && group <= end) groups.add(group);
  }
  let c = 0; // cursor into changes (sorted: key groups are contiguous and ascending)
  let sinceYield = 0;
  for (const group of [...groups].sort((a, b) => a - b)) {
    let merged: SortedEntries = { keys: [], values: [] };
    for (let f = 0; f < files.length; f++) {
      const index = chunkIndex[f]!.get(group);
      if (index !== undefined) merged = mergeSorted(merged, await files[f]!.groupEntries(index));
    }
    while (c < changes.keys.length && keyGroupOf(changes.keys[c]!) < group) c++;
    const from = c;
    while (c < changes.keys.length && keyGroupOf(changes.keys[c]!) === group) c++;
    if (c > from) merged = mergeSorted(merged, { keys: changes.keys.slice(from, c), values: changes.values.slice(from, c) });
    for (let i = 0; i < merged.keys.length; i++) {
      const value = merged.values[i];
      if (value !== undefined && keep(merged.keys[i]!, value)) out.add(merged.keys[i]!, value);
    }
    sinceYield += merged.keys.length;
    if (sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
