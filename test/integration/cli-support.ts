// Helpers of the CLI integration tests: run `bin/sluice.mjs` as a child process, start a JobManager, read output.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const HEX32 = '[0-9a-f]{32}';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/sluice.mjs ...args` in the repository root and resolves when the process exits by itself. If it
 * has not exited within `timeoutMs` it is killed and the promise rejects.
 */
export function sluice(args: string[], timeoutMs = 30_000, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/sluice.mjs', ...args], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close' follows 'exit' once the output pipes are drained, so stdout and stderr are complete.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

/** A TCP port nothing listens on right now (bound on port 0, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A `sluice jobmanager` child process, resolved once it printed its REST endpoint. */
export interface JobManagerProcess {
  readonly child: ChildProcess;
  readonly restUrl: string;
  /** `host:port`, as -m takes it. */
  readonly address: string;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startJobManager(defines: Record<string, string | number>, timeoutMs = 30_000): Promise<JobManagerProcess> {
  const args = ['bin/sluice.mjs', 'jobmanager', ...Object.entries(defines).flatMap(([k, v]) => ['-D', `${k}=${v}`])];
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the JobManager did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: string): void => {
      output += d;
      const match = /Rest endpoint listening at (http:\/\/(\S+))/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ child, restUrl: match[1]!, address: match[2]!, output: () => output, exited });
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the JobManager exited (${signal ?? code}) before it listened:\n${output}`));
    });
  });
}

/** GET a REST path of the cluster as JSON. */
export async function getJson<T>(restUrl: string, path: string): Promise<T> {
  const response = await fetch(restUrl + path);
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Polls `GET /v1/jobs/:id` until the job is in `state`. */
export async function awaitJobState(restUrl: string, jobId: string, state: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await getJson<{ state: string }>(restUrl, `/v1/jobs/${jobId}`)).state;
    if (last === state) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} did not reach ${state} within ${timeoutMs} ms (last: ${last})`);
}

/** The lines of the visible (committed) part files of a FileSink directory. */
export function committedLines(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => lines(readFileSync(join(dir, n), 'utf8')));
}

/** Polls until `check()` is true. */
export async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function jobIdOf(run: Run): string {
  const match = new RegExp(`Job has been submitted with JobID (${HEX32})`).exec(run.stdout + run.stderr);
  if (match === null) throw new Error(`no JobID in:\n${run.stdout}\n${run.stderr}`);
  return match[1]!;
}
