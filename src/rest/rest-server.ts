// The REST server (fastify): Flink's paths with and without /v1, Flink's error bodies, 404 vs 405, the optional
// bearer token on mutating requests, and the web UI at `/`.

import { createHash, timingSafeEqual } from 'node:crypto';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Dispatcher } from '../cluster/dispatcher.ts';
import type { Clock } from '../core/clock.ts';
import { componentLogger, type Logger } from '../core/logger.ts';
import { RestError, toRestError } from './rest-errors.ts';
import { registerClusterRoutes } from './routes/cluster-routes.ts';
import { registerJarRoutes } from './routes/jar-routes.ts';
import { registerJobRoutes } from './routes/job-routes.ts';
import { registerOperationRoutes } from './routes/operation-routes.ts';
import { registerWebUi } from './routes/web-ui-routes.ts';

/** What the REST API needs of the Dispatcher (a narrow view, so tests can stand in a fake). */
export type RestGateway = Pick<
  Dispatcher,
  | 'jobs'
  | 'job'
  | 'overview'
  | 'metricStore'
  | 'vertexLoad'
  | 'describeTaskManagers'
  | 'cancel'
  | 'uploadDirectory'
  | 'listBundles'
  | 'storeBundle'
  | 'bundle'
  | 'deleteBundle'
  | 'runBundle'
  | 'planBundle'
  | 'triggerSavepoint'
  | 'stop'
  | 'savepointStatus'
  | 'rescale'
  | 'rescaleStatus'
  | 'disposeSavepoint'
  | 'disposalStatus'
  | 'configuration'
>;

export interface RestServerOptions {
  /** `rest.auth.token`: required on mutating requests when not empty. */
  readonly authToken: string;
  /** `rest.upload.max-bytes`. */
  readonly uploadMaxBytes: number;
  /** Where `/jobmanager/logs` lists files (`env.log.dir`). */
  readonly logDirectory: string;
  /** sluice's version, reported as `flink-version`. */
  readonly version: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `DELETE /cluster` was accepted: called once its response is sent. */
  readonly onShutdownRequested: () => void;
}

export type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => unknown;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Registers a route under its Flink path and under `/v1`, and remembers it for 405 answers. */
export interface RouteTable {
  add(method: Method, path: string, handler: RouteHandler): void;
}

/** What route modules get: the gateway, the options and the route table. */
export interface RouteContext {
  readonly gateway: RestGateway;
  readonly options: RestServerOptions;
  readonly routes: RouteTable;
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * Builds the REST server over a Dispatcher (not yet listening). Every answer is JSON; errors are
 * `{ "errors": [...] }` with 400 (bad input), 401 (token), 404 (unknown path or id), 405 (wrong method),
 * 409 (the job's or cluster's state refuses it), 413 (too large); a 500 only for a bug.
 *
 * @example
 * const app = await createRestServer(dispatcher, options);
 * await app.listen({ host: '127.0.0.1', port: 8081 });
 */
export async function createRestServer(gateway: RestGateway, options: RestServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // Requests with a body over 1 MiB are not JSON this API takes (uploads are multipart and limited apart).
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    // A URL that cannot be decoded, or a bad content type, before any route runs: still Flink's error body.
    frameworkErrors: (error, _request, reply) => {
      const rest = toRestError(error);
      void (reply as FastifyReply).code(rest.status >= 500 ? 400 : rest.status).send({ errors: [rest.message] });
    },
  });
  await app.register(multipart, {
    // The upload name reaches JobBundles as sent, so a name with a path is refused rather than silently cut.
    preservePath: true,
    throwFileSizeLimit: false,
    limits: { fileSize: options.uploadMaxBytes, files: 1, fields: 16, parts: 20, fieldSize: 64 * 1024 },
  });

  const patterns: { method: Method; regex: RegExp }[] = [];
  const routes: RouteTable = {
    add(method, path, handler) {
      for (const url of [path, `/v1${path}`]) app.route({ method, url, handler });
      patterns.push({ method, regex: new RegExp(`^(?:/v1)?${path.replace(/:[^/]+/g, '[^/]+')}/?$`) });
    },
  };

  const expected = options.authToken === '' ? undefined : digest(options.authToken);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    if (!MUTATING.has(request.method)) return;
    // A browser page of another origin may not change the cluster (CSRF): the web UI is same-origin, and
    // clients that are not browsers send no Origin.
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null' && hostOf(origin) !== hostOf(`http://${request.headers.host ?? ''}`)) {
      throw new RestError(403, `Cross-origin requests may not change the cluster (Origin ${origin})`);
    }
    if (origin === 'null') throw new RestError(403, 'Requests from an opaque origin may not change the cluster');
    if (expected === undefined) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match === null || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
      throw new RestError(
        401,
        'This endpoint needs the cluster token (rest.auth.token): send the header "Authorization: Bearer <token>"',
        { 'WWW-Authenticate': 'Bearer realm="sluice"' },
      );
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const rest = toRestError(error);
    if (rest.status >= 500) {
      componentLogger(options.logger, 'sluice.rest').error('REST handler failed', { method: request.method, url: request.url, error: (error as Error).stack ?? String(error) });
    }
    void reply.code(rest.status).headers(rest.headers).send({ errors: [rest.message] });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!.replace(/\/{2,}/g, '/');
    const allowed = [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))];
    if (allowed.length > 0) {
      const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
      void reply
        .code(405)
        .header('Allow', allow.join(', '))
        .send({ errors: [`Request method ${request.method} is not allowed for ${path}; allowed: ${allow.join(', ')}`] });
      return;
    }
    void reply.code(404).send({ errors: [`Not found: ${path}`] });
  });

  const context: RouteContext = { gateway, options, routes };
  registerClusterRoutes(context);
  registerJarRoutes(context);
  registerJobRoutes(context);
  registerOperationRoutes(context);
  registerWebUi(app);
  return app;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
