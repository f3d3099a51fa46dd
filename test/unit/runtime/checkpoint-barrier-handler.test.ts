import { describe, expect, it } from 'vitest';
import { CheckpointBarrierHandler } from '../../../src/runtime/checkpoint-barrier-handler.ts';
import type { CheckpointBarrier } from '../../../src/core/stream-element.ts';

const barrier = (id: number): CheckpointBarrier => ({ kind: 'barrier', checkpointId: id, timestamp: 0, checkpointType: 'CHECKPOINT', unaligned: false });

function handler(channels: number, aligned: boolean) {
  const log: string[] = [];
  const h = new CheckpointBarrierHandler(
    channels,
    aligned,
    {
      block: (c) => log.push(`block ${c}`),
      unblockAll: () => log.push('unblock'),
      triggerCheckpoint: (b) => log.push(`trigger ${b.checkpointId}`),
      abortCheckpoint: (id) => log.push(`abort ${id}`),
    },
    () => 0,
  );
  return { h, log };
}

describe('CheckpointBarrierHandler', () => {
  it('aligns: blocks each channel that delivered the barrier, triggers when all have, then unblocks', () => {
    const { h, log } = handler(3, true);
    h.processBarrier(barrier(1), 0);
    h.processBarrier(barrier(1), 2);
    expect(log).toEqual(['block 0', 'block 2']);
    h.processBarrier(barrier(1), 1);
    expect(log).toEqual(['block 0', 'block 2', 'block 1', 'unblock', 'trigger 1']);
  });

  it('tracks without blocking for AT_LEAST_ONCE, triggering at the last barrier', () => {
    const { h, log } = handler(2, false);
    h.processBarrier(barrier(4), 1);
    h.processBarrier(barrier(4), 0);
    expect(log).toEqual(['trigger 4']);
  });

  it('does not wait for a channel that ended', () => {
    const { h, log } = handler(2, true);
    h.processBarrier(barrier(2), 0);
    h.endOfChannel(1);
    expect(log).toEqual(['block 0', 'unblock', 'trigger 2']);
  });

  it('gives up an alignment overtaken by a newer checkpoint, and declines late barriers of older ones once', () => {
    const { h, log } = handler(2, true);
    h.processBarrier(barrier(5), 0);
    h.processBarrier(barrier(6), 1); // 6 overtakes 5 on channel 1
    expect(log).toEqual(['block 0', 'abort 5', 'unblock', 'block 1']);
    h.processBarrier(barrier(5), 1); // older than the one being aligned
    h.processBarrier(barrier(6), 0);
    expect(log.slice(4)).toEqual(['block 0', 'unblock', 'trigger 6']);
    h.processBarrier(barrier(3), 0); // a checkpoint older than the last one taken
    h.processBarrier(barrier(3), 1);
    expect(log.slice(7)).toEqual(['abort 3']);
  });
});
