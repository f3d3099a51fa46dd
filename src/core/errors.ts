// The error hierarchy: one root with a stable code; every code is listed once in ERROR_CODES.

/**
 * Every error code sluice raises, with what it means. Codes are never reused; docs/errors.md lists them and a
 * test keeps the two in step.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'A configuration value is missing, of the wrong type or out of range.',
  CONFIG_UNKNOWN_KEY: 'A configuration key is not known to sluice.',
  INVALID_PROGRAM: 'The job as written cannot run (for example forward partitioning between different parallelisms).',
  JOB_MODULE_INVALID: 'The job module cannot be loaded or does not export a job function.',
  JOB_MODULE_REQUIRED: 'The job needs worker threads but has no module they can import.',
  JOB_REPLAY_MISMATCH: 'A worker replaying the job module built a different graph than the client did.',
  NOT_ENOUGH_SLOTS: 'The job needs more task slots than the cluster offers.',
  TASK_FAILED: 'A subtask failed: user code threw, its thread died, or its TaskManager process was lost.',
  JOB_FAILED: 'The job failed and will not be restarted.',
  JOB_CANCELLED: 'The job was cancelled.',
  ILLEGAL_STATE: 'An operation was called when the object was not in a state to accept it.',
  ILLEGAL_ARGUMENT: 'An argument was out of range or of the wrong kind.',
  SERIALIZATION_FAILED: 'A value could not be encoded for transfer to another thread.',
  METRIC_REPORTER_FAILED: 'A metric reporter could not be created or started (for example no free port in its range).',
  STATE_INCOMPATIBLE: 'Keyed or operator state was requested or restored in a form that does not match the registered or snapshotted state.',
  KEY_GROUP_OUT_OF_RANGE: "A key belongs to a key group outside the keyed state backend's key-group range.",
  CHECKPOINT_DECLINED: 'A task declined a checkpoint (for example a state part above the memory backend limit).',
  CHECKPOINT_EXPIRED: 'A checkpoint did not complete within the checkpoint timeout.',
  CHECKPOINT_INVALID: 'A checkpoint or savepoint (its _metadata or a state file) is missing, truncated, corrupt or foreign.',
  STATE_NOT_RESTORED: 'A savepoint holds state for an operator the job does not have, and skipping it was not allowed.',
  CHECKPOINT_FAILURES_EXCEEDED: 'More checkpoints failed in a row than the tolerable checkpoint failure number allows.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface SluiceErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

/** Root of every error sluice throws: a stable `code`, whether retrying may help, and the cause. */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export class ConfigurationError extends SluiceError {
  readonly key: string;
  constructor(key: string, message: string, code: ErrorCode = 'CONFIG_INVALID') {
    super(code, message);
    this.key = key;
  }
}

export class InvalidProgramError extends SluiceError {
  constructor(message: string, options?: SluiceErrorOptions) {
    super('INVALID_PROGRAM', message, options);
  }
}

export class IllegalArgumentError extends SluiceError {
  constructor(message: string) {
    super('ILLEGAL_ARGUMENT', message);
  }
}

export class IllegalStateError extends SluiceError {
  constructor(message: string) {
    super('ILLEGAL_STATE', message);
  }
}

export class JobModuleError extends SluiceError {}

export class NotEnoughSlotsError extends SluiceError {
  readonly required: number;
  readonly available: number;
  constructor(required: number, available: number, detail: string) {
    super(
      'NOT_ENOUGH_SLOTS',
      `The job needs ${required} task slots but the cluster has ${available} (${detail}). ` +
        `Lower the parallelism, put operators in the same slot-sharing group, or add slots ` +
        `(taskmanager.numberOfTaskSlots / minicluster.number-of-taskmanagers).`,
    );
    this.required = required;
    this.available = available;
  }
}

/** Plain-data form of an error, the only form that crosses a thread or process boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: SerializedError;
}

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    if (error.stack !== undefined) out.stack = error.stack;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (error.cause !== undefined && depth < 5) out.cause = serializeError(error.cause, depth + 1);
    return out;
  }
  return { name: 'Error', message: typeof error === 'string' ? error : safeString(error) };
}

/** An error rebuilt from its plain-data form in another thread: same name, message, stack and code. */
export class RemoteError extends Error {
  readonly code: string | undefined;
  constructor(serialized: SerializedError) {
    super(
      serialized.message,
      serialized.cause === undefined ? undefined : { cause: new RemoteError(serialized.cause) },
    );
    this.name = serialized.name;
    this.code = serialized.code;
    if (serialized.stack !== undefined) this.stack = serialized.stack;
  }
}

export function deserializeError(serialized: SerializedError): Error {
  return new RemoteError(serialized);
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A job ended in failure; `cause` is the user's error (rebuilt if it came from another thread). */
export class JobExecutionError extends SluiceError {
  readonly jobId: string;
  constructor(jobId: string, message: string, options?: SluiceErrorOptions) {
    super('JOB_FAILED', message, options);
    this.jobId = jobId;
  }
}

export class JobCancellationError extends SluiceError {
  readonly jobId: string;
  constructor(jobId: string, message: string) {
    super('JOB_CANCELLED', message);
    this.jobId = jobId;
  }
}
