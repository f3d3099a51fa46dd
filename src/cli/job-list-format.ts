// `sluice list` output in Flink's layout: running, scheduled and terminated blocks of "<date> : <jobid> : <name> (<state>)".

import type { JobOverview } from './rest-responses.ts';

export interface ListSelection {
  readonly running: boolean;
  readonly scheduled: boolean;
  readonly all: boolean;
}

const RULE = '--------------------------------------------------------------';
const RUNNING_HEADER = '------------------ Running/Restarting Jobs -------------------';
const SCHEDULED_HEADER = '----------------------- Scheduled Jobs -----------------------';
const TERMINATED_HEADER = '---------------------- Terminated Jobs -----------------------';

const SCHEDULED_STATES = new Set(['CREATED', 'INITIALIZING']);
const TERMINAL_STATES = new Set(['FINISHED', 'FAILED', 'CANCELED']);

/** Which blocks `list` prints: `-r`, `-s`, `-a`, or running and scheduled when none is given (as Flink). */
export function listSelection(flags: { running?: boolean; scheduled?: boolean; all?: boolean }): ListSelection {
  if (!flags.running && !flags.scheduled && !flags.all) return { running: true, scheduled: true, all: false };
  return { running: flags.running === true, scheduled: flags.scheduled === true, all: flags.all === true };
}

/** Flink's `dd.MM.yyyy HH:mm:ss`, in local time. */
export function formatJobDate(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${two(d.getDate())}.${two(d.getMonth() + 1)}.${d.getFullYear()} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

function jobLines(jobs: readonly JobOverview[]): string[] {
  return [...jobs]
    .sort((a, b) => a.startTime - b.startTime || a.state.localeCompare(b.state))
    .map((j) => `${formatJobDate(j.startTime)} : ${j.jid} : ${j.name} (${j.state})`);
}

/** The lines `sluice list` prints for these jobs. */
export function formatJobList(jobs: readonly JobOverview[], selection: ListSelection): string[] {
  const running = jobs.filter((j) => !SCHEDULED_STATES.has(j.state) && !TERMINAL_STATES.has(j.state));
  const scheduled = jobs.filter((j) => SCHEDULED_STATES.has(j.state));
  const terminated = jobs.filter((j) => TERMINAL_STATES.has(j.state));
  const out: string[] = [];
  if (selection.running || selection.all) {
    if (running.length === 0) out.push('No running jobs.');
    else out.push(RUNNING_HEADER, ...jobLines(running), RULE);
  }
  if (selection.scheduled || selection.all) {
    if (scheduled.length === 0) out.push('No scheduled jobs.');
    else out.push(SCHEDULED_HEADER, ...jobLines(scheduled), RULE);
  }
  if (selection.all && terminated.length > 0) out.push(TERMINATED_HEADER, ...jobLines(terminated), RULE);
  return out;
}
