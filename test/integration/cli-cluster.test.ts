// The `sluice` client commands against a real JobManager process on loopback: run detached and attached, list,
// savepoint, modify -p, stop (with and without --drain), cancel -s, savepoint -d, restore at a new parallelism,
// and bad input. Job output goes to exactly-once FileSinks, so counts can be checked across every step.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awaitJobState,
  committedLines,
  freePort,
  getJson,
  HEX32,
  jobIdOf,
  lines,
  sluice,
  startJobManager,
  until,
  type JobManagerProcess,
} from './cli-support.ts';

const FIXTURE = 'test/fixtures/jobs/cli-counting.ts';
const KEYS = 10;

let dir: string;
let jm: JobManagerProcess;
let m: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-it-cli-'));
  jm = await startJobManager({
    'rest.port': await freePort(),
    'taskmanager.numberOfTaskSlots': 6,
    'env.log.dir': join(dir, 'logs'),
    'state.savepoints.dir': join(dir, 'default-savepoints'),
  });
  m = ['-m', jm.address];
});

afterAll(async () => {
  if (jm !== undefined && jm.child.exitCode === null) jm.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

interface Counted {
  key: number;
  count: number;
  n: number;
}

/** The `C,<key>,<count>,<n>` lines of these output directories. */
function counted(...dirs: string[]): Counted[] {
  return dirs
    .flatMap(committedLines)
    .filter((l) => l.startsWith('C,'))
    .map((l) => {
      const [, key, count, n] = l.split(',').map(Number);
      return { key: key!, count: count!, n: n! };
    });
}

/** The `T,<key>,<count>` lines (event time ended) of these output directories, by key. */
function timers(...dirs: string[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const l of dirs.flatMap(committedLines).filter((line) => line.startsWith('T,'))) {
    const [, key, count] = l.split(',').map(Number);
    out.set(key!, [...(out.get(key!) ?? []), count!]);
  }
  return out;
}

const savepointPathOf = (stdout: string): string => {
  const match = /^Savepoint completed\. Path: (.+)$/m.exec(stdout);
  if (match === null) throw new Error(`no savepoint path in:\n${stdout}`);
  return match[1]!;
};

describe('sluice against a cluster', () => {
  it('run -d, list, savepoint, modify -p, stop, then run -s at another parallelism: every number counted once, counts continuing', async () => {
    const out = join(dir, 'out-1');
    const submitted = await sluice(['run', '-d', ...m, '-p', '2', FIXTURE, out, '6000', '300']);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(lines(submitted.stdout)).toEqual([expect.stringMatching(new RegExp(`^Job has been submitted with JobID ${HEX32}$`))]);
    const first = jobIdOf(submitted);
    // A committed part file means a checkpoint completed, so every task runs.
    await until(() => counted(out).length > 0, 'the first committed output');

    const listed = await sluice(['list', ...m]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(lines(listed.stdout)).toEqual([
      'Waiting for response...',
      '------------------ Running/Restarting Jobs -------------------',
      expect.stringMatching(new RegExp(`^\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d:\\d\\d : ${first} : cli counting \\(RUNNING\\)$`)),
      '--------------------------------------------------------------',
      'No scheduled jobs.',
    ]);

    const savepoint = await sluice(['savepoint', ...m, first, join(dir, 'savepoints')]);
    expect(savepoint.code, savepoint.stderr).toBe(0);
    const savepointPath = savepointPathOf(savepoint.stdout);
    expect(savepointPath).toMatch(new RegExp(`^${join(dir, 'savepoints')}/savepoint-${first.slice(0, 6)}-[0-9a-f]{12}$`));
    expect(await readdir(savepointPath)).toContain('_metadata');

    const modified = await sluice(['modify', first, '-p', '3', ...m]);
    expect(modified.code, modified.stderr).toBe(0);
    expect(lines(modified.stdout).slice(0, 2)).toEqual([`Modify job ${first}.`, `Rescaled job ${first}. Its new parallelism is 3.`]);
    const rescaled = new RegExp(`^The job runs on with JobID (${HEX32})\\.$`, 'm').exec(modified.stdout)?.[1];
    expect(rescaled, modified.stdout).toBeDefined();
    await awaitJobState(jm.restUrl, rescaled!, 'RUNNING');
    const before = counted(out).length;
    await until(() => counted(out).length > before, 'output of the rescaled job');

    const all = await sluice(['list', '-a', ...m]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(new RegExp(` : ${rescaled} : cli counting \\(RUNNING\\)$`, 'm'));
    expect(all.stdout).toMatch(/^---------------------- Terminated Jobs -----------------------$/m);
    expect(all.stdout).toMatch(new RegExp(` : ${first} : cli counting \\(CANCELED\\)$`, 'm'));

    const stopped = await sluice(['stop', ...m, '-p', join(dir, 'savepoints'), rescaled!]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(lines(stopped.stdout)[0]).toBe(`Suspending job "${rescaled}" with a savepoint.`);
    const stopPath = savepointPathOf(stopped.stdout);
    expect(stopPath).toMatch(new RegExp(`/savepoint-${rescaled!.slice(0, 6)}-[0-9a-f]{12}$`));
    expect((await getJson<{ state: string }>(jm.restUrl, `/v1/jobs/${rescaled}`)).state).toBe('FINISHED');
    // Stopped without draining: event time did not end, so no timer fired.
    expect(timers(out).size).toBe(0);

    // Resume at parallelism 1, fast, until the end of input; attached, so the command returns when it finished.
    const resumedOut = join(dir, 'out-2');
    const resumed = await sluice(['run', ...m, '-p', '1', '-s', stopPath, FIXTURE, resumedOut, '6000', '1000000']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const resumedId = jobIdOf(resumed);
    expect(resumed.stdout).toContain(`Job with JobID ${resumedId} has finished.`);
    expect(resumed.stdout).toMatch(new RegExp(`^Job 'cli counting' \\(${resumedId}\\) switched from state \\w+ to FINISHED\\.$`, 'm'));

    // Every number exactly once over the three jobs, and per key the counts run 1, 2, 3, ... in order of n.
    const all3 = counted(out, resumedOut);
    expect(all3.map((c) => c.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 6000 }, (_, i) => i));
    for (let key = 0; key < KEYS; key++) {
      const counts = all3.filter((c) => c.key === key).sort((a, b) => a.n - b.n).map((c) => c.count);
      expect(counts).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    }
    // The resumed job continued from the savepoint: it counted only numbers the others had not.
    expect(counted(resumedOut).length).toBeGreaterThan(0);
    expect(counted(resumedOut).length).toBeLessThan(6000);
    // At the end of input every key's timer fired with its final count.
    expect(timers(resumedOut)).toEqual(new Map(Array.from({ length: KEYS }, (_, k) => [k, [600]])));

    // The same savepoint on the embedded mini cluster (no -m, nothing at rest.port), at parallelism 2: -s and -n
    // become execution.savepoint.*, and the job counts exactly what the cluster's resumed job counted.
    const embeddedOut = join(dir, 'out-embedded');
    const embedded = await sluice(['run', '-D', `rest.port=${await freePort()}`, '-p', '2', '-s', stopPath, '-n', FIXTURE, embeddedOut, '6000', '1000000']);
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(embedded.stderr).toMatch(new RegExp(`^Job with JobID ${HEX32} has finished\\.$`, 'm'));
    const key = (c: Counted): string => `${c.key},${c.count},${c.n}`;
    expect(counted(embeddedOut).map(key).sort()).toEqual(counted(resumedOut).map(key).sort());
  });

  it('cancel -s takes a savepoint and cancels; savepoint -d disposes of it', async () => {
    const out = join(dir, 'out-cancel');
    const submitted = await sluice(['run', '-d', ...m, '-p', '2', FIXTURE, out]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = jobIdOf(submitted);
    await until(() => counted(out).length > 0, 'committed output');

    const cancelled = await sluice(['cancel', ...m, '-s', join(dir, 'cancel-savepoints'), jobId]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    const cancelLines = lines(cancelled.stdout);
    expect(cancelLines[0]).toBe(`Cancelling job ${jobId} with savepoint to ${join(dir, 'cancel-savepoints')}.`);
    const path = new RegExp(`^Cancelled job ${jobId}\\. Savepoint stored in (.+)\\.$`).exec(cancelLines[1] ?? '')?.[1];
    expect(path, cancelled.stdout).toMatch(new RegExp(`/savepoint-${jobId.slice(0, 6)}-[0-9a-f]{12}$`));
    expect(await readdir(path!)).toContain('_metadata');
    expect((await getJson<{ state: string }>(jm.restUrl, `/v1/jobs/${jobId}`)).state).toBe('CANCELED');

    const disposed = await sluice(['savepoint', ...m, '-d', path!]);
    expect(disposed.code, disposed.stderr).toBe(0);
    expect(lines(disposed.stdout)).toEqual([`Disposing savepoint '${path}'.`, 'Waiting for response...', `Savepoint '${path}' disposed.`]);
    expect(existsSync(path!)).toBe(false);
  });

  it('stop --drain ends event time first: every key reports its final count before the savepoint', async () => {
    const out = join(dir, 'out-drain');
    const submitted = await sluice(['run', '-d', ...m, '-p', '2', FIXTURE, out]);
    const jobId = jobIdOf(submitted);
    await until(() => counted(out).length > 0, 'committed output');

    const stopped = await sluice(['stop', '--drain', ...m, jobId]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(lines(stopped.stdout)[0]).toBe(`Draining job "${jobId}" with a savepoint.`);
    // No directory given: the cluster's state.savepoints.dir.
    expect(savepointPathOf(stopped.stdout)).toMatch(new RegExp(`^${join(dir, 'default-savepoints')}/savepoint-${jobId.slice(0, 6)}-[0-9a-f]{12}$`));
    const lastCount = new Map<number, number>();
    for (const c of counted(out)) lastCount.set(c.key, Math.max(lastCount.get(c.key) ?? 0, c.count));
    expect(lastCount.size).toBe(KEYS);
    expect(timers(out)).toEqual(new Map([...lastCount].map(([k, c]) => [k, [c]])));
  });

  it('attached run: a failing job exits 1 with its root cause in one line', async () => {
    const run = await sluice(['run', ...m, '-c', 'failing', FIXTURE]);
    expect(run.code).toBe(1);
    const jobId = jobIdOf(run);
    const errors = lines(run.stderr).filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    // As the embedded mini cluster reports it (test/integration/cli.test.ts).
    expect(errors[0]).toMatch(
      new RegExp(`^error: Job 'cli failing job' \\(${jobId}\\) failed: operator 'Refuser' in task '.*' threw RangeError: no 42 please$`),
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('bad input: unknown job id exits 1 with one line; bad -p, malformed ids and missing ids are usage errors (2)', async () => {
    const unknown = 'abcdefabcdefabcdefabcdefabcdef00';
    for (const args of [['cancel', unknown], ['savepoint', unknown], ['stop', unknown], ['modify', unknown, '-p', '2']]) {
      const run = await sluice([...args, ...m]);
      expect(run.code, args.join(' ')).toBe(1);
      const errors = lines(run.stderr).filter((l) => l.startsWith('error:'));
      expect(errors, run.stderr).toHaveLength(1);
      expect(errors[0]).toContain(unknown);
      expect(errors[0]).toContain('HTTP 404');
    }
    const badP = await sluice(['modify', unknown, '-p', 'many', ...m]);
    expect(badP.code).toBe(2);
    expect(badP.stderr).toContain("expected a whole number >= 1, got 'many'");
    const malformed = await sluice(['cancel', 'job-1', ...m]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("expected a job id of 32 hex characters, got 'job-1'");
    const missing = await sluice(['stop', ...m]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing JobID');
  });

  it('nothing listening at -m: exit 1 naming the address', async () => {
    const port = await freePort();
    const run = await sluice(['list', '-m', `127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr).filter((l) => l.startsWith('error:'))).toEqual([
      expect.stringMatching(new RegExp(`^error: failed to retrieve the job list: cannot reach the JobManager at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED`)),
    ]);
  });

  it('the JobManager shuts down on SIGTERM and exits 0', async () => {
    jm.child.kill('SIGTERM');
    const { code, signal } = await jm.exited;
    expect(signal, jm.output()).toBeNull();
    expect(code, jm.output()).toBe(0);
  });
});
