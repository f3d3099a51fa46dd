// Exactly-once under injected failures: for random inputs, keyed pipelines and failure schedules (exceptions in
// user code, in snapshotState and in the sink's commit, and — for jobs on worker-thread TaskManagers —
// process.exit inside a worker thread), the committed file-sink output equals a failure-free run; with
// AT_LEAST_ONCE checkpoints it contains it. CI runs a few cases; `npm run soak` runs thousands (SLUICE_SOAK_RUNS).
// The seed is printed by fast-check on failure and can be replayed with SLUICE_SEED.
//
// Every case runs the job module test/fixtures/jobs/exactly-once-case.ts (the pipeline itself is in
// test/fixtures/exactly-once-pipeline.ts): in-process (`execution.runtime: local`, fast, most cases) or in worker
// threads (`threads`, where worker threads re-import the module and an 'exit' failure ends one). The failure-free
// run of every case is in-process (its output does not depend on where tasks run, and it is itself checked against
// each key's record count), which halves the cost of a threaded case. Failures are counted through a file the
// saboteur appends to, since worker threads share no memory with the test.
//
// Final keyed state: the counting function registers an event-time timer per key that only the end of input's
// watermark fires, and it then emits `final key=count`, read from the keyed state backend after every restore.
// Under EXACTLY_ONCE these lines must equal the failure-free run's (which must equal the count of each key's
// records): they are part of the compared output, and are also compared on their own first so that a wrong
// restored state is reported as such. Under AT_LEAST_ONCE a replayed record may be counted twice, so each key's
// final count must only be at least the failure-free one.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runJobModule, type CheckpointingMode } from 'sluice';
import {
  caseConfiguration,
  committedLines,
  injectedLog,
  type Case,
  type Failure,
  type RunSpec,
} from '../fixtures/exactly-once-pipeline.ts';

const RUNS = Number(process.env['SLUICE_SOAK_RUNS'] ?? 6);
const SEED = process.env['SLUICE_SEED'] === undefined ? undefined : Number(process.env['SLUICE_SEED']);
const JOB = new URL('../fixtures/jobs/exactly-once-case.ts', import.meta.url).href;

interface RunResult {
  /** The committed output, sorted. */
  readonly lines: string[];
  /** How many failures the run injected, over all its threads and attempts. */
  readonly injected: number;
}

