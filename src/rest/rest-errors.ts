// REST errors: Flink's `{ "errors": [...] }` bodies with the right status for each kind of failure.

import { NotFoundError } from '../cluster/not-found-error.ts';
import { UploadTooLargeError } from '../cluster/job-bundles.ts';

/** An error answer: its HTTP status and the messages of `{ "errors": [...] }`. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'RestError';
  }
}

export const badRequest = (message: string): RestError => new RestError(400, message);
export const notFound = (message: string): RestError => new RestError(404, message);

/** Codes of errors a request caused (bad input, a program that cannot run): 400. */
const BAD_INPUT_CODES = new Set([
  'ILLEGAL_ARGUMENT',
  'CONFIG_INVALID',
  'CONFIG_UNKNOWN_KEY',
  'INVALID_PROGRAM',
  'JOB_MODULE_INVALID',
  'JOB_MODULE_REQUIRED',
  'JOB_REPLAY_MISMATCH',
  'STATE_NOT_RESTORED',
  'STATE_INCOMPATIBLE',
  'CHECKPOINT_INVALID',
]);
/** Codes of requests the cluster's current state refuses (a job not running, too few slots): 409. */
const CONFLICT_CODES = new Set(['ILLEGAL_STATE', 'NOT_ENOUGH_SLOTS']);

/**
 * The status and message for any error a handler raised. Fastify's own client errors (malformed JSON, wrong
 * content type, body too large) keep their 4xx status; anything unexpected is a 500 with a generic message.
 */
export function toRestError(error: unknown): RestError {
  if (error instanceof RestError) return error;
  if (error instanceof NotFoundError) return new RestError(404, error.message);
  if (error instanceof UploadTooLargeError) return new RestError(413, error.message);
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (typeof e?.code === 'string' && BAD_INPUT_CODES.has(e.code)) return new RestError(400, message);
  if (typeof e?.code === 'string' && CONFLICT_CODES.has(e.code)) return new RestError(409, message);
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new RestError(e.statusCode, clientMessage(e.code, message));
  }
  return new RestError(500, `Internal server error: ${message}`);
}

/** Fastify's messages for common client errors, said the way an operator can act on. */
function clientMessage(code: unknown, message: string): string {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `Request body is not valid JSON: ${message}`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `Request body is too large: ${message}`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `${message}: send application/json (or multipart/form-data to /jars/upload)`;
    default:
      return message;
  }
}
