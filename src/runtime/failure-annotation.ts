// Remembers on an error which operator threw it, so the job's failure can name the operator and subtask.

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