/** Runs the case once; the failure-free run always in-process (see the header). */
async function run(c: Case, mode: CheckpointingMode, withFailures: boolean): Promise<RunResult> {
  const job: Case = withFailures ? c : { ...c, runtime: 'local' };
  const out = await mkdtemp(join(tmpdir(), 'sluice-eo-'));
  try {
    const spec: RunSpec = { mode, withFailures, out };
    const args = [JSON.stringify(job), JSON.stringify(spec)];
    await runJobModule(JOB, { args, configuration: caseConfiguration(job, out) });
    const injected = await readFile(injectedLog(out), 'utf8').catch(() => '');
    return { lines: await committedLines(out), injected: injected.split('\n').filter((l) => l !== '').length };
  } finally {
    // At once, not after all: a soak run makes thousands of these. Best effort, as for any temporary directory.
    await rm(out, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
}

/** The `final key=count` lines: each key's counts (one per attempt that reached the end and got committed). */
function finalCounts(lines: readonly string[]): Map<number, number[]> {
  const counts = new Map<number, number[]>();
  for (const line of lines) {
    const m = /^final (\d+)=(\d+)$/.exec(line);
    if (m !== null) counts.set(Number(m[1]), [...(counts.get(Number(m[1])) ?? []), Number(m[2])]);
  }
  return counts;
}

/** The reference: each key's number of records. */
function recordsPerKey(c: Case): Map<number, number[]> {
  const counts = new Map<number, number[]>();
  for (let n = 0; n < c.records; n++) counts.set(n % c.keys, [(counts.get(n % c.keys)?.[0] ?? 0) + 1]);
  return counts;
}

const countLines = (lines: readonly string[]): string[] => lines.filter((l) => !l.startsWith('final '));

function cases(runtime: Case['runtime']): fc.Arbitrary<Case> {
  // Only a worker thread may call process.exit: in-process, it would end the test runner.
  const kinds: Failure['kind'][] =
    runtime === 'threads' ? ['record', 'exit', 'snapshot', 'commit'] : ['record', 'record', 'snapshot', 'commit'];
  const firstKinds: Failure['kind'][] = runtime === 'threads' ? ['exit', 'record'] : ['record'];
  return fc.record({
    runtime: fc.constant(runtime),
    backend: fc.constantFrom<Case['backend']>('hashmap', 'leveldb'),
    records: fc.integer({ min: 200, max: 2_000 }),
    keys: fc.integer({ min: 1, max: 20 }),
    parallelism: fc.integer({ min: 1, max: 2 }),
    interval: fc.integer({ min: 10, max: 40 }),
    // The first failure is always at a record in the first attempt (an exception, or in threads also an exit), so
    // every case fails at least once (a schedule of only later attempts, or of snapshots and commits a short run
    // never reaches, would test nothing). Attempt numbers count the job's restarts, so each entry fires once.
    failures: fc
      .tuple(
        fc.constantFrom(...firstKinds),
        fc.integer({ min: 0, max: 1_999 }),
        fc.array(
          fc.record({
            attempt: fc.integer({ min: 0, max: 3 }),
            kind: fc.constantFrom(...kinds),
            at: fc.integer({ min: 0, max: 1_999 }),
          }),
          { maxLength: 3 },
        ),
      )
      .map(([kind, at, rest]): Failure[] => [{ attempt: 0, kind, at }, ...rest]),
  });
}

// A worker-thread job costs ~1.5–2.5 s on a 2-core machine (thread start-up and module import dominate; an
// in-process one ~0.1 s), so the threaded properties run a quarter as many cases, at least 3. Each test's timeout
// grows with its number of cases (vitest's default 60 s would end a soak run).
const RUNTIMES = [
  { runtime: 'local', title: 'in-process tasks', runs: RUNS, secondsPerCase: 1 },
  {
    runtime: 'threads',
    title: 'worker threads, with process.exit',
    runs: Math.max(3, Math.ceil(RUNS / 4)),
    secondsPerCase: 8,
  },
] as const;

for (const { runtime, title, runs, secondsPerCase } of RUNTIMES) {
  describe(`exactly-once under injected failures, ${title} (property)`, () => {
    const atLeastOnceRuns = Math.max(2, Math.floor(runs / 2));

    it(
      `file sink output and final keyed state equal a failure-free run (${runs} cases)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(cases(runtime), async (c) => {
            const expected = await run(c, 'EXACTLY_ONCE', false);
            expect(countLines(expected.lines)).toHaveLength(c.records);
            expect(finalCounts(expected.lines)).toEqual(recordsPerKey(c));
            const got = await run(c, 'EXACTLY_ONCE', true);
            expect(finalCounts(got.lines), 'final keyed state').toEqual(finalCounts(expected.lines));
            expect(got.lines).toEqual(expected.lines);
            expect(got.injected, 'the schedule injected no failure').toBeGreaterThan(0);
          }),
          { numRuns: runs, seed: SEED, endOnFailure: true },
        );
      },
      60_000 + runs * secondsPerCase * 1_000,
    );

    it(
      `AT_LEAST_ONCE output contains the failure-free output (${atLeastOnceRuns} cases)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(cases(runtime), async (c) => {
            const expected = await run(c, 'AT_LEAST_ONCE', false);
            const got = await run(c, 'AT_LEAST_ONCE', true);
            const lines = new Set(got.lines);
            for (const line of countLines(expected.lines)) expect(lines.has(line), line).toBe(true);
            const finals = finalCounts(got.lines);
            for (const [key, [count]] of finalCounts(expected.lines)) {
              const counts = finals.get(key) ?? [];
              const message = `final ${key}=${counts.join(',')}, expected at least ${count}`;
              expect(counts.length > 0 && counts.every((n) => n >= count!), message).toBe(true);
            }
            expect(got.injected, 'the schedule injected no failure').toBeGreaterThan(0);
          }),
          { numRuns: atLeastOnceRuns, seed: SEED, endOnFailure: true },
        );
      },
      60_000 + atLeastOnceRuns * secondsPerCase * 1_000,
    );
  });
}
