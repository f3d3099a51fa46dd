// deploy/healthcheck.mjs, the image's HEALTHCHECK: exit 0 only when GET /v1/overview answers 200.

import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './deploy-files.ts';

const SCRIPT = join(REPO, 'deploy/healthcheck.mjs');

/** A stand-in JobManager: 200 with an overview on /v1/overview while `ready`, 503 before; records the paths asked. */
let ready = true;
const requested: string[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    requested.push(request.url ?? '');
    if (request.url !== '/v1/overview') return void response.writeHead(404).end();
    if (!ready) return void response.writeHead(503).end('{"errors":["starting"]}');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"taskmanagers":1,"slots-total":1}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Runs the script as the image does (`node healthcheck.mjs [url]`) and resolves with its exit code and stderr. */
function check(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 10_000 }, (error, _stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stderr });
    });
  });
}

describe('deploy/healthcheck.mjs', () => {
  it('asks GET /v1/overview on 127.0.0.1:$SLUICE_REST_PORT and exits 0 on 200', async () => {
    ready = true;
    requested.length = 0;
    const result = await check([], { SLUICE_REST_PORT: String(port) });
    expect(result).toEqual({ code: 0, stderr: '' });
    expect(requested).toEqual(['/v1/overview']);
  });

  it('exits 1 while the JobManager answers anything but 200, naming the status', async () => {
    ready = false;
    const result = await check([`http://127.0.0.1:${port}/v1/overview`]);
    ready = true;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('answered 503');
  });

  it('exits 1 when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await check([], { SLUICE_REST_PORT: String(unused) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`GET http://127.0.0.1:${unused}/v1/overview failed`);
  });
});
