#!/usr/bin/env node
// Container health check (Docker HEALTHCHECK, docker-compose): exit 0 when the JobManager's GET /v1/overview
// answers 200, else 1. Plain Node (no tsx, no dependencies) so that it starts fast.
//
// Usage: node healthcheck.mjs [url]
//   url  default http://127.0.0.1:$SLUICE_REST_PORT/v1/overview ($SLUICE_REST_PORT default 8081)

const TIMEOUT_MS = 4_000;

const port = process.env.SLUICE_REST_PORT || '8081';
const url = process.argv[2] ?? `http://127.0.0.1:${port}/v1/overview`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  await response.body?.cancel();
  if (response.status !== 200) {
    process.stderr.write(`unhealthy: GET ${url} answered ${response.status}\n`);
    process.exitCode = 1;
  }
} catch (error) {
  process.stderr.write(`unhealthy: GET ${url} failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
