// The client commands against a fake JobManager, in this process: requests sent, lines printed, exit codes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeRestServer, runCli } from './fake-rest-server.ts';

const JOB = '0123456789abcdef0123456789abcdef';
const NEW_JOB = 'fedcba9876543210fedcba9876543210';
const inProgress = { body: { status: { id: 'IN_PROGRESS' } } };
const completed = (operation: unknown) => ({ body: { status: { id: 'COMPLETED' }, operation } });
const details = (state: string, extra: Record<string, unknown> = {}) => ({
  body: { jid: JOB, name: 'my job', state, 'start-time': 1000, 'end-time': -1, duration: 5, ...extra },
});

let server: FakeRestServer;
let m: string[];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server = await new FakeRestServer().start();
  m = ['-m', server.address];
});
afterEach(async () => {
  await server.stop();
});

const bodyOf = (method: string, path: string): unknown => JSON.parse(server.requestsTo(method, path)[0]!.body);

describe('sluice list', () => {
  it("prints Flink's blocks from GET /v1/jobs/overview", async () => {
    server.on('GET', '/v1/jobs/overview', {
      body: {
        jobs: [
          { jid: JOB, name: 'counting', state: 'RUNNING', 'start-time': new Date(2024, 0, 2, 3, 4, 5).getTime(), 'end-time': -1, duration: 1, tasks: {} },
          { jid: NEW_JOB, name: 'old', state: 'CANCELED', 'start-time': 0, 'end-time': 1, duration: 1, tasks: {} },
        ],
      },
    });
    const run = await runCli(['list', ...m]);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out).toEqual([
      'Waiting for response...',
      '------------------ Running/Restarting Jobs -------------------',
      `02.01.2024 03:04:05 : ${JOB} : counting (RUNNING)`,
      '--------------------------------------------------------------',
      'No scheduled jobs.',
    ]);
    const all = await runCli(['list', '-a', ...m]);
    expect(all.out.slice(-3)).toEqual([
      '---------------------- Terminated Jobs -----------------------',
      expect.stringMatching(new RegExp(`^\\d\\d\\.\\d\\d\\.19(69|70) \\d\\d:\\d\\d:\\d\\d : ${NEW_JOB} : old \\(CANCELED\\)$`)),
      '--------------------------------------------------------------',
    ]);
  });

  it('exits 1 with one line when no JobManager answers', async () => {
    await server.stop();
    const run = await runCli(['list', ...m]);
    expect(run.code).toBe(1);
    const errors = run.err.filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^error: failed to retrieve the job list: cannot reach the JobManager at ${server.url} \\(ECONNREFUSED`));
  });

  it('sends rest.auth.token from -D as a bearer token', async () => {
    server.on('GET', '/v1/jobs/overview', { body: { jobs: [] } });
    const run = await runCli(['list', ...m, '-D', 'rest.auth.token=t0k3n']);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer t0k3n');
  });
});

describe('sluice savepoint', () => {
  it('triggers, polls until COMPLETED and prints the path', async () => {
    server.on('POST', `/v1/jobs/${JOB}/savepoints`, { status: 202, body: { 'request-id': 'trig-1' } });
    server.sequence('GET', `/v1/jobs/${JOB}/savepoints/trig-1`, [inProgress, inProgress, completed({ location: '/sp/savepoint-012345-abcdefabcdef' })]);
    const run = await runCli(['savepoint', ...m, JOB.toUpperCase(), 'relative-dir']);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(bodyOf('POST', `/v1/jobs/${JOB}/savepoints`)).toEqual({ 'cancel-job': false, 'target-directory': resolve('relative-dir') });
    expect(server.requestsTo('GET', `/v1/jobs/${JOB}/savepoints/trig-1`)).toHaveLength(3);
    expect(run.out).toEqual([
      `Triggering savepoint for job ${JOB}.`,
      'Waiting for response...',
      'Savepoint completed. Path: /sp/savepoint-012345-abcdefabcdef',
      'You can resume your program from this savepoint with the run command.',
    ]);
  });

  it('prints the failure cause of a failed savepoint in one line (the stack with --verbose)', async () => {
    server.on('POST', `/v1/jobs/${JOB}/savepoints`, { body: { 'request-id': 't' } });
    server.on('GET', `/v1/jobs/${JOB}/savepoints/t`, completed({
      'failure-cause': { class: 'ConfigurationError', 'stack-trace': 'ConfigurationError: no savepoint directory: give one or set state.savepoints.dir\n    at trigger (x.ts:1:1)' },
    }));
    const run = await runCli(['savepoint', ...m, JOB]);
    expect(run.code).toBe(1);
    expect(run.err.filter((l) => l.startsWith('error:'))).toEqual([
      `error: failed to trigger a savepoint for the job ${JOB}: the savepoint failed: ConfigurationError: no savepoint directory: give one or set state.savepoints.dir`,
    ]);
    expect(run.err.join('\n')).not.toContain('at trigger');
    const verbose = await runCli(['savepoint', '-v', ...m, JOB]);
    expect(verbose.err.join('\n')).toContain('    at trigger (x.ts:1:1)');
  });

  it('-d disposes of a savepoint', async () => {
    server.on('POST', '/v1/savepoint-disposal', { body: { 'request-id': 'd1' } });
    server.sequence('GET', '/v1/savepoint-disposal/d1', [inProgress, completed({})]);
    const run = await runCli(['savepoint', ...m, '-d', '/sp/savepoint-012345-abcdefabcdef']);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(bodyOf('POST', '/v1/savepoint-disposal')).toEqual({ 'savepoint-path': '/sp/savepoint-012345-abcdefabcdef' });
    expect(run.out).toEqual([
      "Disposing savepoint '/sp/savepoint-012345-abcdefabcdef'.",
      'Waiting for response...',
      "Savepoint '/sp/savepoint-012345-abcdefabcdef' disposed.",
    ]);
  });

  it('an unknown job id exits 1 with the REST error; a malformed or missing one is a usage error', async () => {
    server.on('POST', `/v1/jobs/${JOB}/savepoints`, { status: 404, body: { errors: [`Job ${JOB} not found`] } });
    const unknown = await runCli(['savepoint', ...m, JOB]);
    expect(unknown.code).toBe(1);
    expect(unknown.err.filter((l) => l.startsWith('error:'))).toEqual([
      `error: failed to trigger a savepoint for the job ${JOB}: Job ${JOB} not found (HTTP 404 from POST /v1/jobs/${JOB}/savepoints)`,
    ]);
    const malformed = await runCli(['savepoint', ...m, 'not-a-job']);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain("error: expected a job id of 32 hex characters, got 'not-a-job'");
    const missing = await runCli(['savepoint', ...m]);
    expect(missing.code).toBe(2);
    expect(server.requestsTo('POST', /savepoints$/)).toHaveLength(1);
  });
});

describe('sluice cancel and stop', () => {
  it('cancel PATCHes mode=cancel and waits for the job to end', async () => {
    server.on('PATCH', `/v1/jobs/${JOB}?mode=cancel`, { status: 202, body: {} });
    server.sequence('GET', `/v1/jobs/${JOB}`, [details('CANCELLING'), details('CANCELED')]);
    const run = await runCli(['cancel', ...m, JOB]);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out).toEqual([`Cancelling job ${JOB}.`, `Cancelled job ${JOB}.`]);
  });

  it('cancel -s <jobId> takes the value as the job id (as Flink) and cancels with a savepoint', async () => {
    server.on('POST', `/v1/jobs/${JOB}/savepoints`, { body: { 'request-id': 's' } });
    server.on('GET', `/v1/jobs/${JOB}/savepoints/s`, completed({ location: '/sp/x' }));
    server.on('GET', `/v1/jobs/${JOB}`, details('CANCELED'));
    const run = await runCli(['cancel', ...m, '-s', JOB]);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(bodyOf('POST', `/v1/jobs/${JOB}/savepoints`)).toEqual({ 'cancel-job': true });
    expect(run.out).toEqual([`Cancelling job ${JOB} with savepoint to default savepoint directory.`, `Cancelled job ${JOB}. Savepoint stored in /sp/x.`]);

    const withDir = await runCli(['cancel', ...m, '-s', '/sp', JOB]);
    expect(withDir.code, withDir.err.join('\n')).toBe(0);
    expect(JSON.parse(server.requestsTo('POST', `/v1/jobs/${JOB}/savepoints`)[1]!.body)).toEqual({ 'cancel-job': true, 'target-directory': '/sp' });
    expect(withDir.out[0]).toBe(`Cancelling job ${JOB} with savepoint to /sp.`);
  });

  it('stop -p <dir> --drain POSTs /stop and prints the savepoint path; -p <jobId> alone means the default directory', async () => {
    server.on('POST', `/v1/jobs/${JOB}/stop`, { body: { 'request-id': 'st' } });
    server.sequence('GET', `/v1/jobs/${JOB}/savepoints/st`, [inProgress, completed({ location: '/sp/savepoint-012345-000000000000' })]);
    server.on('GET', `/v1/jobs/${JOB}`, details('FINISHED'));
    const run = await runCli(['stop', ...m, '-p', '/sp', '--drain', JOB]);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(bodyOf('POST', `/v1/jobs/${JOB}/stop`)).toEqual({ drain: true, targetDirectory: '/sp' });
    expect(run.out).toEqual([`Draining job "${JOB}" with a savepoint.`, 'Savepoint completed. Path: /sp/savepoint-012345-000000000000']);

    const plain = await runCli(['stop', ...m, '-p', JOB]);
    expect(plain.code, plain.err.join('\n')).toBe(0);
    expect(JSON.parse(server.requestsTo('POST', `/v1/jobs/${JOB}/stop`)[1]!.body)).toEqual({ drain: false });
    expect(plain.out[0]).toBe(`Suspending job "${JOB}" with a savepoint.`);
  });
});

describe('sluice modify', () => {
  it('PATCHes rescaling, polls it and prints the new parallelism and job id', async () => {
    server.on('PATCH', `/v1/jobs/${JOB}/rescaling?parallelism=3`, { body: { 'request-id': 'r' } });
    server.sequence('GET', `/v1/jobs/${JOB}/rescaling/r`, [inProgress, completed({ jobid: NEW_JOB })]);
    const run = await runCli(['modify', JOB, '-p', '3', ...m]);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out).toEqual([
      `Modify job ${JOB}.`,
      `Rescaled job ${JOB}. Its new parallelism is 3.`,
      `The job runs on with JobID ${NEW_JOB}.`,
    ]);
  });

  it('a bad or missing -p is a usage error (exit 2) and sends nothing', async () => {
    for (const args of [['modify', JOB, '-p', '0'], ['modify', JOB, '-p', 'x'], ['modify', JOB], ['modify', 'xyz', '-p', '2']]) {
      const run = await runCli([...args, ...m]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err.some((l) => l.startsWith('error:')), args.join(' ')).toBe(true);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('sluice run against a cluster', () => {
  let job: string;
  beforeAll(async () => {
    job = join(dir, 'cli-unit-job.ts');
    await writeFile(job, 'export default async function (env) { await env.execute("x"); }\n');
  });

  beforeEach(() => {
    server.on('POST', '/v1/jars/upload', { body: { filename: '/tmp/sluice-jars/abc_cli-unit-job.ts', status: 'success' } });
    server.on('POST', '/v1/jars/abc_cli-unit-job.ts/run', { body: { jobid: JOB } });
  });

  it('-d uploads the module, runs it with the flags as the run body and returns', async () => {
    const run = await runCli(['run', '-d', ...m, '-p', '4', '-c', 'other', '-s', 'sp-dir', '-n', '-D', 'state.savepoints.dir=/x', job, 'a1', '--flag']);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out).toEqual([`Job has been submitted with JobID ${JOB}`]);
    expect(server.requestsTo('POST', '/v1/jars/upload')[0]!.body).toContain('filename="cli-unit-job.ts"');
    expect(bodyOf('POST', '/v1/jars/abc_cli-unit-job.ts/run')).toEqual({
      entryClass: 'other',
      programArgsList: ['a1', '--flag'],
      parallelism: 4,
      savepointPath: resolve('sp-dir'),
      allowNonRestoredState: true,
      flinkConfiguration: { 'state.savepoints.dir': '/x' },
    });
    expect(server.requestsTo('GET', /^\/v1\/jobs\//)).toHaveLength(0);
  });

  it('attached, prints status changes and the runtime, exit 0 on FINISHED', async () => {
    server.sequence('GET', `/v1/jobs/${JOB}`, [details('CREATED'), details('RUNNING'), details('RUNNING'), details('FINISHED', { duration: 1234 })]);
    const run = await runCli(['run', ...m, job]);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out).toEqual([
      `Job has been submitted with JobID ${JOB}`,
      `Job 'my job' (${JOB}) is CREATED.`,
      `Job 'my job' (${JOB}) switched from state CREATED to RUNNING.`,
      `Job 'my job' (${JOB}) switched from state RUNNING to FINISHED.`,
      `Job with JobID ${JOB} has finished.`,
      'Job Runtime: 1234 ms',
    ]);
  });

  it('attached, exits 1 with the root cause in one line when the job fails (the stack with --verbose)', async () => {
    server.sequence('GET', `/v1/jobs/${JOB}`, [details('RUNNING'), details('FAILED')]);
    server.on('GET', `/v1/jobs/${JOB}/exceptions`, {
      body: { 'root-exception': "TaskFailedError: operator 'Refuser' threw RangeError: no 42 please\n    at refuse (job.ts:9:3)", timestamp: 1, truncated: false },
    });
    const run = await runCli(['run', ...m, job]);
    expect(run.code).toBe(1);
    expect(run.err.filter((l) => l.startsWith('error:'))).toEqual([
      `error: Job 'my job' (${JOB}) failed: TaskFailedError: operator 'Refuser' threw RangeError: no 42 please`,
    ]);
    expect(run.err.join('\n')).not.toContain('at refuse');
    const verbose = await runCli(['run', '--verbose', ...m, job]);
    expect(verbose.code).toBe(1);
    expect(verbose.err.join('\n')).toContain('    at refuse (job.ts:9:3)');
  });

  it('a cancelled job exits 1', async () => {
    server.on('GET', `/v1/jobs/${JOB}`, details('CANCELED'));
    const run = await runCli(['run', ...m, job]);
    expect(run.code).toBe(1);
    expect(run.err.filter((l) => l.startsWith('error:'))).toEqual([`error: Job 'my job' (${JOB}) ended CANCELED.`]);
  });

  it('a missing job file, an unreachable -m and -n without -s fail clearly', async () => {
    const missing = await runCli(['run', ...m, join(dir, 'nope.ts')]);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/^error: cannot upload job module .*nope\.ts: no such file/);
    const nonRestored = await runCli(['run', '-n', ...m, job]);
    expect(nonRestored.code).toBe(2);
    expect(nonRestored.err[0]).toContain('-n/--allowNonRestoredState applies only together with -s');
    await server.stop();
    const unreachable = await runCli(['run', ...m, job]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err[0]).toContain(`cannot reach the JobManager at ${server.url}`);
  });

  it('without -m, uses the cluster at rest.address:rest.port when GET /v1/overview answers', async () => {
    server.on('GET', '/v1/overview', { body: { taskmanagers: 1, 'slots-total': 4, 'flink-version': '0.1.0' } });
    const port = server.address.split(':')[1]!;
    const run = await runCli(['run', '-d', '-D', 'rest.address=127.0.0.1', '-D', `rest.port=${port}`, job]);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out).toEqual([`Job has been submitted with JobID ${JOB}`]);
  });

  it('without -m and without a cluster, -d is refused rather than run in this process', async () => {
    await server.stop();
    const port = server.address.split(':')[1]!;
    const run = await runCli(['run', '-d', '-D', `rest.port=${port}`, job]);
    expect(run.code).toBe(1);
    expect(run.err[0]).toContain('run -d needs a running cluster');
  });
});

describe('sluice cluster stop', () => {
  it('without a pid file sends DELETE /v1/cluster and waits until the JobManager stops answering', async () => {
    let deleted = false;
    server.on('DELETE', '/v1/cluster', () => ((deleted = true), { status: 202, body: {} }));
    server.on('GET', '/v1/overview', () => (deleted ? undefined : { body: { 'flink-version': 'x' } }));
    const run = await runCli(['cluster', 'stop', ...m, '-D', `env.log.dir=${join(dir, 'no-cluster-here')}`]);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out).toEqual(['Stopping cluster.', `Stopped the JobManager at ${server.url}.`]);
    expect(server.requestsTo('DELETE', '/v1/cluster')).toHaveLength(1);
  });
});

describe('sluice taskmanager', () => {
  it('exits 1 before it starts when its heartbeat settings contradict each other, naming the keys', async () => {
    const run = await runCli(['taskmanager', '-D', 'heartbeat.interval=10 s', '-D', 'heartbeat.timeout=5 s']);
    expect(run.code).toBe(1);
    expect(run.err[0]).toBe(
      'error: heartbeat.timeout must be larger than heartbeat.interval (a few intervals, Flink uses 5), got timeout 5000 ms and interval 10000 ms',
    );
  });
});
