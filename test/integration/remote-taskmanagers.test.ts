// TaskManager processes: a JobManager in this process with no TaskManager threads, two real `sluice taskmanager`
// child processes that register with it, a keyed job at parallelism 2 across them (its bundle shipped to them,
// records crossing processes over framed TCP), a TaskManager killed during a checkpointed job (the job fails over
// with an error naming it and, once a replacement registers, ends with exactly-once output), SIGTERM stopping one,
// and DELETE /cluster stopping the TaskManager processes too.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startJobManager, type RunningJobManager } from '../../src/cluster/job-manager-process.ts';
import { Configuration } from '../../src/config/configuration.ts';
import { KEYS } from '../fixtures/jobs/rest-counting.ts';
import { awaitJobState, committedLines, getJson, REPO } from './cli-support.ts';

const FIXTURE = new URL('../fixtures/jobs/rest-counting.ts', import.meta.url);

/** A `sluice taskmanager` child process. */
interface TaskManagerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dir: string;
let jm: RunningJobManager;
const taskManagers = new Map<string, TaskManagerProcess>();

/** Starts a TaskManager process and resolves once it printed its registration. */
function startTaskManager(id: string, rpcPort: number): Promise<TaskManagerProcess> {
  const defines = {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': rpcPort,
    'taskmanager.resource-id': id,
    'taskmanager.numberOfTaskSlots': 1,
    'taskmanager.bind-host': '127.0.0.1',
    'env.log.dir': join(dir, 'logs'),
    'cluster.registration.max-timeout': 1000,
  };
  const args = ['bin/sluice.mjs', 'taskmanager', ...Object.entries(defines).flatMap(([k, v]) => ['-D', `${k}=${v}`])];
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const tm: TaskManagerProcess = { id, child, output: () => output, exited };
  taskManagers.set(id, tm);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`TaskManager ${id} did not register within 30 s:\n${output}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (new RegExp(`^TaskManager ${id} registered at 127\\.0\\.0\\.1:${rpcPort} with 1 slot$`, 'm').test(output)) {
        clearTimeout(timer);
        resolve(tm);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`TaskManager ${id} exited (${signal ?? code}) before it registered:\n${output}`));
    });
  });
}

interface TaskManagersResponse {
  taskmanagers: { id: string; slotsNumber: number; freeSlots: number }[];
}

async function registeredIds(): Promise<string[]> {
  return (await getJson<TaskManagersResponse>(jm.restUrl, '/taskmanagers')).taskmanagers.map((t) => t.id).sort();
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(jm.restUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Uploads the counting fixture as a bundle and runs it at parallelism 2; resolves with the job id. */
async function runCounting(out: string, total: number, rate: number): Promise<string> {
  const form = new FormData();
  form.append('jarfile', new Blob([new Uint8Array(await readFile(FIXTURE))]), 'rest-counting.ts');
  const uploaded = await fetch(`${jm.restUrl}/jars/upload`, { method: 'POST', body: form });
  const { filename } = (await uploaded.json()) as { filename: string };
  const { jobid } = await post<{ jobid: string }>(`/jars/${basename(filename)}/run`, {
    programArgsList: [out, String(total), String(rate)],
    parallelism: 2,
  });
  return jobid;
}

/**
 * The committed output of the counting job is exactly once: every number 0..total-1 once, and per key the running
 * counts 1..total/KEYS once each (state restored consistently with the output after a failover).
 */
function expectExactlyOnce(out: string, total: number): void {
  const rows = committedLines(out).map((l) => l.split(',').map(Number) as [number, number, number]);
  expect(rows).toHaveLength(total);
  expect(new Set(rows.map(([, , n]) => n)).size).toBe(total);
  expect(Math.max(...rows.map(([, , n]) => n))).toBe(total - 1);
  for (let key = 0; key < KEYS; key++) {
    const counts = rows.filter(([k]) => k === key).map(([, c]) => c).sort((a, b) => a - b);
    expect(counts, `key ${key}`).toEqual(Array.from({ length: total / KEYS }, (_, i) => i + 1));
  }
  for (const [key, , n] of rows) expect(n % KEYS).toBe(key);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-it-remote-tm-'));
  jm = await startJobManager({
    configuration: new Configuration({
      'rest.port': 0,
      'cluster.taskmanagers': 0,
      'jobmanager.rpc.port': 0,
      'jobmanager.rpc.address': '127.0.0.1',
      'heartbeat.interval': 500,
      'heartbeat.timeout': 5000,
      'web.upload.dir': join(dir, 'jars'),
      'env.log.dir': join(dir, 'logs'),
    }),
  });
  await Promise.all([startTaskManager('tm-a', jm.rpcPort), startTaskManager('tm-b', jm.rpcPort)]);
});

afterAll(async () => {
  for (const tm of taskManagers.values()) if (tm.child.exitCode === null && tm.child.signalCode === null) tm.child.kill('SIGKILL');
  await jm?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('TaskManager processes', () => {
  it('register with the JobManager, which waits for them with no TaskManager threads of its own', async () => {
    expect(await registeredIds()).toEqual(['tm-a', 'tm-b']);
    const overview = await getJson<{ taskmanagers: number; 'slots-total': number }>(jm.restUrl, '/overview');
    expect(overview).toMatchObject({ taskmanagers: 2, 'slots-total': 2 });
    // Each is listed at its data address, as Flink lists a TaskManager at its RPC path and data port.
    const listed = (await getJson<{ taskmanagers: { id: string; path: string; dataPort: number }[] }>(jm.restUrl, '/taskmanagers')).taskmanagers;
    for (const tm of listed) {
      expect(tm.path).toMatch(/^tcp:\/\/.+:\d+$/);
      expect(tm.path.endsWith(`:${tm.dataPort}`)).toBe(true);
      expect(tm.dataPort).toBeGreaterThan(0);
    }
  });

  it('run a keyed job at parallelism 2 across both processes, with its bundle shipped to them', async () => {
    const out = join(dir, 'out-1');
    const jobId = await runCounting(out, 3000, 3000);
    // One slot on each TaskManager process: the job's keyed exchange crosses processes both ways.
    const held = jm.dispatcher
      .describeTaskManagers()
      .map((t) => [t.id, t.jobs])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(held).toEqual([
      ['tm-a', [{ jobId, slots: 1 }]],
      ['tm-b', [{ jobId, slots: 1 }]],
    ]);
    await awaitJobState(jm.restUrl, jobId, 'FINISHED', 30_000);
    expectExactlyOnce(out, 3000);
    const overview = await getJson<{ 'slots-available': number }>(jm.restUrl, '/overview');
    expect(overview['slots-available']).toBe(2);
  });

  it('fail a job over when one is killed, naming it, and finish it exactly once on a replacement', async () => {
    const out = join(dir, 'out-2');
    const total = 4000;
    const jobId = await runCounting(out, total, 800);
    await vi.waitFor(
      async () => {
        const stats = await getJson<{ counts: { completed: number } }>(jm.restUrl, `/jobs/${jobId}/checkpoints`);
        expect(stats.counts.completed).toBeGreaterThan(0);
      },
      { timeout: 20_000, interval: 100 },
    );
    taskManagers.get('tm-b')!.child.kill('SIGKILL');
    await vi.waitFor(
      async () => {
        const exceptions = await getJson<{ exceptionHistory: { entries: { stacktrace: string }[] } }>(jm.restUrl, `/jobs/${jobId}/exceptions`);
        expect(exceptions.exceptionHistory.entries.map((e) => e.stacktrace).join('\n')).toMatch(
          /TaskManager tm-b at 127\.0\.0\.1:\d+ was lost: its connection (closed|failed)/,
        );
      },
      { timeout: 20_000, interval: 100 },
    );
    // The cluster runs on with one TaskManager; the job restarts until its slot has a TaskManager again.
    expect(await registeredIds()).toEqual(['tm-a']);
    expect((await getJson<{ state: string }>(jm.restUrl, `/jobs/${jobId}`)).state).not.toBe('FAILED');
    await startTaskManager('tm-c', jm.rpcPort);
    expect(await registeredIds()).toEqual(['tm-a', 'tm-c']);
    await awaitJobState(jm.restUrl, jobId, 'FINISHED', 60_000);
    expectExactlyOnce(out, total);
    expect(jm.dispatcher.job(jobId).master.numRestarts).toBeGreaterThan(0);
  });

  it('exit 0 on SIGTERM, leaving the cluster', async () => {
    const tm = taskManagers.get('tm-c')!;
    tm.child.kill('SIGTERM');
    expect(await tm.exited, tm.output()).toEqual({ code: 0, signal: null });
    expect(tm.output()).toMatch(/^TaskManager stopped\.$/m);
    await vi.waitFor(async () => expect(await registeredIds()).toEqual(['tm-a']), { timeout: 10_000, interval: 50 });
  });

  it('stop with the cluster on DELETE /cluster, exiting 0', async () => {
    const response = await fetch(`${jm.restUrl}/cluster`, { method: 'DELETE' });
    expect(response.ok).toBe(true);
    await jm.terminated;
    const tm = taskManagers.get('tm-a')!;
    expect(await tm.exited, tm.output()).toEqual({ code: 0, signal: null });
    expect(tm.output()).toContain('TaskManager stopped: the cluster shut down.');
  });
});
