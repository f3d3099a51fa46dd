// The CLI's REST client against a fake JobManager: JSON in and out, Flink error bodies, token, upload, timeouts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterUnreachableError, RestClient, RestRequestError, UnexpectedResponseError } from '../../../src/cli/rest-client.ts';
import { FakeRestServer } from './fake-rest-server.ts';

let server: FakeRestServer;
beforeEach(async () => {
  server = await new FakeRestServer().start();
});
afterEach(async () => {
  await server.stop();
});

describe('RestClient', () => {
  it('sends JSON and parses JSON answers; an empty answer is null', async () => {
    server.on('POST', '/v1/jobs/x/stop', (req) => ({ body: { echoed: JSON.parse(req.body) as unknown } }));
    server.on('PATCH', '/v1/jobs/x?mode=cancel', { status: 202, text: '' });
    const rest = new RestClient({ baseUrl: server.url + '/' });
    expect(await rest.post('/v1/jobs/x/stop', { drain: true })).toEqual({ echoed: { drain: true } });
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
    expect(await rest.patch('/v1/jobs/x?mode=cancel')).toBeNull();
  });

  it("turns Flink's {errors: [...]} into a RestRequestError with the first message and the status", async () => {
    server.on('GET', '/v1/jobs/abc', { status: 404, body: { errors: ['Job abc not found', 'stack...'] } });
    const rest = new RestClient({ baseUrl: server.url });
    const error = await rest.get('/v1/jobs/abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestRequestError);
    const e = error as RestRequestError;
    expect(e.status).toBe(404);
    expect(e.errors).toEqual(['Job abc not found', 'stack...']);
    expect(e.message).toBe('Job abc not found (HTTP 404 from GET /v1/jobs/abc)');
  });

  it('uses the body text, or the status, when the error body is not Flink JSON', async () => {
    server.on('GET', '/v1/plain', { status: 500, text: 'Internal trouble\nmore' });
    server.on('GET', '/v1/ok-but-not-json', { text: '<html>' });
    const rest = new RestClient({ baseUrl: server.url });
    await expect(rest.get('/v1/plain')).rejects.toThrow('Internal trouble (HTTP 500 from GET /v1/plain)');
    await expect(rest.get('/v1/ok-but-not-json')).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it('sends rest.auth.token as a bearer token', async () => {
    server.on('GET', '/v1/overview', (req) =>
      req.headers['authorization'] === 'Bearer s3cret' ? { body: { 'flink-version': 'x' } } : { status: 401, body: { errors: ['Unauthorized'] } },
    );
    await expect(new RestClient({ baseUrl: server.url }).get('/v1/overview')).rejects.toThrow('Unauthorized (HTTP 401');
    expect(await new RestClient({ baseUrl: server.url, token: 's3cret' }).get('/v1/overview')).toEqual({ 'flink-version': 'x' });
  });

  it('uploads a file as multipart field "jarfile" with its name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-rest-client-'));
    try {
      const file = join(dir, 'my-job.ts');
      await writeFile(file, 'export default () => {};\n');
      server.on('POST', '/v1/jars/upload', { body: { filename: '/tmp/jars/1234_my-job.ts', status: 'success' } });
      const answer = await new RestClient({ baseUrl: server.url }).uploadJar(file);
      expect(answer).toEqual({ filename: '/tmp/jars/1234_my-job.ts', status: 'success' });
      const req = server.requests[0]!;
      expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(req.body).toMatch(/Content-Disposition: form-data; name="jarfile"; filename="my-job.ts"/);
      expect(req.body).toContain('export default () => {};');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a refused connection as ClusterUnreachableError naming the address and how to fix it', async () => {
    await server.stop();
    const rest = new RestClient({ baseUrl: server.url });
    const error = (await rest.get('/v1/overview').catch((e: unknown) => e)) as ClusterUnreachableError;
    expect(error).toBeInstanceOf(ClusterUnreachableError);
    expect(error.message).toContain(`cannot reach the JobManager at ${server.url} (ECONNREFUSED`);
    expect(error.message).toContain('-m host:port');
    expect(error.retriable).toBe(true);
  });

  it('gives up on a JobManager that does not answer within the timeout', async () => {
    // A TCP server that accepts and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const rest = new RestClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 });
      await expect(rest.get('/v1/overview')).rejects.toThrow('no answer to GET /v1/overview within 200 ms');
    } finally {
      silent.close();
    }
  });
});
