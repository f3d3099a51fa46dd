// `sluice run` against a cluster: upload the job module as a jar, run it, and (attached) follow it until it ends.

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SluiceError } from '../../core/errors.ts';
import { inContext, type CliIo } from '../cli-context.ts';
import { awaitJobEnd, firstLine } from '../operations.ts';
import { ClusterUnreachableError, RestRequestError, type Json, type RestClient } from '../rest-client.ts';
import { isClusterOverview, readRootException, readRunJobId, readUploadedJarId } from '../rest-responses.ts';

/** How long `run` waits for `GET /overview` when it looks for a cluster at the configured address. */
export const PROBE_TIMEOUT_MS = 1_000;

/** Whether a JobManager answers at the client's address (a 401 counts: it is there but wants a token). */
export async function clusterAnswers(rest: RestClient): Promise<boolean> {
  try {
    return isClusterOverview(await rest.get('/v1/overview', PROBE_TIMEOUT_MS));
  } catch (error) {
    if (error instanceof RestRequestError) return error.status === 401;
    if (error instanceof ClusterUnreachableError) return false;
    throw error;
  }
}

export interface RemoteRun {
  readonly job: string;
  readonly entry: string;
  readonly args: readonly string[];
  readonly parallelism: number | undefined;
  readonly savepointPath: string | undefined;
  readonly allowNonRestoredState: boolean;
  readonly detached: boolean;
  /** `-D` pairs, sent as the run's `flinkConfiguration`. */
  readonly flinkConfiguration: Readonly<Record<string, string>>;
}

/** The job ended other than FINISHED; the message names the job and the root cause's first line. */
export class JobEndedError extends SluiceError {
  /** The cluster's stack trace of the failure, printed with --verbose. */
  readonly remoteStackTrace: string | undefined;
  constructor(message: string, failed: boolean, remoteStackTrace?: string) {
    super(failed ? 'JOB_FAILED' : 'JOB_CANCELLED', message);
    this.remoteStackTrace = remoteStackTrace;
  }
}

/** Uploads and runs the job; attached, follows it and resolves once it FINISHED (rejects otherwise). */
export async function runRemote(rest: RestClient, run: RemoteRun, io: CliIo): Promise<void> {
  const file = resolve(run.job);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new SluiceError(
      'JOB_MODULE_INVALID',
      `cannot upload job module ${file}: no such file (give a .ts/.js/.mjs/.mts module or an npm-pack .tgz)`,
    );
  }
  const jarId = await inContext(`could not upload ${run.job} to the JobManager at ${rest.baseUrl}`, async () =>
    readUploadedJarId(await rest.uploadJar(file)),
  );
  const body: { [key: string]: Json } = {
    entryClass: run.entry,
    programArgsList: [...run.args],
    allowNonRestoredState: run.allowNonRestoredState,
  };
  if (run.parallelism !== undefined) body['parallelism'] = run.parallelism;
  if (run.savepointPath !== undefined) body['savepointPath'] = run.savepointPath;
  if (Object.keys(run.flinkConfiguration).length > 0) body['flinkConfiguration'] = { ...run.flinkConfiguration };
  const jobId = await inContext(`could not run ${run.job}`, async () =>
    readRunJobId(await rest.post(`/v1/jars/${encodeURIComponent(jarId)}/run`, body)),
  );
  io.out(`Job has been submitted with JobID ${jobId}`);
  if (run.detached) return;

  let previous: string | undefined;
  const end = await awaitJobEnd(rest, jobId, (details) => {
    io.out(
      previous === undefined
        ? `Job '${details.name}' (${jobId}) is ${details.state}.`
        : `Job '${details.name}' (${jobId}) switched from state ${previous} to ${details.state}.`,
    );
    previous = details.state;
  });
  if (end.state === 'FINISHED') {
    io.out(`Job with JobID ${jobId} has finished.`);
    io.out(`Job Runtime: ${end.duration >= 0 ? end.duration : end.endTime - end.startTime} ms`);
    return;
  }
  if (end.state === 'FAILED') {
    const root = await rest.get(`/v1/jobs/${jobId}/exceptions`).then(readRootException, () => undefined);
    const line = rootCauseLine(root);
    // The cluster's root exception usually says this already ("JobExecutionError: Job 'x' (id) failed: ...").
    const own = line.replace(/^[\w$.]+: /, '');
    const prefix = `Job '${end.name}' (${jobId}) failed`;
    throw new JobEndedError(own.startsWith(prefix) ? own : `${prefix}: ${line}`, true, root);
  }
  throw new JobEndedError(`Job '${end.name}' (${jobId}) ended ${end.state}.`, false);
}

/**
 * One line for a failure's stack trace: its first line, and the innermost "Caused by:" when that says
 * something the first line does not.
 */
export function rootCauseLine(stackTrace: string | undefined): string {
  if (stackTrace === undefined || stackTrace.trim() === '') return 'no failure cause was reported';
  const first = firstLine(stackTrace);
  const causes = stackTrace
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('Caused by:'))
    .map((l) => l.slice('Caused by:'.length).trim());
  const root = causes.at(-1);
  if (root === undefined || first.includes(root) || first.includes(root.replace(/^[\w.$]+: /, ''))) return first;
  return `${first} (root cause: ${root})`;
}
