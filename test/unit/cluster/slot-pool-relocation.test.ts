// TaskManager processes come and go: the slot pool adds them, takes a lost one's slots away, moves jobs' shares
// off it to a TaskManager with room (at once or when one registers), and brings one back under its index.
import { describe, expect, it } from 'vitest';
import { SlotPool } from '../../../src/cluster/slot-pool.ts';
import type { JobGraph, JobVertex } from '../../../src/graph/job-graph.ts';

function graph(jobId: string, parallelism: number): JobGraph {
  const v: JobVertex = {
    id: 'v0',
    name: 'v0',
    parallelism,
    maxParallelism: 128,
    slotSharingGroup: 'default',
    isSource: true,
    operatorIds: [],
    operators: [],
    inputs: [],
  };
  return { jobId, jobName: jobId, vertices: [v] };
}

describe('SlotPool with TaskManager processes', () => {
  it('starts empty (a JobManager waiting for TaskManagers) and grows as they register', () => {
    const pool = new SlotPool([]);
    expect(pool.totalSlots).toBe(0);
    expect(() => pool.reserve('a', graph('a', 1))).toThrow(/needs 1 task slots?.* 0 free/);
    expect(pool.addTaskManager(1)).toBe(0);
    expect(pool.addTaskManager(2)).toBe(1);
    expect(pool.totalSlots).toBe(3);
    expect(pool.reserve('a', graph('a', 2))).toEqual([1, 1]);
    expect(pool.freeSlots()).toEqual([0, 1]);
  });

  it('moves a share off a lost TaskManager to one with room, and keeps the job\'s indices stable', () => {
    const pool = new SlotPool([1, 1, 2]);
    const reserved = pool.reserve('a', graph('a', 2));
    expect(reserved).toEqual([1, 1, 0]);
    expect(pool.jobHolding(reserved)).toBe('a');
    pool.removeTaskManager(1);
    expect(pool.totalSlots).toBe(3);
    expect(pool.relocateOrphans()).toEqual([{ jobId: 'a', share: 1, from: 1, to: 2 }]);
    expect(pool.placementOf('a')).toEqual([0, 2, 2]);
    expect(pool.reservationOf('a')).toEqual([1, 0, 1]);
    expect(pool.freeSlots()).toEqual([0, 0, 1]);
    expect(pool.jobsOn(2)).toEqual([{ jobId: 'a', slots: 1 }]);
    pool.release('a');
    expect(pool.jobHolding(reserved)).toBeUndefined();
    expect(pool.availableSlots).toBe(3);
  });

  it('keeps a share on a lost TaskManager until one with room registers', () => {
    const pool = new SlotPool([1, 1]);
    pool.reserve('a', graph('a', 2));
    pool.removeTaskManager(1);
    expect(pool.relocateOrphans()).toEqual([]);
    expect(pool.placementOf('a')).toEqual([0, 1]);
    expect(pool.availableSlots).toBe(0);
    const replacement = pool.addTaskManager(1);
    expect(pool.relocateOrphans()).toEqual([{ jobId: 'a', share: 1, from: 1, to: replacement }]);
    expect(pool.freeSlots()).toEqual([0, 0, 0]);
  });

  it('gives a TaskManager that registers again under its id its index and its jobs\' shares back', () => {
    const pool = new SlotPool([1, 1]);
    pool.reserve('a', graph('a', 2));
    pool.removeTaskManager(1);
    expect(pool.isAlive(1)).toBe(false);
    pool.restoreTaskManager(1, 1);
    expect(pool.relocateOrphans()).toEqual([]);
    expect(pool.placementOf('a')).toEqual([0, 1]);
    expect(pool.freeSlots()).toEqual([0, 0]);
    expect(pool.totalSlots).toBe(2);
  });
});
