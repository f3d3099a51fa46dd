// The REST server over a fake Dispatcher: Flink's error bodies with 400/401/404/405/409/413 statuses, paths with
// and without /v1, log names that are paths refused, and the web UI served.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/cluster/not-found-error.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { IllegalStateError, NotEnoughSlotsError } from '../../../src/core/errors.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { createRestServer, type RestGateway } from '../../../src/rest/rest-server.ts';
import { toRestError } from '../../../src/rest/rest-errors.ts';
import { MetricStore } from '../../../src/metrics/metric-store.ts';

const JOB = '0123456789abcdef0123456789abcdef';
const unknownJob = (id: string): never => {
  throw new NotFoundError('job', `Job ${id} not found`);
};

/** A Dispatcher stand-in: no jobs, no bundles; operations on the one known id refuse as a finished job would. */
const fake: RestGateway = {
  configuration: new Configuration({ 'rest.auth.token': 'tok', 'parallelism.default': 2 }),
  uploadDirectory: '/tmp/none',
  jobs: () => [],
  job: unknownJob,
  overview: () => ({ taskManagers: 1, slotsTotal: 2, slotsAvailable: 2, jobsRunning: 0, jobsFinished: 0, jobsCancelled: 0, jobsFailed: 0 }),
  metricStore: () => new MetricStore(),
  vertexLoad: () => undefined,
  describeTaskManagers: () => [{ id: 'taskmanager-0', index: 0, slots: 2, freeSlots: 2, jobs: [], registeredAt: 0 }],
  cancel: unknownJob,
  listBundles: () => [],
  storeBundle: async () => {
    throw new Error('not in this test');
  },
  bundle: (id) => {
    throw new NotFoundError('jar', `Jar ${id} not found`);
  },
  deleteBundle: async (id) => {
    throw new NotFoundError('jar', `Jar ${id} not found`);
  },
  runBundle: async () => {
    throw new NotEnoughSlotsError(3, 2, 'x');
  },
  planBundle: async () => {
    throw new IllegalStateError('x');
  },
  triggerSavepoint: unknownJob,
  stop: unknownJob,
  savepointStatus: unknownJob,
  rescale: async (id) => unknownJob(id),
  rescaleStatus: unknownJob,
  disposeSavepoint: () => 'f'.repeat(32),
  disposalStatus: (id) => {
    throw new NotFoundError('trigger', `no disposal ${id}`);
  },
};

let app: FastifyInstance;
let logs: string;
let shutdownRequested = 0;

beforeAll(async () => {
  logs = await mkdtemp(join(tmpdir(), 'sluice-rest-unit-'));
  await writeFile(join(logs, 'jobmanager.log'), 'line 1\n');
  app = await createRestServer(fake, {
    authToken: 'tok',
    uploadMaxBytes: 1024,
    logDirectory: logs,
    version: '9.9.9',
    clock: systemClock,
    logger: silentLogger,
    onShutdownRequested: () => shutdownRequested++,
  });
});

afterAll(async () => {
  await app.close();
  await rm(logs, { recursive: true, force: true });
});

const auth = { authorization: 'Bearer tok' };

