// A delta's changed keys: distinct and in LevelDB's byte order, whatever bytes they hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distinctKeys } from '../../../src/state/leveldb/leveldb-snapshot-writer.ts';

describe('distinctKeys', () => {
  it('equals sorting by Buffer.compare and dropping repeats (fast-check, any bytes)', () => {
    const key = fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(fc.array(fc.array(key, { maxLength: 30 }), { maxLength: 4 }), (segments) => {
        const expected = segments.flat().sort(Buffer.compare).filter((k, i, all) => i === 0 || !k.equals(all[i - 1]!));
        expect(distinctKeys(segments).map((k) => k.toString('hex'))).toEqual(expected.map((k) => k.toString('hex')));
      }),
      { seed: 20261125, numRuns: 300 },
    );
  });
});
