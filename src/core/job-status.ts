// Job status as data: Flink's states and the one table of transitions between them.

export const JobStatus = {
  INITIALIZING: 'INITIALIZING',
  CREATED: 'CREATED',
  RUNNING: 'RUNNING',
  FAILING: 'FAILING',
  FAILED: 'FAILED',
  CANCELLING: 'CANCELLING',
  CANCELED: 'CANCELED',
  FINISHED: 'FINISHED',
  RESTARTING: 'RESTARTING',
  SUSPENDED: 'SUSPENDED',
  RECONCILING: 'RECONCILING',
} as const;

export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/** Which status may follow which. Anything not listed is a bug in the caller. */
export const JOB_STATUS_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  INITIALIZING: ['CREATED', 'FAILED', 'CANCELED'],
  CREATED: ['RUNNING', 'CANCELLING', 'CANCELED', 'FAILING', 'FAILED', 'SUSPENDED'],
  RUNNING: ['FINISHED', 'FAILING', 'CANCELLING', 'RESTARTING', 'SUSPENDED'],
  FAILING: ['FAILED', 'RESTARTING', 'CANCELLING'],
  RESTARTING: ['RUNNING', 'CREATED', 'CANCELLING', 'CANCELED', 'FAILED', 'SUSPENDED'],
  CANCELLING: ['CANCELED', 'FAILED'],
  RECONCILING: ['RUNNING', 'FAILING', 'CANCELLING', 'FINISHED', 'FAILED', 'CANCELED'],
  SUSPENDED: [],
  FINISHED: [],
  FAILED: [],
  CANCELED: [],
};

export function isGloballyTerminal(status: JobStatus): boolean {
  return status === 'FINISHED' || status === 'FAILED' || status === 'CANCELED';
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_STATUS_TRANSITIONS[from].includes(to);
}
