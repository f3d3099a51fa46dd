// The job operations of the REST API as calls: savepoint, stop, cancel, rescale, dispose — each polled to its end.

import { awaitJobEnd, awaitOperation } from './operations.ts';
import { UnexpectedResponseError, type Json, type RestClient } from './rest-client.ts';
import { readTriggerId, type JobDetails } from './rest-responses.ts';

type Result = { readonly [key: string]: Json };

/** Takes a savepoint (and cancels the job if `cancelJob`); resolves with the savepoint's path. */
export async function takeSavepoint(
  rest: RestClient,
  jobId: string,
  targetDirectory: string | undefined,
  cancelJob: boolean,
  timeoutMs: number,
): Promise<string> {
  const body: { [key: string]: Json } = { 'cancel-job': cancelJob };
  if (targetDirectory !== undefined) body['target-directory'] = targetDirectory;
  const trigger = readTriggerId(await rest.post(`/v1/jobs/${jobId}/savepoints`, body), '/jobs/:jobid/savepoints');
  const result = await awaitOperation(rest, `/v1/jobs/${jobId}/savepoints/${encodeURIComponent(trigger)}`, 'the savepoint', timeoutMs);
  const location = savepointLocation(result, '/jobs/:jobid/savepoints/:triggerid');
  if (cancelJob) await awaitJobEnd(rest, jobId, () => {}, timeoutMs);
  return location;
}

/** Stops the job with a savepoint (`drain`: max watermark first); resolves with the savepoint's path once it ended. */
export async function stopWithSavepoint(
  rest: RestClient,
  jobId: string,
  targetDirectory: string | undefined,
  drain: boolean,
  timeoutMs: number,
): Promise<string> {
  const body: { [key: string]: Json } = { drain };
  if (targetDirectory !== undefined) body['targetDirectory'] = targetDirectory;
  const trigger = readTriggerId(await rest.post(`/v1/jobs/${jobId}/stop`, body), '/jobs/:jobid/stop');
  const result = await awaitOperation(rest, `/v1/jobs/${jobId}/savepoints/${encodeURIComponent(trigger)}`, 'stop-with-savepoint', timeoutMs);
  const location = savepointLocation(result, '/jobs/:jobid/savepoints/:triggerid');
  await awaitJobEnd(rest, jobId, () => {}, timeoutMs);
  return location;
}

/** Cancels the job; resolves with its final details once it ended. */
export async function cancelJob(rest: RestClient, jobId: string, timeoutMs: number): Promise<JobDetails> {
  await rest.patch(`/v1/jobs/${jobId}?mode=cancel`);
  return awaitJobEnd(rest, jobId, () => {}, timeoutMs);
}

/**
 * Rescales the job (savepoint, cancel, resubmit at `parallelism`); resolves with the id the job runs under now —
 * sluice resubmits, so it is a new one when the cluster reports it.
 */
export async function rescaleJob(rest: RestClient, jobId: string, parallelism: number, timeoutMs: number): Promise<string | undefined> {
  const trigger = readTriggerId(
    await rest.patch(`/v1/jobs/${jobId}/rescaling?parallelism=${parallelism}`),
    '/jobs/:jobid/rescaling',
  );
  const result = await awaitOperation(rest, `/v1/jobs/${jobId}/rescaling/${encodeURIComponent(trigger)}`, 'the rescaling', timeoutMs);
  for (const key of ['jobid', 'job-id', 'new-job-id', 'newJobId']) {
    const value = result[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Disposes of the savepoint at `path` (as the cluster sees it). */
export async function disposeSavepoint(rest: RestClient, path: string, timeoutMs: number): Promise<void> {
  const trigger = readTriggerId(await rest.post('/v1/savepoint-disposal', { 'savepoint-path': path }), '/savepoint-disposal');
  await awaitOperation(rest, `/v1/savepoint-disposal/${encodeURIComponent(trigger)}`, 'the disposal', timeoutMs);
}

function savepointLocation(result: Result, what: string): string {
  const location = result['location'];
  if (typeof location !== 'string' || location === '') {
    throw new UnexpectedResponseError('GET', what, `the operation completed without a location: ${JSON.stringify(result)}`);
  }
  return location;
}
