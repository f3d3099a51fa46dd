// Barrier handling of a task's inputs: EXACTLY_ONCE aligns (a channel that delivered barrier n is blocked until
// every live channel has), AT_LEAST_ONCE only tracks (the checkpoint starts at the last barrier, nothing blocks).

import type { CheckpointBarrier } from '../core/stream-element.ts';

/** What the handler drives: blocking channels of the input gate, and the task's snapshot. */
export interface BarrierHandlerTarget {
  block(channel: number): void;
  unblockAll(): void;
  /** All barriers of `barrier.checkpointId` are in: snapshot now, then forward the barrier. */
  triggerCheckpoint(barrier: CheckpointBarrier, alignmentMs: number): void;
  /** A checkpoint was given up on this task (a newer barrier overtook it). */
  abortCheckpoint(checkpointId: number): void;
}

export class CheckpointBarrierHandler {
  readonly #ended: boolean[];
  /** The checkpoint being aligned or tracked; -1 when none. */
  #current = -1;
  #barrier: CheckpointBarrier | undefined;
  readonly #seen: boolean[];
  #seenCount = 0;
  #alignmentStart = 0;
  /** The newest checkpoint triggered (barriers of older ones are ignored). */
  #lastTriggered = -1;
  /** Checkpoints this task gave up (declined once). */
  readonly #aborted = new Set<number>();

  constructor(
    numChannels: number,
    private readonly aligned: boolean,
    private readonly target: BarrierHandlerTarget,
    private readonly now: () => number,
  ) {
    this.#ended = Array.from({ length: numChannels }, () => false);
    this.#seen = Array.from({ length: numChannels }, () => false);
  }

  /** Whether a checkpoint is being aligned (channels may be blocked). */
  get isAligning(): boolean {
    return this.#current >= 0;
  }

  processBarrier(barrier: CheckpointBarrier, channel: number): void {
    const id = barrier.checkpointId;
    if (id === this.#lastTriggered) return; // a later channel's barrier of the checkpoint just taken
    if (id < this.#lastTriggered || (this.#current >= 0 && id < this.#current)) {
      // An older checkpoint, overtaken by a newer one on this task: it cannot complete here; say so once.
      this.#abortOnce(id);
      return;
    }
    if (id > this.#current) {
      if (this.#current >= 0) {
        // A newer checkpoint overtook the one in progress: give that one up (Flink does the same).
        this.#abortOnce(this.#current);
        this.#reset();
      }
      this.#current = id;
      this.#barrier = barrier;
      this.#alignmentStart = this.now();
    }
    if (!this.#seen[channel]) {
      this.#seen[channel] = true;
      this.#seenCount++;
      if (this.aligned) this.target.block(channel);
    }
    this.#maybeComplete();
  }

  /** A channel delivered its end: it will send no barrier, so alignment no longer waits for it. */
  endOfChannel(channel: number): void {
    if (this.#ended[channel]) return;
    this.#ended[channel] = true;
    if (this.#current >= 0) this.#maybeComplete();
  }

  #maybeComplete(): void {
    for (let c = 0; c < this.#seen.length; c++) if (!this.#seen[c] && !this.#ended[c]) return;
    const barrier = this.#barrier!;
    const alignment = this.now() - this.#alignmentStart;
    this.#lastTriggered = barrier.checkpointId;
    this.#reset();
    this.target.triggerCheckpoint(barrier, alignment);
  }

  #abortOnce(id: number): void {
    if (this.#aborted.has(id)) return;
    this.#aborted.add(id);
    if (this.#aborted.size > 64) this.#aborted.delete(this.#aborted.values().next().value!);
    this.target.abortCheckpoint(id);
  }

  #reset(): void {
    this.#current = -1;
    this.#barrier = undefined;
    this.#seen.fill(false);
    this.#seenCount = 0;
    if (this.aligned) this.target.unblockAll();
  }
}
