import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CheckpointCoordinator,
  taskKey,
  type CheckpointCoordinatorContext,
  type CheckpointCoordinatorSettings,
} from '../../../src/checkpoint/checkpoint-coordinator.ts';
import { CheckpointStorage, loadCheckpoint } from '../../../src/checkpoint/checkpoint-storage.ts';
import { SluiceError } from '../../../src/core/errors.ts';

/** Virtual time: scheduled callbacks run when the test moves time. */
class FakeContext implements CheckpointCoordinatorContext {
  time = 0;
  readonly triggered: number[] = [];
  readonly completed: number[] = [];
  readonly aborted: number[] = [];
  readonly failures: Error[] = [];
  #timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  triggerSources(id: number): void {
    this.triggered.push(id);
  }
  notifyComplete(id: number): void {
    this.completed.push(id);
  }
  notifyAborted(id: number): void {
    this.aborted.push(id);
  }
  failJob(error: Error): void {
    this.failures.push(error);
  }
  now(): number {
    return this.time;
  }
  schedule(fn: () => void, delayMs: number) {
    const t = { at: this.time + delayMs, fn, cancelled: false };
    this.#timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  }
  log(): void {}
  /** Moves time to `to`, running due timers in order (and the promises they start). */
  async advance(to: number): Promise<void> {
    for (;;) {
      const due = this.#timers.filter((t) => !t.cancelled && t.at <= to).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this.time = due.at;
      due.fn();
      await flush();
    }
    this.time = to;
  }
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

const TASKS = [taskKey('v1', 0), taskKey('v1', 1)];
const OPERATORS = [{ operatorId: 'op1', uid: 'counter', name: 'Counter', parallelism: 2, maxParallelism: 128, vertexId: 'v1' }];
const settings = (s: Partial<CheckpointCoordinatorSettings> = {}): CheckpointCoordinatorSettings => ({
  interval: 1_000,
  minPause: 0,
  maxConcurrent: 1,
  timeout: 10_000,
  tolerableFailures: 0,
  numRetained: 1,
  ...s,
});
const inline = (n: number) => ({ keyed: [], operator: { kind: 'inline' as const, data: new Uint8Array([n]), checksum: 'x' } });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-coord-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function coordinator(s: Partial<CheckpointCoordinatorSettings> = {}, withDir = false) {
  const ctx = new FakeContext();
  const storage = new CheckpointStorage({ jobId: 'job', checkpointsDirectory: withDir ? dir : undefined, compression: false, inlineLimitBytes: 1024 });
  const c = new CheckpointCoordinator(settings(s), storage, ctx, 'job', OPERATORS, TASKS);
  return { ctx, c, storage };
}

const ackAll = (c: CheckpointCoordinator, id: number) => {
  for (const [i, t] of TASKS.entries()) c.acknowledge(t, id, { op1: inline(i) });
};

describe('CheckpointCoordinator', () => {
  it('triggers every interval, completes when every task acknowledged, writes _metadata and retains the newest', async () => {
    const { ctx, c, storage } = coordinator({}, true);
    await storage.initialize();
    c.start();
    await ctx.advance(1_000);
    await vi.waitFor(() => expect(ctx.triggered).toEqual([1]));
    c.acknowledge(TASKS[0]!, 1, { op1: inline(0) });
    await flush();
    expect(ctx.completed).toEqual([]);
    c.acknowledge(TASKS[1]!, 1, { op1: inline(1) });
    await vi.waitFor(() => expect(ctx.completed).toEqual([1]));
    const loaded = await loadCheckpoint(join(dir, 'job', 'chk-1'));
    expect(loaded.metadata.operators[0]!.subtasks.map((s) => s.subtaskIndex)).toEqual([0, 1]);
    expect(c.stats.numberOfCompletedCheckpoints).toBe(1);
    await ctx.advance(2_000);
    await vi.waitFor(() => expect(ctx.triggered).toEqual([1, 2]));
    ackAll(c, 2);
    await vi.waitFor(() => expect(c.retained.map((r) => r.checkpointId)).toEqual([2]));
    expect((await readdir(join(dir, 'job'))).sort()).toEqual(['chk-2', 'shared', 'taskowned']);
  });

  it('does not start a checkpoint while max concurrent are in progress, and honours the min pause', async () => {
    const { ctx, c } = coordinator({ interval: 100, minPause: 500 });
    c.start();
    await ctx.advance(100);
    expect(ctx.triggered).toEqual([1]);
    await ctx.advance(400);
    expect(ctx.triggered).toEqual([1]); // still in progress
    ctx.time = 450;
    ackAll(c, 1);
    await flush();
    await ctx.advance(940);
    expect(ctx.triggered).toEqual([1]); // min pause: not before 950
    await ctx.advance(1_100);
    expect(ctx.triggered).toEqual([1, 2]);
  });

  it('expires a checkpoint after the timeout and fails the job beyond the tolerable failures', async () => {
    const { ctx, c } = coordinator({ interval: 100, timeout: 50, tolerableFailures: 1 });
    c.start();
    await ctx.advance(160);
    expect(ctx.aborted).toEqual([1]);
    expect(c.stats.numberOfFailedCheckpoints).toBe(1);
    expect(ctx.failures).toEqual([]);
    await ctx.advance(260);
    expect(ctx.failures).toHaveLength(1);
    expect((ctx.failures[0] as SluiceError).code).toBe('CHECKPOINT_FAILURES_EXCEEDED');
    expect(ctx.failures[0]!.message).toMatch(/tolerable failure threshold \(1\).*expired/);
  });

  it('a completed checkpoint resets the failure count; a declined one counts', async () => {
    const { ctx, c } = coordinator({ interval: 100, tolerableFailures: 1 });
    c.start();
    await ctx.advance(100);
    c.decline(TASKS[0]!, 1, new Error('disk full'));
    await ctx.advance(200);
    ackAll(c, 2);
    await flush();
    expect(c.stats.continuousFailures).toBe(0);
    await ctx.advance(300);
    c.decline(TASKS[1]!, 3, new Error('disk full'));
    expect(ctx.failures).toEqual([]);
  });

  it('takes a savepoint on demand; its failure does not count against the job', async () => {
    const { ctx, c } = coordinator({ interval: 0 });
    const savepoint = c.triggerSavepoint(dir);
    await vi.waitFor(() => expect(ctx.triggered).toEqual([1]));
    ackAll(c, 1);
    const done = await savepoint;
    expect(done.type).toBe('SAVEPOINT');
    // savepoint-<first 6 of the job id>-<12 hex>/_metadata, self-contained, outside any chk-n directory.
    expect(done.externalPath).toMatch(new RegExp(`${dir}/savepoint-job-[0-9a-f]{12}/_metadata$`));
    expect((await loadCheckpoint(done.externalPath!)).metadata.type).toBe('SAVEPOINT');
    const failed = c.triggerSavepoint(dir);
    await vi.waitFor(() => expect(ctx.triggered).toEqual([1, 2]));
    c.decline(TASKS[0]!, 2, new Error('nope'));
    await expect(failed).rejects.toThrow(/declined/);
    expect(ctx.failures).toEqual([]);
    // The failed savepoint's directory is gone; the completed one stays.
    await c.shutdown(false);
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('ignores late and duplicate acknowledgements; a task that was not running aborts without counting', async () => {
    const { ctx, c } = coordinator({ interval: 100 });
    c.start();
    await ctx.advance(100);
    c.acknowledge(TASKS[0]!, 1, { op1: inline(0) });
    c.acknowledge(TASKS[0]!, 1, { op1: inline(0) });
    c.acknowledge(TASKS[0]!, 99, { op1: inline(0) });
    expect(ctx.completed).toEqual([]);
    c.decline(TASKS[1]!, 1, new SluiceError('ILLEGAL_STATE', 'task is not running yet'));
    expect(ctx.aborted).toEqual([1]);
    // The history shows it failed, with the cause and the one acknowledgement it got.
    expect(c.history.get(1)).toMatchObject({ status: 'FAILED', numAcknowledgedSubtasks: 1, numSubtasks: 2, failureMessage: expect.stringContaining('not running yet') });
    expect(c.stats.numberOfFailedCheckpoints).toBe(0);
    expect(ctx.failures).toEqual([]);
  });

  describe('a checkpoint aborted while its _metadata is written', () => {
    /** Storage whose finalize of checkpoint 1 waits until the test releases it. */
    function gatedCoordinator() {
      const ctx = new FakeContext();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      class GatedStorage extends CheckpointStorage {
        override async finalize(metadata: Parameters<CheckpointStorage['finalize']>[0]): ReturnType<CheckpointStorage['finalize']> {
          if (metadata.checkpointId === 1) await gate;
          return super.finalize(metadata);
        }
      }
      const storage = new GatedStorage({ jobId: 'job', checkpointsDirectory: dir, compression: false, inlineLimitBytes: 1024 });
      const c = new CheckpointCoordinator(settings({ interval: 100, maxConcurrent: 2 }), storage, ctx, 'job', OPERATORS, TASKS);
      return { ctx, c, storage, release };
    }

    it('never completes once a newer checkpoint completed first (subsumed), and its directory is removed', async () => {
      const { ctx, c, storage, release } = gatedCoordinator();
      await storage.initialize();
      c.start();
      await ctx.advance(100);
      await vi.waitFor(() => expect(ctx.triggered).toEqual([1]));
      await ctx.advance(200);
      await vi.waitFor(() => expect(ctx.triggered).toEqual([1, 2]));
      ackAll(c, 1); // finalizing, held at the gate
      await flush();
      ackAll(c, 2);
      await vi.waitFor(() => expect(ctx.completed).toEqual([2]));
      expect(ctx.aborted).toEqual([1]);
      release();
      await flush();
      await c.shutdown(true);
      expect(ctx.completed).toEqual([2]);
      expect(c.retained.map((r) => r.checkpointId)).toEqual([2]);
      expect(c.latestCompleted?.checkpointId).toBe(2);
      expect((await readdir(join(dir, 'job'))).sort()).toEqual(['chk-2', 'shared', 'taskowned']);
    });

    it('never completes once the job began failing over; shutdown waits for its files to go', async () => {
      const { ctx, c, storage, release } = gatedCoordinator();
      await storage.initialize();
      c.start();
      await ctx.advance(100);
      await vi.waitFor(() => expect(ctx.triggered).toEqual([1]));
      ackAll(c, 1);
      await flush();
      c.stop('the job is failing over');
      expect(ctx.aborted).toEqual([1]);
      const shutdown = c.shutdown(true);
      release();
      await shutdown;
      await flush(); // nothing left running may complete it later
      expect(ctx.completed).toEqual([]);
      expect(c.latestCompleted).toBeUndefined();
      expect((await readdir(join(dir, 'job'))).sort()).toEqual(['shared', 'taskowned']);
    });
  });
});
