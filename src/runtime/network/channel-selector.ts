// Partitioners: which of a producer's output channels a record goes to (Flink's StreamPartitioner family).

import { IllegalArgumentError } from '../../core/errors.ts';
import type { ShipStrategy } from '../../graph/stream-graph.ts';
import { assignToKeyGroup, computeOperatorIndexForKeyGroup } from '../../state/key-group.ts';

export interface ChannelSelector<T> {
  /** True when every record goes to every channel. */
  readonly isBroadcast: boolean;
  selectChannel(value: T): number;
}

/** Forward and global: always the first channel (forward has exactly one; global's first is subtask 0). */
class FirstChannel<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  selectChannel(): number {
    return 0;
  }
}

/** Rebalance and rescale: round robin, starting at a random channel as Flink does. */
class RoundRobin<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  #next: number;
  constructor(private readonly n: number) {
    this.#next = Math.floor(Math.random() * n);
  }
  selectChannel(): number {
    const c = this.#next;
    this.#next = c + 1 === this.n ? 0 : c + 1;
    return c;
  }
}

class Shuffle<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  constructor(private readonly n: number) {}
  selectChannel(): number {
    return Math.floor(Math.random() * this.n);
  }
}

class Broadcast<T> implements ChannelSelector<T> {
  readonly isBroadcast = true;
  selectChannel(): number {
    return 0;
  }
}

/** keyBy: key -> key group (with the consumer's max parallelism) -> consumer subtask. */
class KeyGroupSelector<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  constructor(
    private readonly key: (value: T) => unknown,
    private readonly n: number,
    private readonly maxParallelism: number,
  ) {}
  selectChannel(value: T): number {
    if (this.n === 1) return 0;
    const keyGroup = assignToKeyGroup(this.key(value), this.maxParallelism);
    return computeOperatorIndexForKeyGroup(this.maxParallelism, this.n, keyGroup);
  }
}

class Custom<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  constructor(
    private readonly partitioner: { partition(key: unknown, n: number): number; key(value: T): unknown },
    private readonly n: number,
  ) {}
  selectChannel(value: T): number {
    const c = this.partitioner.partition(this.partitioner.key(value), this.n);
    if (!Number.isInteger(c) || c < 0 || c >= this.n) {
      throw new IllegalArgumentError(`custom partitioner returned ${c}; it must return a channel from 0 to ${this.n - 1}`);
    }
    return c;
  }
}

/**
 * The selector for an edge. `partitioner` is the edge's live function: a key selector (HASH) or
 * `{ partition, key }` (CUSTOM).
 */
export function createChannelSelector<T>(
  ship: ShipStrategy,
  numberOfChannels: number,
  partitioner: unknown,
  consumerMaxParallelism: number,
): ChannelSelector<T> {
  switch (ship) {
    case 'FORWARD':
    case 'GLOBAL':
      return new FirstChannel<T>();
    case 'REBALANCE':
    case 'RESCALE':
      return numberOfChannels === 1 ? new FirstChannel<T>() : new RoundRobin<T>(numberOfChannels);
    case 'SHUFFLE':
      return new Shuffle<T>(numberOfChannels);
    case 'BROADCAST':
      return new Broadcast<T>();
    case 'HASH':
      return new KeyGroupSelector<T>(partitioner as (value: T) => unknown, numberOfChannels, consumerMaxParallelism);
    case 'CUSTOM':
      return new Custom<T>(
        partitioner as { partition(key: unknown, n: number): number; key(value: T): unknown },
        numberOfChannels,
      );
  }
}

/** Forward and rescale connect subtasks pointwise; every other strategy connects all to all. */
export function isPointwise(ship: ShipStrategy): boolean {
  return ship === 'FORWARD' || ship === 'RESCALE';
}

/**
 * The (producer, consumer) subtask pairs of an edge, as Flink's EdgeManagerBuildUtil connects them: all pairs
 * for all-to-all; for pointwise, each producer feeds a contiguous range of consumers (or the reverse).
 */
export function connections(ship: ShipStrategy, producers: number, consumers: number): [number, number][] {
  const pairs: [number, number][] = [];
  if (!isPointwise(ship)) {
    for (let p = 0; p < producers; p++) for (let c = 0; c < consumers; c++) pairs.push([p, c]);
  } else if (producers === consumers) {
    for (let i = 0; i < producers; i++) pairs.push([i, i]);
  } else if (producers < consumers) {
    // Flink rounds up here (EdgeManagerBuildUtil.connectPointwise): 2 -> 3 is {0,1} and {2}.
    for (let p = 0; p < producers; p++) {
      const start = Math.floor((p * consumers + producers - 1) / producers);
      const end = Math.floor(((p + 1) * consumers + producers - 1) / producers);
      for (let c = start; c < end; c++) pairs.push([p, c]);
    }
  } else {
    for (let c = 0; c < consumers; c++) {
      const start = Math.floor((c * producers) / consumers);
      const end = Math.floor(((c + 1) * producers) / consumers);
      for (let p = start; p < end; p++) pairs.push([p, c]);
    }
  }
  return pairs;
}
