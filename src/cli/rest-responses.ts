// Typed readers of the REST answers the CLI uses (Flink's JSON field names), failing clearly on other shapes.

import { isObject, UnexpectedResponseError, type Json } from './rest-client.ts';

/** One row of `GET /jobs/overview`. */
export interface JobOverview {
  readonly jid: string;
  readonly name: string;
  readonly state: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly duration: number;
}

/** What the CLI reads of `GET /jobs/:jobid`. */
export interface JobDetails {
  readonly jid: string;
  readonly name: string;
  readonly state: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly duration: number;
}

/** An asynchronous operation's state (`GET .../savepoints/:triggerid` and the like). */
export type AsyncOperation =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'COMPLETED'; readonly result: { readonly [key: string]: Json }; readonly failure: undefined }
  | { readonly status: 'COMPLETED'; readonly result: undefined; readonly failure: OperationFailure };

/** Flink's `failure-cause`: the exception class and its stack trace (whose first line holds the message). */
export interface OperationFailure {
  readonly className: string;
  readonly stackTrace: string;
}

function fail(what: string, detail: string): never {
  throw new UnexpectedResponseError('GET', what, detail);
}

function str(o: { [key: string]: Json }, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(what, `field '${key}' is missing or not a string`);
  return v;
}

function num(o: { [key: string]: Json }, key: string, fallback = -1): number {
  const v = o[key];
  return typeof v === 'number' ? v : fallback;
}

function obj(value: Json, what: string): { [key: string]: Json } {
  if (!isObject(value)) fail(what, 'expected a JSON object');
  return value;
}

export function readJobsOverview(body: Json): JobOverview[] {
  const what = '/jobs/overview';
  const jobs = obj(body, what)['jobs'];
  if (!Array.isArray(jobs)) fail(what, "field 'jobs' is missing or not an array");
  return jobs.map((j) => {
    const o = obj(j, what);
    return {
      jid: str(o, 'jid', what),
      name: str(o, 'name', what),
      state: str(o, 'state', what),
      startTime: num(o, 'start-time'),
      endTime: num(o, 'end-time'),
      duration: num(o, 'duration'),
    };
  });
}

export function readJobDetails(body: Json): JobDetails {
  const what = '/jobs/:jobid';
  const o = obj(body, what);
  return {
    jid: str(o, 'jid', what),
    name: str(o, 'name', what),
    state: str(o, 'state', what),
    startTime: num(o, 'start-time'),
    endTime: num(o, 'end-time'),
    duration: num(o, 'duration'),
  };
}

/** `{ "request-id": ... }` of a triggered operation. */
export function readTriggerId(body: Json, what: string): string {
  return str(obj(body, what), 'request-id', what);
}

export function readAsyncOperation(body: Json, what: string): AsyncOperation {
  const o = obj(body, what);
  const status = obj(o['status'] ?? null, what)['id'];
  if (status === 'IN_PROGRESS') return { status };
  if (status !== 'COMPLETED') fail(what, `unknown operation status ${JSON.stringify(status)}`);
  const operation = o['operation'];
  const result = isObject(operation) ? operation : {};
  const cause = result['failure-cause'];
  if (isObject(cause)) {
    const className = typeof cause['class'] === 'string' ? cause['class'] : 'Error';
    const stackTrace = typeof cause['stack-trace'] === 'string' ? cause['stack-trace'] : className;
    return { status, result: undefined, failure: { className, stackTrace } };
  }
  return { status, result, failure: undefined };
}

/** `POST /jars/upload` → the jar id (the last path segment of `filename`, as Flink's web UI derives it). */
export function readUploadedJarId(body: Json): string {
  const what = '/jars/upload';
  const filename = str(obj(body, what), 'filename', what);
  const id = filename.split(/[\\/]/).pop();
  if (id === undefined || id === '') fail(what, `cannot read a jar id from filename '${filename}'`);
  return id;
}

/** `POST /jars/:jarid/run` → `{ jobid }`. */
export function readRunJobId(body: Json): string {
  return str(obj(body, '/jars/:jarid/run'), 'jobid', '/jars/:jarid/run');
}

/** Whether `GET /overview` looks like a sluice (or Flink) JobManager's answer. */
export function isClusterOverview(body: Json): boolean {
  return isObject(body) && ('flink-version' in body || 'slots-total' in body);
}

/** `GET /jobs/:jobid/exceptions` → the root exception's text (Flink's `root-exception`), if there is one. */
export function readRootException(body: Json): string | undefined {
  if (!isObject(body)) return undefined;
  const root = body['root-exception'];
  if (typeof root === 'string' && root.trim() !== '') return root;
  const history = body['exceptionHistory'];
  if (isObject(history) && Array.isArray(history['entries'])) {
    const first = history['entries'][0];
    if (isObject(first) && typeof first['stacktrace'] === 'string') return first['stacktrace'];
  }
  return undefined;
}
