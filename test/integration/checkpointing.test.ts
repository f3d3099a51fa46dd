// Checkpoints and restarts on the real runtime: exactly-once keyed state across a failure, restore from the
// latest completed checkpoint, restart strategies, checkpoint files on disk.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  FsStateBackend,
  JobExecutionError,
  RateLimiterStrategy,
  RestartStrategies,
  RichMapFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type ValueState,
} from 'sluice';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-it-ckp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Throws once at `at`, but only after a checkpoint completed, so the restart restores real state. */
class FailOnceAfterCheckpoint extends RichMapFunction<number, number> {
  static failures = 0;
  /** The record the injected failure happened at. */
  static failedAt = -1;
  #checkpointed = false;
  constructor(private readonly at: number) {
    super();
  }
  map(n: number): number {
    if (n >= this.at && this.#checkpointed && FailOnceAfterCheckpoint.failures === 0) {
      FailOnceAfterCheckpoint.failures++;
      FailOnceAfterCheckpoint.failedAt = n;
      throw new Error(`injected failure at ${n}`);
    }
    return n;
  }
  notifyCheckpointComplete(): void {
    this.#checkpointed = true;
  }
}

class CountPerKey extends RichMapFunction<number, [number, number]> {
  #count!: ValueState<number>;
  override open(): void {
    this.#count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', 0));
  }
  map(n: number): [number, number] {
    const c = this.#count.value()! + 1;
    this.#count.update(c);
    return [n % 10, c];
  }
}

function job(env: StreamExecutionEnvironment, total: number) {
  return env
    .fromSource(new DataGeneratorSource((i) => i, total, RateLimiterStrategy.perSecond(8_000)), WatermarkStrategy.noWatermarks(), 'numbers')
    .map(new FailOnceAfterCheckpoint(total / 4))
    .keyBy((n) => n % 10)
    .map(new CountPerKey());
}

describe('checkpointing', () => {
  it.each([
    ['asynchronous snapshots', true],
    ['synchronous snapshots (FsStateBackend(dir, false))', false],
  ])('restores keyed state and source positions from the latest checkpoint after a failure (%s)', async (_name, async) => {
    FailOnceAfterCheckpoint.failures = 0;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(20);
    env.setStateBackend(new FsStateBackend(dir, async));
    env.getConfig().setUseSnapshotCompression(!async);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 0));
    const rows = await job(env, 4_000).executeAndCollect(1_000_000);
    expect(FailOnceAfterCheckpoint.failures).toBe(1);
    // Output is at-least-once (records after the checkpoint are replayed), state is exactly-once: the highest
    // count per key is the number of records of that key.
    const max = new Map<number, number>();
    for (const [k, c] of rows) max.set(k, Math.max(max.get(k) ?? 0, c));
    expect([...max.values()]).toEqual(Array.from({ length: 10 }, () => 400));
    // Restored from a checkpoint, not from scratch: a restart from the beginning would replay every record
    // before the failure, so the output would hold at least `failedAt` duplicates.
    expect(rows.length).toBeGreaterThanOrEqual(4_000);
    expect(rows.length).toBeLessThan(4_000 + FailOnceAfterCheckpoint.failedAt);
    // A finished job deletes its checkpoints (no externalized retention).
    const jobDirs = await readdir(dir);
    expect(jobDirs).toHaveLength(1);
    expect((await readdir(join(dir, jobDirs[0]!))).filter((d) => d.startsWith('chk-'))).toEqual([]);
  });

  it('fails the job once the restart strategy gives up, with the user error', async () => {
    class AlwaysFails extends RichMapFunction<number, number> {
      map(): number {
        throw new Error('always');
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(1_000);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
    const error = await env.fromElements(1, 2, 3).map(new AlwaysFails()).executeAndCollect(10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toContain('always');
  });
});

describe('checkpointing in worker threads', () => {
  it('restarts after a worker thread exits and writes exactly the failure-free output', async () => {
    const { runJobModule } = await import('sluice');
    const { readFile: read } = await import('node:fs/promises');
    const fixture = new URL('../fixtures/jobs/checkpoint-crash.ts', import.meta.url).href;
    const out = join(dir, 'out');
    await runJobModule(fixture, { args: [out, join(dir, 'checkpoints'), '3000'] });
    const lines: string[] = [];
    for (const f of (await readdir(out)).filter((n) => !n.startsWith('.'))) {
      lines.push(...(await read(join(out, f), 'utf8')).split('\n').filter((l) => l !== ''));
    }
    const expected: string[] = [];
    for (let k = 0; k < 7; k++) {
      const n = Array.from({ length: 6_000 }, (_, i) => i).filter((i) => i % 7 === k).length;
      for (let c = 1; c <= n; c++) expected.push(`${k}:${c}`);
    }
    expect(lines.sort()).toEqual(expected.sort());
  });
});

describe('checkpoints after tasks finished', () => {
  it('goes on checkpointing when one source finished early, and restores exactly from such a checkpoint', async () => {
    FailOnceAfterCheckpoint.failures = 0;
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(20);
    env.getCheckpointConfig().setCheckpointStorage(dir);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 0));
    // A tiny source that finishes at once, beside a long one: later checkpoints include the finished task.
    const short = env.fromElements(-3, -2, -1);
    const long = env.fromSource(new DataGeneratorSource((i) => i, 2_000, RateLimiterStrategy.perSecond(8_000)), WatermarkStrategy.noWatermarks(), 'numbers');
    const rows = await short
      .union(long)
      .map(new FailOnceAfterCheckpoint(1_000))
      .keyBy((n) => ((n % 10) + 10) % 10)
      .map(new CountPerKey())
      .executeAndCollect(1_000_000);
    expect(FailOnceAfterCheckpoint.failures).toBe(1);
    const max = new Map<number, number>();
    for (const [k, c] of rows) max.set(((k % 10) + 10) % 10, Math.max(max.get(((k % 10) + 10) % 10) ?? 0, c));
    const expected = new Map<number, number>();
    for (const n of [-3, -2, -1, ...Array.from({ length: 2_000 }, (_, i) => i)]) {
      const k = ((n % 10) + 10) % 10;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    expect(max).toEqual(expected);
  });
});
