// The job status transition table (the one state machine as data): terminal states, reachability, canTransition.

import { describe, expect, it } from 'vitest';
import { JOB_STATUS_TRANSITIONS, JobStatus, canTransition, isGloballyTerminal } from '../../../src/core/job-status.ts';

const ALL = Object.values(JobStatus);
/** Flink: FINISHED, FAILED, CANCELED are globally terminal; SUSPENDED is locally terminal (another JobMaster may resume). */
const GLOBALLY_TERMINAL: JobStatus[] = ['FINISHED', 'FAILED', 'CANCELED'];
const TERMINAL: JobStatus[] = [...GLOBALLY_TERMINAL, 'SUSPENDED'];
/**
 * States a job enters from outside the table: INITIALIZING comes before CREATED (the JobMaster is being set up),
 * RECONCILING is where a JobMaster recovered after failover starts. Neither is reachable from CREATED.
 */
const ENTRY: JobStatus[] = ['INITIALIZING', 'RECONCILING'];

function reachableFrom(start: JobStatus): Set<JobStatus> {
  const seen = new Set<JobStatus>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of JOB_STATUS_TRANSITIONS[queue.shift()!]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('JOB_STATUS_TRANSITIONS', () => {
  it('is one consistent table over Flink\'s eleven job states', () => {
    // Every state has a row and every target is a state, listed once, never itself.
    expect(Object.keys(JOB_STATUS_TRANSITIONS).sort()).toEqual([...ALL].sort());
    expect(ALL).toHaveLength(11);
    for (const [from, targets] of Object.entries(JOB_STATUS_TRANSITIONS) as [JobStatus, readonly JobStatus[]][]) {
      expect(new Set(targets).size, `${from} lists a target twice`).toBe(targets.length);
      expect(targets, `${from} -> itself`).not.toContain(from);
      for (const to of targets) expect(ALL, `${from} -> ${to}`).toContain(to);
    }

    // Terminal states have no exits; every other state has one and can still end (reach a globally terminal state).
    for (const status of ALL) {
      const exits = JOB_STATUS_TRANSITIONS[status];
      if (TERMINAL.includes(status)) expect(exits, `${status} is terminal`).toEqual([]);
      else {
        expect(exits.length, `${status} has an exit`).toBeGreaterThan(0);
        const ends = [...reachableFrom(status)].filter((s) => GLOBALLY_TERMINAL.includes(s));
        expect(ends.length, `${status} can reach a terminal state`).toBeGreaterThan(0);
      }
      expect(isGloballyTerminal(status), status).toBe(GLOBALLY_TERMINAL.includes(status));
    }

    // Every state but the entry states is reachable from CREATED; with the entry states, every state is reachable.
    const fromCreated = reachableFrom('CREATED');
    expect(ALL.filter((s) => !fromCreated.has(s)).sort()).toEqual([...ENTRY].sort());
    const fromEntries = new Set([...ENTRY.flatMap((s) => [...reachableFrom(s)])]);
    expect([...fromEntries].sort()).toEqual([...ALL].sort());
    for (const entry of ENTRY) {
      expect(ALL.some((s) => JOB_STATUS_TRANSITIONS[s].includes(entry)), `nothing leads back to ${entry}`).toBe(false);
    }

    // The transitions Flink's schedulers rely on.
    for (const [from, to] of [
      ['INITIALIZING', 'CREATED'],
      ['CREATED', 'RUNNING'],
      ['RUNNING', 'FINISHED'],
      ['RUNNING', 'FAILING'],
      ['RUNNING', 'RESTARTING'],
      ['FAILING', 'FAILED'],
      ['FAILING', 'RESTARTING'],
      ['RESTARTING', 'RUNNING'],
      ['RUNNING', 'CANCELLING'],
      ['CANCELLING', 'CANCELED'],
      ['RUNNING', 'SUSPENDED'],
    ] as const) {
      expect(canTransition(from, to), `${from} -> ${to}`).toBe(true);
    }

    // canTransition is exactly the table.
    for (const from of ALL) for (const to of ALL) expect(canTransition(from, to)).toBe(JOB_STATUS_TRANSITIONS[from].includes(to));
  });
});