describe('REST server', () => {
  it('serves Flink paths with and without /v1', async () => {
    for (const url of ['/overview', '/v1/overview', '/overview/']) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.json()).toMatchObject({ taskmanagers: 1, 'slots-total': 2, 'flink-version': '9.9.9' });
    }
    expect((await app.inject({ url: '/jobs/overview' })).json()).toEqual({ jobs: [] });
    expect((await app.inject({ url: '/jars' })).json()).toMatchObject({ files: [] });
    expect((await app.inject({ url: '/taskmanagers' })).json().taskmanagers[0]).toMatchObject({ id: 'taskmanager-0', slotsNumber: 2 });
    expect((await app.inject({ url: '/jobmanager/config' })).json()).toContainEqual({ key: 'rest.auth.token', value: '******' });
    expect((await app.inject({ url: '/config' })).json()).toMatchObject({ 'flink-version': '9.9.9', features: { 'web-submit': true } });
  });

  it('answers unknown paths 404 and wrong methods 405 with Allow', async () => {
    const missing = await app.inject({ url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ errors: ['Not found: /nope'] });
    const wrong = await app.inject({ method: 'DELETE', url: '/v1/overview', headers: auth });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers['allow']).toBe('GET, HEAD');
    expect((await app.inject({ method: 'PUT', url: `/jobs/${JOB}/savepoints`, headers: auth })).statusCode).toBe(405);
  });

  it('requires the token on mutating requests only', async () => {
    const none = await app.inject({ method: 'PATCH', url: `/jobs/${JOB}?mode=cancel` });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect((await app.inject({ method: 'PATCH', url: `/jobs/${JOB}`, headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'PATCH', url: `/jobs/${JOB}`, headers: { authorization: 'Basic tok' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'PATCH', url: `/jobs/${JOB}`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ url: `/jobs/${JOB}` })).statusCode).toBe(404);
  });

  it('refuses mutating requests from another origin (CSRF) and serves same-origin ones', async () => {
    const cross = await app.inject({ method: 'PATCH', url: `/jobs/${JOB}`, headers: { ...auth, origin: 'http://evil.example' } });
    expect(cross.statusCode).toBe(403);
    expect((await app.inject({ method: 'PATCH', url: `/jobs/${JOB}`, headers: { ...auth, origin: 'null' } })).statusCode).toBe(403);
    const same = await app.inject({ method: 'PATCH', url: `/jobs/${JOB}`, headers: { ...auth, origin: 'http://localhost:80', host: 'localhost:80' } });
    expect(same.statusCode).toBe(404);
    expect((await app.inject({ url: '/overview', headers: { origin: 'http://evil.example' } })).statusCode).toBe(200);
  });

  it('maps bad input to 400, unknown ids to 404 and refused states to 409', async () => {
    const malformed = await app.inject({ method: 'POST', url: '/savepoint-disposal', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"x"' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0]).toMatch(/JSON/);
    const noPath = await app.inject({ method: 'POST', url: '/savepoint-disposal', headers: auth, payload: {} });
    expect(noPath.statusCode).toBe(400);
    const disposal = await app.inject({ method: 'POST', url: '/savepoint-disposal', headers: auth, payload: { 'savepoint-path': '/sp' } });
    expect(disposal.statusCode).toBe(202);
    expect(disposal.json()).toEqual({ 'request-id': 'f'.repeat(32) });
    expect((await app.inject({ url: '/jobs/not-hex' })).statusCode).toBe(404);
    expect((await app.inject({ url: `/jobs/${JOB}/rescaling/xyz` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PATCH', url: `/jobs/${JOB}/rescaling?parallelism=x`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/jars/upload', headers: auth, payload: { a: 1 } })).statusCode).toBe(400);
    const text = await app.inject({ method: 'POST', url: '/savepoint-disposal', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'x' });
    expect(text.statusCode).toBe(400); // a text body is not the JSON object this endpoint takes
    expect(text.json().errors).toHaveLength(1);
    const badUrl = await app.inject({ url: '/jobs/%zz' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().errors).toHaveLength(1);
  });

  it('serves log files by listed name only', async () => {
    expect((await app.inject({ url: '/jobmanager/logs' })).json().logs).toEqual([expect.objectContaining({ name: 'jobmanager.log', size: 7 })]);
    const log = await app.inject({ url: '/jobmanager/logs/jobmanager.log' });
    expect(log.statusCode).toBe(200);
    expect(log.body).toBe('line 1\n');
    for (const name of ['..%2f..%2fetc%2fpasswd', '%252e%252e%252fpasswd', '%2fetc%2fpasswd', 'a%5c..%5cb']) {
      expect((await app.inject({ url: `/jobmanager/logs/${name}` })).statusCode, name).toBe(400);
    }
    expect((await app.inject({ url: '/jobmanager/logs/missing.log' })).statusCode).toBe(404);
  });

  it('accepts DELETE /cluster and asks for a shutdown once answered', async () => {
    const r = await app.inject({ method: 'DELETE', url: '/cluster', headers: auth });
    expect(r.statusCode).toBe(202);
    expect(shutdownRequested).toBe(1);
  });

  it('serves the web UI page and script', async () => {
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('<main>');
    const script = await app.inject({ url: '/app.js' });
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.body).toContain('export const API');
  });
});

describe('toRestError', () => {
  it('keeps 500 for unexpected errors only', () => {
    expect(toRestError(new NotEnoughSlotsError(2, 1, 'x')).status).toBe(409);
    expect(toRestError(new IllegalStateError('x')).status).toBe(409);
    expect(toRestError(new NotFoundError('job', 'x')).status).toBe(404);
    expect(toRestError(Object.assign(new Error('too big'), { statusCode: 413 })).status).toBe(413);
    expect(toRestError(new TypeError('bug')).status).toBe(500);
  });
});
