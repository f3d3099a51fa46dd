// A TaskManager process's executor against a JobManager server in this process: it retries with backoff (and says
// so) while nothing listens, registers once the JobManager is up, registers again after the JobManager went away,
// and stops when the JobManager shuts the cluster down.
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Configuration } from '../../../src/config/configuration.ts';
import { readMetricSettings } from '../../../src/config/metric-options.ts';
import { silentLogger, type Logger } from '../../../src/core/logger.ts';
import { BundleShipper } from '../../../src/runtime/remote/bundle-shipper.ts';
import { DataServer } from '../../../src/runtime/remote/data-server.ts';
import { JobManagerServer } from '../../../src/runtime/remote/job-manager-server.ts';
import type { RemoteTaskManager } from '../../../src/runtime/remote/remote-task-manager.ts';
import { TaskExecutor } from '../../../src/runtime/remote/task-executor.ts';
import type { StreamGraph } from '../../../src/graph/stream-graph.ts';
import type { TaskSpec } from '../../../src/runtime/protocol.ts';

let dir: string;
let port: number;
let server: JobManagerServer | undefined;
let executor: TaskExecutor | undefined;
const warnings: string[] = [];
const registered: string[] = [];
const live: RemoteTaskManager[] = [];

const logger: Logger = { ...silentLogger, warn: (message) => void warnings.push(message), child: () => logger };

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port: free } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return free;
}

async function startServer(): Promise<JobManagerServer> {
  server = await JobManagerServer.start({
    bindHost: '127.0.0.1',
    port,
    heartbeat: { intervalMs: 50, timeoutMs: 2000 },
    metricSettings: readMetricSettings(new Configuration()),
    metrics: { applyDumps: () => {}, removeSource: () => {} },
    bundles: new BundleShipper(undefined),
    dataServer: new DataServer(silentLogger),
    registry: { taskManagerRegistered: (tm) => void live.push(tm), taskManagerLost: () => {} },
    logger: silentLogger,
  });
  return server;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-task-executor-'));
  port = await freePort();
  warnings.length = 0;
  registered.length = 0;
  live.length = 0;
});

afterEach(async () => {
  await executor?.stop();
  await server?.close();
  server = undefined;
  executor = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A TaskExecutor against the test's JobManager port, with fast backoff; `options` name it and its slots. */
function startExecutor(
  options: Pick<Parameters<typeof TaskExecutor.start>[0], 'resourceId' | 'slots' | 'host'> & Partial<Parameters<typeof TaskExecutor.start>[0]>,
): Promise<TaskExecutor> {
  return TaskExecutor.start({
    jobManager: { host: '127.0.0.1', port },
    bindHost: '127.0.0.1',
    dataPort: 0,
    backoff: { initialMs: 10, maxMs: 40 },
    heartbeatTimeoutMs: 2000,
    workDirectory: join(dir, 'work'),
    logger,
    ...options,
  });
}

describe('TaskExecutor', () => {
  it('retries with backoff while the JobManager is unreachable, registers when it is up, and again after it went away', async () => {
    executor = await startExecutor({
      resourceId: 'tm-test',
      slots: 2,
      host: undefined,
      onRegistered: (r) => void registered.push(`${r.taskManagerId} at ${r.jobManager} with ${r.slots}`),
    });
    expect(executor.dataPort).toBeGreaterThan(0);
    await vi.waitFor(() => expect(warnings.filter((w) => w.includes('is unreachable')).length).toBeGreaterThanOrEqual(3));
    expect(warnings[0]).toBe(`JobManager at 127.0.0.1:${port} is unreachable (ECONNREFUSED); trying again in 10 ms`);
    expect(warnings).toContain(`JobManager at 127.0.0.1:${port} is unreachable (ECONNREFUSED); trying again in 40 ms`);
    await startServer();
    await vi.waitFor(() => expect(registered).toEqual([`tm-test at 127.0.0.1:${port} with 2`]));
    // It names the local address of its connection as its data address.
    expect(live[0]!.dataAddress).toEqual({ host: '127.0.0.1', port: executor.dataPort });
    await server!.close();
    await vi.waitFor(() => expect(warnings.some((w) => w.startsWith('lost the connection to the JobManager'))).toBe(true));
    await startServer();
    await vi.waitFor(() => expect(registered).toHaveLength(2));
  });

  it('stops when the JobManager shuts the cluster down', async () => {
    await startServer();
    executor = await startExecutor({ resourceId: 'tm-down', slots: 1, host: 'tm-down.example' });
    await vi.waitFor(() => expect(live).toHaveLength(1));
    expect(live[0]!.address).toBe(`tm-down.example:${executor.dataPort}`);
    // A module it cannot read fails the deployment, saying why and what to do.
    const spec = { jobId: 'j'.repeat(32), inputs: [], outputs: [], collect: undefined } as unknown as TaskSpec;
    const report = await live[0]!.deploy(spec, {} as StreamGraph, { url: 'file:///nowhere/job.ts', entry: 'default', args: [] }, {
      acknowledgeCheckpoint: () => {},
      declineCheckpoint: () => {},
      endOfInput: () => {},
      running: () => {},
    }).result;
    expect(report.status === 'FAILED' && report.error.message).toMatch(
      /^the job module \/nowhere\/job\.ts is not readable on TaskManager tm-down \(ENOENT\)\. .*upload it to the cluster as a bundle/,
    );
    expect(report.status === 'FAILED' && report.error.code).toBe('JOB_MODULE_INVALID');
    await live[0]!.shutdown();
    expect(await executor.terminated).toEqual({ reason: 'shutdown' });
  });
});
