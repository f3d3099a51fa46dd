// Waiting on the cluster: polls an asynchronous operation by its trigger id, or a job until it ends.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Configuration } from '../config/configuration.ts';
import { RestOptions } from '../config/rest-options.ts';
import { SluiceError } from '../core/errors.ts';
import type { Json, RestClient } from './rest-client.ts';
import { readAsyncOperation, readJobDetails, type JobDetails } from './rest-responses.ts';


/** Time between two polls of an operation or a job. */
export const POLL_INTERVAL_MS = 100;

export function clientTimeout(configuration: Configuration): number {
  return configuration.get(RestOptions.CLIENT_TIMEOUT);
}

/** An asynchronous operation ended with a failure; the message is the failure's first line. */
export class OperationFailedError extends SluiceError {
  readonly remoteClass: string;
  readonly remoteStackTrace: string;
  constructor(what: string, remoteClass: string, remoteStackTrace: string) {
    super('ILLEGAL_STATE', `${what} failed: ${firstLine(remoteStackTrace) || remoteClass}`);
    this.remoteClass = remoteClass;
    this.remoteStackTrace = remoteStackTrace;
  }
}

/** An operation or a job did not complete within the time the command waits. */
export class OperationTimeoutError extends SluiceError {
  constructor(what: string, timeoutMs: number) {
    super('ILLEGAL_STATE', `${what} did not complete within ${timeoutMs} ms (raise client.timeout to wait longer)`, {
      retriable: true,
    });
  }
}

/**
 * Polls `GET statusPath` until the operation completes; resolves with its `operation` object, or rejects with
 * {@link OperationFailedError} (its `failure-cause`) or {@link OperationTimeoutError}.
 */
export async function awaitOperation(
  rest: RestClient,
  statusPath: string,
  what: string,
  timeoutMs: number,
): Promise<{ readonly [key: string]: Json }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = readAsyncOperation(await rest.get(statusPath), statusPath);
    if (state.status === 'COMPLETED') {
      if (state.failure !== undefined) throw new OperationFailedError(what, state.failure.className, state.failure.stackTrace);
      return state.result;
    }
    if (Date.now() >= deadline) throw new OperationTimeoutError(what, timeoutMs);
    await sleep(POLL_INTERVAL_MS);
  }
}

const TERMINAL = new Set(['FINISHED', 'FAILED', 'CANCELED', 'SUSPENDED']);

export function isTerminal(state: string): boolean {
  return TERMINAL.has(state);
}

/**
 * Polls `GET /jobs/:jobid` until the job reaches a terminal state, calling `onState` on every change (the first
 * poll included). Waits without limit unless `timeoutMs` is given.
 */
export async function awaitJobEnd(
  rest: RestClient,
  jobId: string,
  onState: (details: JobDetails) => void,
  timeoutMs = Infinity,
): Promise<JobDetails> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    const details = readJobDetails(await rest.get(`/v1/jobs/${jobId}`));
    if (details.state !== last) {
      last = details.state;
      onState(details);
    }
    if (isTerminal(details.state)) return details;
    if (Date.now() >= deadline) throw new OperationTimeoutError(`job ${jobId}`, timeoutMs);
    await sleep(POLL_INTERVAL_MS);
  }
}

export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}
