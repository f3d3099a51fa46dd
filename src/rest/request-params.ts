// Validation of REST inputs: path ids, query parameters and JSON bodies, each refused with a 400 naming the field.

import type { RunRequest } from '../cluster/dispatcher.ts';
import { findOption } from '../config/options.ts';
import { badRequest, notFound } from './rest-errors.ts';

const HEX32 = /^[0-9a-f]{32}$/;
const ENTRY = /^[A-Za-z_$][\w$]*$/;

/** Query parameters as a plain record (fastify parses them; repeated keys become arrays). */
export type Query = Readonly<Record<string, unknown>>;

/** A job, vertex or trigger id: 32 lowercase hex digits, else 404 (no such resource can exist). */
export function hexId(value: string, what: string): string {
  if (!HEX32.test(value)) throw notFound(`${what} ${JSON.stringify(value)} not found: ${what}s are 32 lowercase hex digits`);
  return value;
}

/** The JSON body as an object (an absent body is `{}`); anything else is a 400. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object');
  return body as Record<string, unknown>;
}

function single(value: unknown, name: string): unknown {
  if (Array.isArray(value)) throw badRequest(`Query parameter ${name} is given more than once`);
  return value;
}

/** A whole number >= min from a JSON number or a query string; undefined when absent. */
export function optionalInt(value: unknown, name: string, min = 1, max = 32768): number | undefined {
  const v = single(value, name);
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw badRequest(`${name} must be a whole number, got ${JSON.stringify(v)}`);
  if (n < min || n > max) throw badRequest(`${name} must be from ${min} to ${max}, got ${n}`);
  return n;
}

export function optionalBoolean(value: unknown, name: string): boolean | undefined {
  const v = single(value, name);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badRequest(`${name} must be true or false, got ${JSON.stringify(v)}`);
}

export function optionalString(value: unknown, name: string): string | undefined {
  const v = single(value, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be a string, got ${JSON.stringify(v)}`);
  if (v.includes('\0')) throw badRequest(`${name} must not contain NUL characters`);
  return v;
}

/** Program arguments as Flink's `programArgs` string: whitespace separated, with '...' or "..." quoting. */
export function tokenizeArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]!));
  return out;
}

/**
 * Flink's run/plan request: body fields (`entryClass`, `programArgsList` or `programArgs`, `parallelism`,
 * `savepointPath`, `allowNonRestoredState`, `jobId`), else the query parameters (`entry-class`, `programArg`,
 * `parallelism`, `savepointPath`, `allowNonRestoredState`). The body wins where both are given.
 */
export function runRequest(body: unknown, query: Query): RunRequest {
  const b = bodyObject(body);
  const pick = (bodyKey: string, queryKey: string = bodyKey): unknown => (b[bodyKey] ?? undefined) !== undefined ? b[bodyKey] : query[queryKey];
  const entry = optionalString(pick('entryClass', 'entry-class'), 'entryClass');
  if (entry !== undefined && entry !== '' && !ENTRY.test(entry)) {
    throw badRequest(`entryClass must name an export of the job module (an identifier), got ${JSON.stringify(entry)}`);
  }
  let args: string[] | undefined;
  const list = b['programArgsList'];
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list) || !list.every((a) => typeof a === 'string')) {
      throw badRequest('programArgsList must be an array of strings');
    }
    args = list as string[];
  } else {
    const text = optionalString(b['programArgs'] ?? undefined, 'programArgs');
    if (text !== undefined) args = tokenizeArgs(text);
    else {
      const q = query['programArg'] ?? query['program-args'];
      if (q !== undefined) {
        const parts = Array.isArray(q) ? q : [q];
        if (!parts.every((p) => typeof p === 'string')) throw badRequest('programArg must be a string');
        args = (parts as string[]).flatMap((p) => p.split(',')).filter((p) => p !== '');
      }
    }
  }
  const parallelism = optionalInt(pick('parallelism'), 'parallelism');
  const savepointPath = optionalString(pick('savepointPath'), 'savepointPath');
  const allowNonRestoredState = optionalBoolean(pick('allowNonRestoredState'), 'allowNonRestoredState');
  const configuration = flinkConfiguration(b['flinkConfiguration']);
  const jobId = optionalString(b['jobId'] ?? undefined, 'jobId');
  if (jobId !== undefined && !HEX32.test(jobId)) throw badRequest(`jobId must be 32 lowercase hex digits, got ${JSON.stringify(jobId)}`);
  return {
    ...(entry !== undefined && entry !== '' ? { entry } : {}),
    ...(args !== undefined ? { args } : {}),
    ...(parallelism !== undefined ? { parallelism } : {}),
    ...(savepointPath !== undefined && savepointPath !== '' ? { savepointPath } : {}),
    ...(allowNonRestoredState !== undefined ? { allowNonRestoredState } : {}),
    ...(jobId !== undefined ? { jobId } : {}),
    ...(configuration !== undefined ? { configuration } : {}),
  };
}

/**
 * The run's `flinkConfiguration` (what `sluice run -m ... -D key=value` sends): an object of scalar values, each
 * known key checked by its option so that a bad value is a 400 naming the key rather than a failed job.
 */
function flinkConfiguration(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('flinkConfiguration must be an object of "key": "value" pairs');
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      throw badRequest(`flinkConfiguration: the value of '${key}' must be a string, number or boolean`);
    }
    try {
      findOption(key)?.parse(String(raw));
    } catch (error) {
      throw badRequest(`flinkConfiguration: ${(error as Error).message}`);
    }
    out[key] = String(raw);
  }
  return out;
}
