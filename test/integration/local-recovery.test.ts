// Local recovery: a restarted task reads its state from the local copy on its TaskManager; with the checkpoint
// storage's state files gone, only local recovery can restore the job.
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
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
  dir = await mkdtemp(join(tmpdir(), 'sluice-it-local-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Deletes every state file of the checkpoint storage (keeping _metadata) once a checkpoint completed, then fails. */
class LoseRemoteStateThenFail extends RichMapFunction<number, number> {
  static failures = 0;
  private checkpointed = false;
  constructor(private readonly checkpoints: string) {
    super();
  }
  notifyCheckpointComplete(): void {
    this.checkpointed = true;
  }
  /** Synchronous, so the state is gone before the failure below starts the restart. */
  wipe(): void {
    for (const job of readdirSync(this.checkpoints)) {
      for (const chk of readdirSync(join(this.checkpoints, job)).filter((d) => d.startsWith('chk-'))) {
        let files: string[];
        try {
          files = readdirSync(join(this.checkpoints, job, chk));
        } catch {
          continue; // an older checkpoint being discarded right now
        }
        for (const f of files) if (f !== '_metadata') rmSync(join(this.checkpoints, job, chk, f), { force: true });
      }
    }
  }
  map(n: number): number {
    if (this.checkpointed && n >= 2_000 && LoseRemoteStateThenFail.failures === 0) {
      LoseRemoteStateThenFail.failures++;
      this.wipe();
      throw new Error('injected failure after losing the remote state');
    }
    return n;
  }
}

class Count extends RichMapFunction<number, [number, number]> {
  private count!: ValueState<string>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<string>('count'));
  }
  map(n: number): [number, number] {
    // A padded string keeps the state above the inline threshold, so it is written as a file.
    const c = Number((this.count.value() ?? '0').trim()) + 1;
    this.count.update(String(c).padStart(64));
    return [n % 2_000, c];
  }
}

async function run(localRecovery: boolean): Promise<[number, number][]> {
  LoseRemoteStateThenFail.failures = 0;
  const checkpoints = join(dir, `checkpoints-${localRecovery}`);
  const env = new StreamExecutionEnvironment({
    configuration: {
      'execution.runtime': 'local',
      'state.backend.local-recovery': localRecovery,
      'taskmanager.state.local.root-dirs': join(dir, 'local'),
    },
  });
  env.enableCheckpointing(25);
  env.getCheckpointConfig().setCheckpointStorage(checkpoints);
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
  const sabotage = new LoseRemoteStateThenFail(checkpoints);
  return env
    .fromSource(new DataGeneratorSource((i) => i, 6_000, RateLimiterStrategy.perSecond(10_000)), WatermarkStrategy.noWatermarks(), 'numbers')
    .map(sabotage)
    .keyBy((n) => n % 2_000)
    .map(new Count())
    .executeAndCollect(1_000_000);
}

describe('local recovery', () => {
  it('restores from the local copies when the checkpoint storage lost its state files', async () => {
    const rows = await run(true);
    expect(LoseRemoteStateThenFail.failures).toBe(1);
    const last = new Map<number, number>();
    for (const [k, c] of rows) last.set(k, Math.max(last.get(k) ?? 0, c));
    expect(last.size).toBe(2_000);
    expect([...last.values()].every((c) => c === 3)).toBe(true);
    // The job's local copies are removed when it ends.
    expect(await readdir(join(dir, 'local'))).toEqual([]);
  });

  it('without local recovery the same loss fails the restore, naming the missing file', async () => {
    const error = await run(false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toMatch(/state file .*chk-\d+.* cannot be read/);
  });
});
