// `sluice list` layout: Flink's blocks, date format and ordering.
import { describe, expect, it } from 'vitest';
import { formatJobDate, formatJobList, listSelection } from '../../../src/cli/job-list-format.ts';
import type { JobOverview } from '../../../src/cli/rest-responses.ts';

const t0 = new Date(2024, 3, 11, 14, 1, 17).getTime();
const job = (jid: string, name: string, state: string, startTime: number): JobOverview => ({
  jid,
  name,
  state,
  startTime,
  endTime: -1,
  duration: 0,
});
const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const C = 'c'.repeat(32);
const D = 'd'.repeat(32);

describe('list output', () => {
  it("formats dates as Flink's dd.MM.yyyy HH:mm:ss in local time", () => {
    expect(formatJobDate(t0)).toBe('11.04.2024 14:01:17');
    expect(formatJobDate(new Date(2023, 0, 2, 3, 4, 5).getTime())).toBe('02.01.2023 03:04:05');
  });

  it('prints running/restarting and scheduled blocks by default, sorted by start time', () => {
    const jobs = [
      job(B, 'second', 'RESTARTING', t0 + 2000),
      job(A, 'first', 'RUNNING', t0),
      job(C, 'waiting', 'CREATED', t0 + 1000),
      job(D, 'done', 'FINISHED', t0 - 1000),
    ];
    expect(formatJobList(jobs, listSelection({}))).toEqual([
      '------------------ Running/Restarting Jobs -------------------',
      `11.04.2024 14:01:17 : ${A} : first (RUNNING)`,
      `11.04.2024 14:01:19 : ${B} : second (RESTARTING)`,
      '--------------------------------------------------------------',
      '----------------------- Scheduled Jobs -----------------------',
      `11.04.2024 14:01:18 : ${C} : waiting (CREATED)`,
      '--------------------------------------------------------------',
    ]);
  });

  it('says "No running jobs." and "No scheduled jobs." for empty blocks; -a adds terminated jobs', () => {
    const jobs = [job(D, 'done', 'FINISHED', t0), job(C, 'broke', 'FAILED', t0 + 1000)];
    expect(formatJobList(jobs, listSelection({}))).toEqual(['No running jobs.', 'No scheduled jobs.']);
    expect(formatJobList(jobs, listSelection({ all: true }))).toEqual([
      'No running jobs.',
      'No scheduled jobs.',
      '---------------------- Terminated Jobs -----------------------',
      `11.04.2024 14:01:17 : ${D} : done (FINISHED)`,
      `11.04.2024 14:01:18 : ${C} : broke (FAILED)`,
      '--------------------------------------------------------------',
    ]);
  });

  it('-r shows only running jobs, -s only scheduled ones', () => {
    const jobs = [job(A, 'first', 'RUNNING', t0), job(C, 'waiting', 'INITIALIZING', t0)];
    expect(formatJobList(jobs, listSelection({ running: true }))).toEqual([
      '------------------ Running/Restarting Jobs -------------------',
      `11.04.2024 14:01:17 : ${A} : first (RUNNING)`,
      '--------------------------------------------------------------',
    ]);
    expect(formatJobList(jobs, listSelection({ scheduled: true }))).toEqual([
      '----------------------- Scheduled Jobs -----------------------',
      `11.04.2024 14:01:17 : ${C} : waiting (INITIALIZING)`,
      '--------------------------------------------------------------',
    ]);
  });
});
