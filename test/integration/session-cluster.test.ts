// The session cluster's Dispatcher without HTTP: jobs share long-lived TaskManager threads, reserve and release
// slots, are refused when they do not fit, and finished jobs are kept up to jobstore.max-capacity.
import { Readable } from 'node:stream';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startJobManager, type RunningJobManager } from '../../src/cluster/job-manager-process.ts';
import { Configuration } from '../../src/config/configuration.ts';
import { NotEnoughSlotsError } from '../../src/core/errors.ts';

let dir: string;
let jm: RunningJobManager;
let bundleId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-session-'));
  jm = await startJobManager({
    configuration: new Configuration({
      'rest.port': 0,
      'jobmanager.rpc.port': 0,
      'cluster.taskmanagers': 1,
      'taskmanager.numberOfTaskSlots': 2,
      'jobstore.max-capacity': 2,
      'web.upload.dir': join(dir, 'jars'),
    }),
  });
  const source = await readFile(new URL('../fixtures/jobs/rest-counting.ts', import.meta.url));
  bundleId = (await jm.dispatcher.storeBundle('rest-counting.ts', Readable.from([source]), () => false)).id;
});

afterAll(async () => {
  await jm?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('session cluster', () => {
  it('runs jobs on shared TaskManagers, reserving and releasing their slots', async () => {
    const d = jm.dispatcher;
    const threads = d.describeTaskManagers().map((t) => t.id);
    const jobId = await d.runBundle(bundleId, { args: [join(dir, 'out')], parallelism: 2 });
    expect(d.overview()).toMatchObject({ slotsTotal: 2, slotsAvailable: 0, jobsRunning: 1 });
    expect(d.describeTaskManagers()[0]!.jobs).toEqual([{ jobId, slots: 2 }]);
    // Full: the next job does not fit and nothing of it is left behind.
    await expect(d.runBundle(bundleId, { entry: 'quick' })).rejects.toBeInstanceOf(NotEnoughSlotsError);
    expect(d.jobs()).toHaveLength(1);
    d.cancel(jobId);
    await vi.waitFor(() => expect(d.job(jobId).status).toBe('CANCELED'), { timeout: 10_000 });
    expect(d.overview().slotsAvailable).toBe(2);
    // The same TaskManager threads run the next jobs.
    const quick = await d.runBundle(bundleId, { entry: 'quick', parallelism: 2 });
    await vi.waitFor(() => expect(d.job(quick).status).toBe('FINISHED'), { timeout: 10_000 });
    expect(d.describeTaskManagers().map((t) => t.id)).toEqual(threads);
    // Record counts outlive the job (sampled as each task ended).
    const [source, map] = d.job(quick).pipeline.jobGraph.vertices;
    expect(d.job(quick).vertexIo(source!.id).recordsOut).toBe(100);
    expect(d.job(quick).vertexIo(map!.id).recordsIn).toBe(100);
  });

  it('keeps the newest finished jobs up to jobstore.max-capacity', async () => {
    const d = jm.dispatcher;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await d.runBundle(bundleId, { entry: 'quick' });
      await vi.waitFor(() => expect(d.job(id).status).toBe('FINISHED'), { timeout: 10_000 });
      ids.push(id);
    }
    expect(d.jobs().map((j) => j.jobId)).toEqual([ids[2], ids[1]]);
    expect(() => d.job(ids[0]!)).toThrow(/not found/);
  });

  it('runs a job under a requested id and refuses a duplicate', async () => {
    const d = jm.dispatcher;
    const jobId = 'a'.repeat(32);
    expect(await d.runBundle(bundleId, { entry: 'quick', jobId })).toBe(jobId);
    await expect(d.runBundle(bundleId, { entry: 'quick', jobId })).rejects.toThrow(/already exists/);
  });
});
