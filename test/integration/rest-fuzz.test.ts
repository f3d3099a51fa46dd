// Fuzzing the REST API of a real JobManager: random methods, paths (Flink's routes with random ids, traversal and
// encoded segments) and bodies never get a 5xx and never stop the server. Runs are bounded (SLUICE_FUZZ_RUNS).
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobManager, type RunningJobManager } from '../../src/cluster/job-manager-process.ts';
import { Configuration } from '../../src/config/configuration.ts';

const RUNS = Number(process.env['SLUICE_FUZZ_RUNS'] ?? 300);

let dir: string;
let jm: RunningJobManager;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-rest-fuzz-'));
  jm = await startJobManager({
    configuration: new Configuration({
      'rest.port': 0,
      'jobmanager.rpc.port': 0,
      'web.upload.dir': join(dir, 'jars'),
      'env.log.dir': join(dir, 'logs'),
      'rest.upload.max-bytes': 4096,
    }),
  });
});

afterAll(async () => {
  await jm?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

const TEMPLATES = [
  '/overview',
  '/config',
  '/jobmanager/config',
  '/jobmanager/metrics',
  '/jobmanager/logs',
  '/jobmanager/logs/:x',
  '/taskmanagers',
  '/taskmanagers/:x',
  '/taskmanagers/:x/metrics',
  '/taskmanagers/metrics',
  '/jars',
  '/jars/upload',
  '/jars/:x',
  '/jars/:x/plan',
  '/jars/:x/run',
  '/jobs',
  '/jobs/overview',
  '/jobs/:x',
  '/jobs/:x/plan',
  '/jobs/:x/config',
  '/jobs/:x/exceptions',
  '/jobs/:x/checkpoints',
  '/jobs/:x/checkpoints/config',
  '/jobs/:x/checkpoints/details/:x',
  '/jobs/:x/metrics',
  '/jobs/:x/vertices/:x',
  '/jobs/:x/vertices/:x/metrics',
  '/jobs/:x/vertices/:x/subtasks/metrics',
  '/jobs/:x/vertices/:x/backpressure',
  '/jobs/:x/savepoints',
  '/jobs/:x/savepoints/:x',
  '/jobs/:x/stop',
  '/jobs/:x/rescaling',
  '/jobs/:x/rescaling/:x',
  '/savepoint-disposal',
  '/savepoint-disposal/:x',
  '/',
  '/app.js',
];

const segment = fc.oneof(
  fc.constantFrom(
    '0123456789abcdef0123456789abcdef',
    '..',
    '%2e%2e',
    '%252e%252e%252f',
    '..%2f..%2fetc%2fpasswd',
    '%00',
    '%',
    '%zz',
    'taskmanager-0',
    '00000000-0000-0000-0000-000000000000_x.ts',
    '-1',
    '1e309',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.stringMatching(/^[0-9a-f]{1,40}$/),
);

const path = fc
  .tuple(fc.constantFrom(...TEMPLATES), fc.array(segment, { minLength: 4, maxLength: 4 }), fc.boolean(), fc.constantFrom('', '/', '//x'))
  .map(([template, segments, v1, tail]) => {
    let i = 0;
    const p = template.replace(/:x/g, () => segments[i++]!);
    return `${v1 ? '/v1' : ''}${p}${tail === '//x' ? '' : tail}`;
  });

const query = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.constantFrom('parallelism', 'mode', 'get', 'agg', 'subtasks', 'entry-class', 'programArg', 'savepointPath', 'allowNonRestoredState', 'x'),
        fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.constantFrom('cancel', 'min,max', '0-3,x', 'true')),
      ),
      { maxLength: 3 },
    )
    .map((pairs) => '?' + pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')),
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ type: 'application/json', data: JSON.stringify(v) })),
  fc
    .record({
      'target-directory': fc.constantFrom(undefined, 42, ''),
      'cancel-job': fc.constantFrom(undefined, 'yes', true),
      parallelism: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })),
      programArgsList: fc.oneof(fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }), fc.integer()),
      'savepoint-path': fc.constantFrom(undefined, '', '/', '/nonexistent/savepoint', '../..', 12),
      drain: fc.constantFrom(undefined, 'x', false),
      jobId: fc.constantFrom(undefined, 'nope', '0123456789abcdef0123456789abcdef'),
    })
    .map((v) => ({ type: 'application/json', data: JSON.stringify(v) })),
  fc.string({ maxLength: 60 }).map((s) => ({ type: 'application/json', data: s })),
  fc.string({ maxLength: 60 }).map((s) => ({ type: 'text/plain', data: s })),
  fc.string({ maxLength: 60 }).map((s) => ({ type: 'multipart/form-data; boundary=XyZ', data: `--XyZ\r\n${s}\r\n--XyZ--\r\n` })),
  fc
    .tuple(fc.constantFrom('a.ts', '../a.ts', 'a.tgz', 'a.exe', '', '%2e%2e%2fa.ts'), fc.string({ maxLength: 40 }))
    .map(([name, content]) => ({
      type: 'multipart/form-data; boundary=XyZ',
      data: `--XyZ\r\nContent-Disposition: form-data; name="jarfile"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n--XyZ--\r\n`,
    })),
);

function send(method: string, url: string, payload: { type: string; data: string } | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      payload === undefined ? {} : { 'content-type': payload.type, 'content-length': String(Buffer.byteLength(payload.data)) };
    // A fresh connection each time: the server closes one after a request it cannot parse.
    const req = httpRequest(`${jm.restUrl}/`, { method, path: url, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(payload?.data);
  });
}

describe('REST fuzzing', () => {
  it('never answers 5xx and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS'),
        path,
        query,
        body,
        async (method, p, q, payload) => {
          // The one request that is meant to stop the server.
          fc.pre(!(method === 'DELETE' && /^(\/v1)?\/cluster\/?$/.test(p)));
          // GET and HEAD carry no body (a client would not send one; Node's parsers then disagree on framing).
          const status = await send(method, p + q, method === 'GET' || method === 'HEAD' ? undefined : payload);
          expect(status, `${method} ${p}${q}`).toBeGreaterThanOrEqual(200);
          expect(status, `${method} ${p}${q} ${payload?.data ?? ''}`).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS, seed: Number(process.env['SLUICE_FUZZ_SEED'] ?? Date.now() % 2 ** 31), verbose: 1 },
    );
    expect(await send('GET', '/overview', undefined)).toBe(200);
  });
});
