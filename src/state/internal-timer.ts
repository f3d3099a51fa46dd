// A registered timer: the (key, namespace) it fires for and when.

import type { Key } from './key-group.ts';
import type { CanonicalKey } from './key-context.ts';
import type { Namespace } from './state.ts';

/** What a fired timer tells the operator (Flink's `InternalTimer`). */
export interface InternalTimer {
  readonly timestamp: number;
  readonly key: Key;
  readonly namespace: Namespace;
}

/** Called for each firing timer, with the backend's current key already set to the timer's key. */
export type TimerCallback = (timer: InternalTimer) => void;

/** A timer as a priority queue holds it: with its dedup id, key group and position in the heap. */
export class TimerEntry implements InternalTimer {
  /** Position in the heap array; -1 when not queued. */
  heapIndex = -1;

  constructor(
    readonly timestamp: number,
    readonly key: Key,
    readonly canonicalKey: CanonicalKey,
    readonly namespace: Namespace,
    /** Index of the key group within the timer service's range. */
    readonly keyGroupIndex: number,
    /** Identity of (key, namespace, timestamp), for deduplication. */
    readonly id: string,
  ) {}
}

/** The dedup identity of (key, namespace, timestamp); string keys are length-prefixed so ids never collide. */
export function timerId(key: CanonicalKey, namespaceKey: CanonicalKey | undefined, timestamp: number): string {
  return `${encode(key)}|${namespaceKey === undefined ? 'v' : encode(namespaceKey)}|${timestamp}`;
}

function encode(k: CanonicalKey): string {
  switch (typeof k) {
    case 'string':
      return `s${k.length}:${k}`;
    case 'number':
      return `n${k}`;
    case 'bigint':
      return `b${k}`;
    default:
      return k ? 't' : 'f';
  }
}
