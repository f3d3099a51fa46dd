// `sluice cluster start` / `cluster stop`: a detached JobManager process with a pid file, reached by the client
// commands through the configured rest.port, and stopped cleanly.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, lines, sluice } from './cli-support.ts';

let dir: string;
let pid: number | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-it-cluster-'));
});

afterAll(async () => {
  // Only if a test failed half-way: end the JobManager this file started.
  if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function alive(p: number): boolean {
  try {
    process.kill(p, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
  return !/^\d+ \(.*\) Z/.test(stat);
}

describe('sluice cluster', () => {
  it('start runs a detached JobManager and waits for it; clients find it by rest.port; stop ends it', async () => {
    const port = await freePort();
    const logDir = join(dir, 'logs');
    const conf = ['-D', `rest.port=${port}`, '-D', `env.log.dir=${logDir}`];

    const started = await sluice(['cluster', 'start', ...conf]);
    expect(started.code, started.stdout + started.stderr).toBe(0);
    const out = lines(started.stdout);
    expect(out.slice(0, 2)).toEqual(['Starting cluster.', expect.stringMatching(/^Starting standalonesession daemon on host .+\.$/)]);
    const ready = /^JobManager \(pid (\d+)\) is ready; REST endpoint: (\S+)$/m.exec(started.stdout);
    expect(ready, started.stdout).not.toBeNull();
    pid = Number(ready![1]);
    expect(ready![2]).toBe(`http://127.0.0.1:${port}`);
    expect(readFileSync(join(logDir, 'sluice-jobmanager.pid'), 'utf8').trim()).toBe(String(pid));
    expect(alive(pid)).toBe(true);

    // The process outlives the command that started it, and answers.
    const overview = (await (await fetch(`http://127.0.0.1:${port}/v1/overview`)).json()) as { taskmanagers: number };
    expect(overview.taskmanagers).toBeGreaterThanOrEqual(1);
    // No -m: the client finds the cluster by rest.port.
    const listed = await sluice(['list', '-D', `rest.port=${port}`]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(lines(listed.stdout)).toEqual(['Waiting for response...', 'No running jobs.', 'No scheduled jobs.']);

    const again = await sluice(['cluster', 'start', ...conf]);
    expect(again.code).toBe(1);
    expect(lines(again.stderr)[0]).toBe(
      `error: a JobManager started from ${logDir} is already running (pid ${pid}, ${join(logDir, 'sluice-jobmanager.pid')}); ` +
        `stop it with 'sluice cluster stop', or start another with -D env.log.dir=<dir> -D rest.port=<port>`,
    );

    const stopped = await sluice(['cluster', 'stop', ...conf]);
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(0);
    expect(lines(stopped.stdout)).toEqual(['Stopping cluster.', `Stopped JobManager (pid ${pid}).`]);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(logDir, 'sluice-jobmanager.pid'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/v1/overview`)).rejects.toThrow();

    const nothing = await sluice(['cluster', 'stop', ...conf]);
    expect(nothing.code).toBe(0);
    expect(lines(nothing.stdout)).toEqual([
      'Stopping cluster.',
      `No cluster to stop: no JobManager answers at http://127.0.0.1:${port} and no live pid in ${join(logDir, 'sluice-jobmanager.pid')}.`,
    ]);
  });

  it('start reports a JobManager that ended during start-up, with the end of its output', async () => {
    // The port is taken, so the JobManager cannot listen.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const logDir = join(dir, 'taken');
      const run = await sluice(['cluster', 'start', '-D', `rest.port=${port}`, '-D', `env.log.dir=${logDir}`]);
      expect(run.code).toBe(1);
      expect(lines(run.stderr)[0]).toMatch(/^error: the JobManager process ended during start-up \(exit code 1\); its output \(.*\.out\) ends with:$/);
      expect(run.stderr).toContain('EADDRINUSE');
      expect(existsSync(join(logDir, 'sluice-jobmanager.pid'))).toBe(false);
    } finally {
      taken.close();
    }
  });
});
