// Remembers on an error which operator threw it, so the job's failure can name the operator and subtask; builds
// that failure.

import { JobExecutionError, deserializeError, type SerializedError } from '../core/errors.ts';

const FAILED_OPERATOR = Symbol.for('sluice.failedOperator');

/** Marks the error with the operator it came from, unless an operator deeper in the chain already did. */
export function annotateOperator(error: unknown, operatorName: string): void {
  if (typeof error === 'object' && error !== null && !(FAILED_OPERATOR in error)) {
    try {
      Object.defineProperty(error, FAILED_OPERATOR, { value: operatorName, enumerable: false });
    } catch {
      // A frozen error cannot be marked; the task's name still identifies the chain.
    }
  }
}

export function failedOperatorOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && FAILED_OPERATOR in error) {
    return (error as Record<symbol, string>)[FAILED_OPERATOR];
  }
  return undefined;
}

/**
 * Adds what to do to errors whose cause is sluice's rather than the user's: a function object with `#private`
 * fields that was copied for a further subtask of its operator in the same thread (see `perSubtaskInstances`)
 * throws V8's "Cannot read private member ... from an object whose class did not declare it". Returns the error.
 */
export function explainFailure(error: unknown): unknown {
  if (error instanceof TypeError && /private member .* from an object whose class did not declare it/.test(error.message) && !error.message.includes(PRIVATE_HINT)) {
    try {
      error.message += PRIVATE_HINT;
    } catch {
      // A frozen error keeps V8's message.
    }
  }
  return error;
}

const PRIVATE_HINT =
  ' (a function object with #private fields was copied for another subtask of its operator in the same thread: ' +
  "copies cannot carry #private fields. Use TypeScript 'private' fields in functions, or run subtasks in worker " +
  "threads (execution.runtime: threads), where every subtask gets its own instance)";

/** The job's failure for a task's error: names the job, the operator (when known) and the task; keeps the cause. */
export function jobFailure(
  jobName: string,
  jobId: string,
  taskName: string,
  error: SerializedError,
  operatorName: string | undefined,
  original: unknown,
): JobExecutionError {
  const cause = original instanceof Error ? original : deserializeError(error);
  const where = operatorName !== undefined ? `operator '${operatorName}' in task '${taskName}'` : `task '${taskName}'`;
  const message = `Job '${jobName}' (${jobId}) failed: ${where} threw ${error.name}: ${error.message}`;
  const failure = new JobExecutionError(jobId, message, { cause });
  failure.stack = `${failure.name}: ${message}\n    at ${where}\nCaused by: ${error.stack ?? `${error.name}: ${error.message}`}`;
  return failure;
}
