// Stream elements: the in-band element constructors and the watermark/timestamp sentinels.

import { describe, expect, it } from 'vitest';
import {
  END_OF_PARTITION,
  MAX_WATERMARK,
  MIN_WATERMARK,
  NO_TIMESTAMP,
  recordBatch,
  watermark,
  type ChannelItem,
} from '../../../src/core/stream-element.ts';

describe('stream elements', () => {
  it('recordBatch carries values and, only when given, timestamps', () => {
    expect(recordBatch([1, 2])).toEqual({ kind: 'records', values: [1, 2], timestamps: null });
    expect(recordBatch(['a'], [NO_TIMESTAMP])).toEqual({ kind: 'records', values: ['a'], timestamps: [NO_TIMESTAMP] });
  });

  it('watermark carries its timestamp', () => {
    expect(watermark(1000)).toEqual({ kind: 'watermark', timestamp: 1000 });
  });

  it('END_OF_PARTITION is a frozen singleton', () => {
    expect(END_OF_PARTITION).toEqual({ kind: 'end' });
    expect(Object.isFrozen(END_OF_PARTITION)).toBe(true);
  });

  it('the sentinels order around every real timestamp', () => {
    for (const t of [Number.MIN_SAFE_INTEGER, -1, 0, Date.now(), Number.MAX_SAFE_INTEGER]) {
      expect(MIN_WATERMARK).toBeLessThan(t);
      expect(NO_TIMESTAMP).toBeLessThan(t);
      expect(MAX_WATERMARK).toBeGreaterThan(t);
    }
    // Sentinels survive structured cloning (they cross thread boundaries).
    expect(structuredClone([MIN_WATERMARK, MAX_WATERMARK, NO_TIMESTAMP])).toEqual([-Infinity, Infinity, -Infinity]);
  });

  it('elements are told apart by kind alone', () => {
    const items: ChannelItem[] = [recordBatch([1]), watermark(5), END_OF_PARTITION];
    expect(items.map((i) => i.kind)).toEqual(['records', 'watermark', 'end']);
  });
});
