// The CLI's client of the JobManager's REST API: Node's fetch with timeouts, Flink error bodies as typed errors.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SluiceError } from '../core/errors.ts';

/** Default time one request may take before it is abandoned. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** A JSON value as the REST API sends it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface RestClientOptions {
  /** `http://host:port`, without a trailing slash or path. */
  baseUrl: string;
  /** `rest.auth.token`: sent as `Authorization: Bearer <token>` on every request. */
  token?: string | undefined;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** The fetch to use (tests inject one); Node's global fetch by default. */
  fetch?: typeof fetch;
}

/**
 * The JobManager answered with an error status (code ILLEGAL_ARGUMENT for a bad request, ILLEGAL_STATE for 409
 * and 5xx). `errors` are the messages of Flink's `{"errors": [...]}` body
 * (or the body's text when it was not JSON); the error's message is the first of them.
 */
export class RestRequestError extends SluiceError {
  readonly status: number;
  readonly errors: readonly string[];
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, status: number, errors: readonly string[]) {
    const first = errors.find((e) => e.trim() !== '')?.split('\n')[0]?.trim();
    super(
      // 409: the cluster's state refuses it (job not running, too few slots); 5xx: its fault; else the request's.
      status === 409 || status >= 500 ? 'ILLEGAL_STATE' : 'ILLEGAL_ARGUMENT',
      `${first ?? `HTTP ${status}`} (HTTP ${status} from ${method} ${path})`,
    );
    this.status = status;
    this.errors = errors;
    this.method = method;
    this.path = path;
  }
}

/** The JobManager could not be reached, or did not answer in time. Retrying later may help. */
export class ClusterUnreachableError extends SluiceError {
  readonly baseUrl: string;
  constructor(baseUrl: string, detail: string, cause?: unknown) {
    super(
      'ILLEGAL_STATE',
      `cannot reach the JobManager at ${baseUrl} (${detail}); start one with 'sluice cluster start', or name its ` +
        `REST address with -m host:port (or rest.address / rest.port)`,
      { cause, retriable: true },
    );
    this.baseUrl = baseUrl;
  }
}

/** The JobManager answered with something that is not the JSON the API promises. */
export class UnexpectedResponseError extends SluiceError {
  constructor(method: string, path: string, detail: string) {
    super('ILLEGAL_STATE', `unexpected answer to ${method} ${path}: ${detail}`);
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * A small client of sluice's (Flink's) REST API. Every call resolves with the parsed JSON body, or rejects with a
 * {@link RestRequestError} (error status), {@link ClusterUnreachableError} (connection refused, timeout) or
 * {@link UnexpectedResponseError}.
 *
 * @example
 * const rest = new RestClient({ baseUrl: 'http://127.0.0.1:8081' });
 * const overview = await rest.get('/v1/jobs/overview');
 */
export class RestClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: RestClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#fetch = options.fetch ?? fetch;
  }

  get(path: string, timeoutMs?: number): Promise<Json> {
    return this.#request('GET', path, undefined, timeoutMs);
  }

  post(path: string, body?: Json): Promise<Json> {
    return this.#request('POST', path, body);
  }

  patch(path: string, body?: Json): Promise<Json> {
    return this.#request('PATCH', path, body);
  }

  delete(path: string): Promise<Json> {
    return this.#request('DELETE', path);
  }

  /** `POST /v1/jars/upload` with the file as multipart field `jarfile`; resolves with the upload's JSON answer. */
  async uploadJar(filePath: string): Promise<Json> {
    const bytes = await readFile(filePath);
    const form = new FormData();
    form.append('jarfile', new Blob([bytes], { type: 'application/octet-stream' }), basename(filePath));
    return this.#request('POST', '/v1/jars/upload', form);
  }

  async #request(method: Method, path: string, body?: Json | FormData, timeoutMs = this.#timeoutMs): Promise<Json> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== undefined && this.#token !== '') headers['authorization'] = `Bearer ${this.#token}`;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(this.baseUrl + path, {
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new ClusterUnreachableError(this.baseUrl, describeFetchFailure(error, method, path, timeoutMs), error);
    }
    const parsed = parseJson(text);
    if (!response.ok) throw new RestRequestError(method, path, response.status, errorMessages(parsed, text, response));
    if (text.trim() === '') return null;
    if (parsed === undefined) throw new UnexpectedResponseError(method, path, `not JSON: ${text.slice(0, 120)}`);
    return parsed;
  }
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** Flink's `{"errors": [...]}` messages, else the body's text, else the status text. */
function errorMessages(parsed: Json | undefined, text: string, response: Response): string[] {
  if (isObject(parsed) && Array.isArray(parsed['errors'])) {
    const errors = parsed['errors'].map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    if (errors.length > 0) return errors;
  }
  if (text.trim() !== '') return [text.trim()];
  return [response.statusText || `HTTP ${response.status}`];
}

function describeFetchFailure(error: unknown, method: Method, path: string, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer to ${method} ${path} within ${timeoutMs} ms`;
  const cause = e.cause;
  if (cause?.code !== undefined) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return e.message ?? String(error);
}

export function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
