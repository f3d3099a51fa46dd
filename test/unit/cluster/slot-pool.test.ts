// The slot pool spreads a job's slots over TaskManagers, refuses jobs that do not fit and frees slots on release.
import { describe, expect, it } from 'vitest';
import { SlotPool } from '../../../src/cluster/slot-pool.ts';
import { NotEnoughSlotsError } from '../../../src/core/errors.ts';
import type { JobGraph, JobVertex } from '../../../src/graph/job-graph.ts';

function graph(jobId: string, vertices: { parallelism: number; group?: string }[]): JobGraph {
  return {
    jobId,
    jobName: jobId,
    vertices: vertices.map(
      (v, i): JobVertex => ({
        id: `v${i}`,
        name: `v${i}`,
        parallelism: v.parallelism,
        maxParallelism: 128,
        slotSharingGroup: v.group ?? 'default',
        isSource: i === 0,
        operatorIds: [],
        operators: [],
        inputs: [],
      }),
    ),
  };
}

describe('SlotPool', () => {
  it('reserves per slot-sharing group its largest parallelism, round robin over TaskManagers', () => {
    const pool = new SlotPool([2, 2, 2]);
    expect(pool.reserve('a', graph('a', [{ parallelism: 2 }, { parallelism: 1 }]))).toEqual([1, 1, 0]);
    expect(pool.availableSlots).toBe(4);
    expect(pool.reserve('b', graph('b', [{ parallelism: 2 }, { parallelism: 2, group: 'other' }]))).toEqual([1, 1, 2]);
    expect(pool.freeSlots()).toEqual([0, 0, 0]);
    expect(pool.jobsOn(2)).toEqual([{ jobId: 'b', slots: 2 }]);
  });

  it('refuses a job that does not fit, reserving nothing, and frees slots on release', () => {
    const pool = new SlotPool([2, 1]);
    pool.reserve('a', graph('a', [{ parallelism: 2 }]));
    const error = (() => {
      try {
        pool.reserve('b', graph('b', [{ parallelism: 2 }]));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(NotEnoughSlotsError);
    expect((error as NotEnoughSlotsError).message).toMatch(/needs 2 task slots .* 1 free/);
    expect(pool.availableSlots).toBe(1);
    pool.release('a');
    pool.release('a'); // no-op
    expect(pool.freeSlots()).toEqual([2, 1]);
    expect(pool.reserve('b', graph('b', [{ parallelism: 3 }]))).toEqual([2, 1]);
    expect(pool.reservationOf('b')).toEqual([2, 1]);
  });
});
