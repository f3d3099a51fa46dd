// The `sluice` command as a user runs it: a child process per case, asserting exit code, stdout and stderr.
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort, HEX32, lines, REPO, sluice as sluiceAt, type Run } from './cli-support.ts';

const FIXTURE = 'test/fixtures/jobs/cli-throws.ts';

/** Nothing listens at this rest.port, so `run` uses the embedded mini cluster even if a cluster runs on 8081. */
let env: NodeJS.ProcessEnv = {};
beforeAll(async () => {
  env = { SLUICE_REST_PORT: String(await freePort()) };
});

/** Runs `node bin/sluice.mjs ...args` as a child process (killed, rejecting, after `timeoutMs`). */
const sluice = (args: string[], timeoutMs = 30_000): Promise<Run> => sluiceAt(args, timeoutMs, env);

describe('sluice run', () => {
  it('runs the word-count example in worker threads and exits 0 by itself', async () => {
    const run = await sluice(['run', 'examples/word-count.ts']);
    expect(run.stderr).toMatch(new RegExp(`^Job has been submitted with JobID ${HEX32}$`, 'm'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.signal).toBeNull();

    const jobId = /JobID ([0-9a-f]{32})/.exec(run.stderr)![1]!;
    expect(run.stderr).toContain(`Job with JobID ${jobId} has finished.`);
    expect(run.stderr).toMatch(/Job Runtime: \d+ ms/);

    const out = lines(run.stdout);
    const printed = out.filter((l) => !l.startsWith('Word count finished'));
    // Parallelism 2: every printed record carries its sink subtask, and both subtasks print.
    for (const line of printed) expect(line).toMatch(/^[12]> \["[a-z']+",\d+\]$/);
    expect(printed.some((l) => l.startsWith('1> '))).toBe(true);
    expect(printed.some((l) => l.startsWith('2> '))).toBe(true);
    // "to" occurs six times in the text: running counts 1..6, all from the one subtask that owns the key.
    const to = printed.filter((l) => l.slice(3).startsWith('["to",'));
    expect(to.map((l) => l.slice(3))).toEqual([1, 2, 3, 4, 5, 6].map((n) => `["to",${n}]`));
    expect(new Set(to.map((l) => l.slice(0, 3))).size).toBe(1);
    expect(printed.filter((l) => l.endsWith('["to",6]'))).toHaveLength(1);
    // 43 words in all: one printed running count per word.
    expect(printed).toHaveLength(43);
    expect(out.at(-1)).toMatch(/^Word count finished in \d+ ms$/);
  });

  it('passes arguments to the job function (parallelism 1: no prefix)', async () => {
    const run = await sluice(['run', 'examples/word-count.ts', '1']);
    expect(run.code, run.stderr).toBe(0);
    const printed = lines(run.stdout).filter((l) => !l.startsWith('Word count finished'));
    expect(printed).toContain('["to",6]');
    for (const line of printed) expect(line).toMatch(/^\["[a-z']+",\d+\]$/);
  });

  it('exits 1 with one error line when the job function throws, and prints the stack only with --verbose', async () => {
    const run = await sluice(['run', FIXTURE, 'bad input']);
    expect(run.code).toBe(1);
    const errorLines = lines(run.stderr).filter((l) => l.startsWith('error:'));
    expect(errorLines).toEqual(['error: job exploded: bad input']);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).toContain('--verbose');
    expect(run.stdout).toBe('');

    const verbose = await sluice(['run', '--verbose', FIXTURE, 'bad input']);
    expect(verbose.code).toBe(1);
    expect(lines(verbose.stderr).filter((l) => l.startsWith('error:'))).toEqual(['error: job exploded: bad input']);
    expect(verbose.stderr).toMatch(/^\s+at throwsEarly \(.*cli-throws\.ts:\d+:\d+\)$/m);
  });

  it('exits 1 naming the operator when a running job fails', async () => {
    const run = await sluice(['run', '-c', 'failsInOperator', FIXTURE]);
    expect(run.code).toBe(1);
    const errorLines = lines(run.stderr).filter((l) => l.startsWith('error:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(
      new RegExp(`^error: Job 'cli failing job' \\(${HEX32}\\) failed: operator 'Refuser' in task '.*' threw RangeError: no 42 please$`),
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 1 with a clear message for a missing job file', async () => {
    const run = await sluice(['run', 'examples/no-such-job.ts']);
    expect(run.code).toBe(1);
    const errorLines = lines(run.stderr).filter((l) => l.startsWith('error:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain('cannot load job module');
    expect(errorLines[0]).toContain('no-such-job.ts');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('-c with an unknown export lists the exports there are', async () => {
    const run = await sluice(['run', '-c', 'nope', 'examples/word-count.ts']);
    expect(run.code).toBe(1);
    const errorLines = lines(run.stderr).filter((l) => l.startsWith('error:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain("has no function export 'nope'");
    expect(errorLines[0]).toContain('its function exports are: default');

    const fixture = await sluice(['run', '-c', 'nope', FIXTURE]);
    expect(fixture.code).toBe(1);
    expect(fixture.stderr).toContain('its function exports are: default, failsInOperator');
  });

  it('rejects a bad -p with a usage error (exit 2)', async () => {
    const run = await sluice(['run', '-p', 'zero', 'examples/word-count.ts']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("expected a whole number >= 1, got 'zero'");
  });
});

describe('sluice info', () => {
  it('prints the plan as JSON with its nodes, without running the job', async () => {
    const run = await sluice(['info', 'examples/word-count.ts']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('Job has been submitted');
    const plan = JSON.parse(run.stdout) as { nodes: { id: number; type: string; parallelism: number; predecessors?: { id: number; ship_strategy: string }[] }[] };
    expect(Array.isArray(plan.nodes)).toBe(true);
    const types = plan.nodes.map((n) => n.type);
    expect(types[0]).toBe('Source: Collection Source');
    expect(types).toEqual(expect.arrayContaining(['Flat Map', 'Map']));
    expect(plan.nodes[0]!.parallelism).toBe(1);
    expect(plan.nodes.slice(1).every((n) => n.parallelism === 2)).toBe(true);
    expect(plan.nodes.some((n) => n.predecessors?.some((p) => p.ship_strategy === 'HASH'))).toBe(true);
    expect(run.stdout).not.toContain('Word count finished');
  });

  it('cancels the embedded job on SIGTERM and exits 143, as a shell reports the signal', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const out = await mkdtemp(join(tmpdir(), 'sluice-cli-sigterm-'));
    try {
      // 100 records per second for ten minutes: it only ends by the signal.
      const child = spawn(process.execPath, ['bin/sluice.mjs', 'run', 'test/fixtures/jobs/cli-counting.ts', out, '60000', '100'], {
        cwd: REPO,
        env: { ...process.env, NO_COLOR: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the job was not submitted within 30 s:\n${stderr}`)), 30_000);
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          stderr += d;
          if (/Job has been submitted/.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      expect(signal).toBeNull();
      expect(code, stderr).toBe(143);
      expect(stderr).toMatch(/Received SIGTERM: cancelling the running job/);
      expect(stderr).toMatch(/error: interrupted by SIGTERM/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
