// Jobs on worker-thread TaskManagers: real threads, real MessagePort channels, failure and crash propagation.
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { JobExecutionError, NotEnoughSlotsError, SluiceError, StreamExecutionEnvironment, runJobModule } from 'sluice';
import { PROGRESS_CHANNEL } from '../fixtures/jobs/backpressure.ts';
import { buildSmoke } from '../fixtures/jobs/smoke.ts';

const fixture = (name: string): string => new URL(`../fixtures/jobs/${name}.ts`, import.meta.url).href;

describe('worker-thread runtime', () => {
  it('runs a parallel job in at least two worker threads and delivers every record', async () => {
    const rows = (await runJobModule(fixture('thread-ids'))) as { subtask: number; thread: number; n: number }[];
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => r.n)).size).toBe(2000);
    const threads = new Set(rows.map((r) => r.thread));
    expect(threads.size).toBeGreaterThanOrEqual(2);
    expect(threads.has(threadId)).toBe(false);
    // Each subtask runs in exactly one thread.
    for (const subtask of [0, 1]) expect(new Set(rows.filter((r) => r.subtask === subtask).map((r) => r.thread)).size).toBe(1);
  });

  it('gives every subtask in a shared thread its own instance of a class with #private fields', async () => {
    const rows = (await runJobModule(fixture('private-fields'), {
      configuration: { 'execution.runtime': 'threads', 'minicluster.number-of-taskmanagers': 1, 'taskmanager.numberOfTaskSlots': 2 },
    })) as { subtask: number; seen: number; thread: number }[];
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.thread)).size).toBe(1);
    for (const subtask of [0, 1]) {
      const seen = rows.filter((r) => r.subtask === subtask).map((r) => r.seen);
      // Each subtask counts only its own records, from 1 up: the instances are separate.
      expect(seen.length).toBeGreaterThan(0);
      expect(Math.max(...seen)).toBe(seen.length);
    }
  });

  it('runs keyed sums across threads with the same result as in-process', async () => {
    const threaded = (await runJobModule(fixture('smoke'), { args: ['2'] })) as [number, number][];
    const local = await buildSmoke(StreamExecutionEnvironment.createLocalEnvironment(1)).executeAndCollect(1_000_000);
    const expected = new Map<number, number>();
    for (let n = 1; n <= 10_000; n++) {
      const v = n * 2;
      if (v % 3 === 0) expected.set(v % 10, (expected.get(v % 10) ?? 0) + v);
    }
    // One output per input record; per key the running sum only grows, so its largest value is the total.
    const totals = (rows: [number, number][]) => {
      const byKey = new Map<number, number>();
      for (const [k, sum] of rows) byKey.set(k, Math.max(byKey.get(k) ?? 0, sum));
      return byKey;
    };
    expect(threaded).toHaveLength(3333);
    expect(local).toHaveLength(3333);
    expect(totals(threaded)).toEqual(expected);
    expect(totals(local)).toEqual(expected);
  });

  it('fails the job with the user error, naming the operator and subtask', async () => {
    const error = await runJobModule(fixture('failing'), { args: ['777'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    const e = error as JobExecutionError;
    expect(e.code).toBe('JOB_FAILED');
    expect(e.message).toMatch(/operator 'Explode' in task '.*Explode.* \(\d\/2\)'/);
    expect(e.message).toContain('BadRecordError: bad record 777');
    expect(e.stack).toContain('Caused by: BadRecordError: bad record 777');
    expect(e.stack).toContain('explode');
    expect((e.cause as Error).name).toBe('BadRecordError');
  });

  it('fails the job when a worker thread exits', async () => {
    const error = await runJobModule(fixture('crash')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toMatch(/died|exit/i);
  });

  it('refuses a job that needs more slots than the cluster has', async () => {
    const error = await runJobModule(fixture('smoke'), {
      args: ['2'],
      configuration: { 'minicluster.number-of-taskmanagers': 1, 'taskmanager.numberOfTaskSlots': 1 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotEnoughSlotsError);
    expect((error as Error).message).toContain('needs 2 task slots but the cluster has 1');
  });

  it('says what to do when a parallel job has no module for the workers', async () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(2);
    env.fromSequence(1, 10).map((n) => n).print();
    const error = await env.execute().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).code).toBe('JOB_MODULE_REQUIRED');
    expect((error as Error).message).toContain('execution.runtime: local');
  });

  it('keeps a fast source within bounded distance of a slow sink in another thread', async () => {
    const progress = new BroadcastChannel(PROGRESS_CHANNEL);
    let emitted = 0;
    let consumed = 0;
    let maxLag = 0;
    progress.onmessage = (event) => {
      const m = (event as unknown as { data: { emitted?: number; consumed?: number } }).data;
      if (m.emitted !== undefined) emitted = Math.max(emitted, m.emitted);
      if (m.consumed !== undefined) consumed = Math.max(consumed, m.consumed);
      maxLag = Math.max(maxLag, emitted - consumed);
    };
    try {
      await runJobModule(fixture('backpressure'), {
        args: ['20000'],
        configuration: {
          'minicluster.number-of-taskmanagers': 2,
          'taskmanager.numberOfTaskSlots': 1,
          'taskmanager.network.memory.buffers-per-channel': 2,
          'taskmanager.network.records-per-buffer': 100,
        },
      });
      // The sink's last report may still be on its way when the job has finished.
      await vi.waitFor(() => expect(consumed).toBe(20_000));
    } finally {
      progress.close();
    }
    // In flight at most: 2 credits x 100 records, the consumer's buffer, one source batch (1024), report slack.
    expect(maxLag).toBeLessThan(2_500);
  });
});
