// Parsers of CLI argument values (commander argParsers): a bad value is a usage error naming what was expected.

import { InvalidArgumentError } from 'commander';

/** A whole number >= 1 (parallelism). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number >= 1, got '${value}'`);
  }
  return n;
}

/** Collects a repeatable option's values (`-D a=1 -D b=2`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const JOB_ID = /^[0-9a-fA-F]{32}$/;

/** Whether `value` has the form of a job id: 32 hex characters (Flink's JobID). */
export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}

/** A job id (32 hex characters), lower-cased. */
export function jobId(value: string): string {
  if (!isJobId(value)) throw new InvalidArgumentError(`expected a job id of 32 hex characters, got '${value}'`);
  return value.toLowerCase();
}
