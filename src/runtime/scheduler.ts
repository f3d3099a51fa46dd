// Slot assignment: slot-sharing groups -> shared slots -> TaskManager slots, spread evenly over TaskManagers.

import { NotEnoughSlotsError } from '../core/errors.ts';
import { requiredSlots, type JobGraph } from '../graph/job-graph.ts';

/** Which TaskManager runs each subtask: `assignment.get(vertexId)[subtask]`. */
export type SlotAssignment = ReadonlyMap<string, readonly number[]>;

/**
 * Subtask i of every vertex in a slot-sharing group shares slot i of that group; a group needs as many slots as
 * its largest parallelism. Shared slots are placed round robin over the TaskManagers, so parallel subtasks land
 * on different threads first.
 */
export function assignSlots(graph: JobGraph, slotsPerTaskManager: readonly number[]): SlotAssignment {
  const { total, perGroup } = requiredSlots(graph);
  const available = slotsPerTaskManager.reduce((a, b) => a + b, 0);
  if (total > available) {
    const detail = [...perGroup].map(([g, n]) => `group '${g}' needs ${n}`).join(', ');
    throw new NotEnoughSlotsError(total, available, detail);
  }
  const physical: number[] = [];
  const free = [...slotsPerTaskManager];
  while (physical.length < total) {
    for (let tm = 0; tm < free.length && physical.length < total; tm++) {
      if (free[tm]! > 0) {
        free[tm]!--;
        physical.push(tm);
      }
    }
  }
  const groupBase = new Map<string, number>();
  let next = 0;
  for (const [group, n] of perGroup) {
    groupBase.set(group, next);
    next += n;
  }
  const assignment = new Map<string, number[]>();
  for (const v of graph.vertices) {
    const base = groupBase.get(v.slotSharingGroup)!;
    assignment.set(
      v.id,
      Array.from({ length: v.parallelism }, (_, i) => physical[base + i]!),
    );
  }
  return assignment;
}
