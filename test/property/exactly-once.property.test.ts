// Exactly-once under injected failures: for random inputs, keyed pipelines and failure schedules (exceptions in
// user code, in snapshotState and in the sink's commit), the committed file-sink output equals a failure-free run;
// with AT_LEAST_ONCE checkpoints it contains it. CI runs a few cases; `npm run soak` runs thousands
// (SLUICE_SOAK_RUNS). The seed is printed by fast-check on failure and can be replayed with SLUICE_SEED.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CheckpointingMode,
  DataGeneratorSource,
  FileSink,
  ListStateDescriptor,
  RateLimiterStrategy,
  RestartStrategies,
  RichMapFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type FunctionInitializationContext,
  type ListState,
  type ValueState,
} from 'sluice';

const RUNS = Number(process.env['SLUICE_SOAK_RUNS'] ?? 6);
const SEED = process.env['SLUICE_SEED'] === undefined ? undefined : Number(process.env['SLUICE_SEED']);

/** Where a failure is injected: in attempt `attempt`, at a record, at a snapshot or at a commit. */
interface Failure {
  readonly attempt: number;
  readonly kind: 'record' | 'snapshot' | 'commit';
  /** For 'record': the record value at which to throw. */
  readonly at: number;
}

interface Case {
  /** The keyed state backend: heap (checkpoint files) or LevelDB (incremental checkpoints). */
  readonly backend: 'hashmap' | 'leveldb';
  readonly records: number;
  readonly keys: number;
  readonly parallelism: number;
  readonly interval: number;
  readonly failures: readonly Failure[];
}

/** Throws as the schedule says for the current attempt; keeps a CheckpointedFunction list to exercise snapshots. */
class Saboteur extends RichMapFunction<number, number> {
  /** Failures thrown so far, over all runs (the property must actually inject some). */
  static injected = 0;
  // TypeScript-private, not #private: in-process subtasks of one operator get copies of one object (see perSubtaskInstances).
  private seenState!: ListState<number>;
  private countState = 0;
  constructor(private readonly failures: readonly Failure[]) {
    super();
  }
  private attemptNumber(): number {
    return this.getRuntimeContext().getAttemptNumber();
  }
  private isDue(kind: Failure['kind'], value?: number): boolean {
    const a = this.attemptNumber();
    return this.failures.some((f) => f.attempt === a && f.kind === kind && (value === undefined || f.at === value));
  }
  initializeState(ctx: FunctionInitializationContext): void {
    this.seenState = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number>('seen-count'));
    this.countState = [...this.seenState.get()].reduce((a, b) => a + b, 0);
  }
  snapshotState(): void {
    if (this.isDue('snapshot') && ++Saboteur.injected) throw new Error(`injected snapshot failure in attempt ${this.attemptNumber()}`);
    this.seenState.update([this.countState]);
  }
  notifyCheckpointComplete(): void {
    if (this.isDue('commit') && ++Saboteur.injected) throw new Error(`injected commit failure in attempt ${this.attemptNumber()}`);
  }
  map(n: number): number {
    this.countState++;
    if (this.isDue('record', n) && ++Saboteur.injected) throw new Error(`injected failure at ${n} in attempt ${this.attemptNumber()}`);
    return n;
  }
}

class Count extends RichMapFunction<number, string> {
  private countState!: ValueState<number>;
  constructor(private readonly keys: number) {
    super();
  }
  override open(): void {
    this.countState = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', 0));
  }
  map(n: number): string {
    const c = this.countState.value()! + 1;
    this.countState.update(c);
    return `${n % this.keys}:${c}`;
  }
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(c: Case, mode: CheckpointingMode, withFailures: boolean): Promise<string[]> {
  const out = await mkdtemp(join(tmpdir(), 'sluice-eo-'));
  dirs.push(out);
  const env = new StreamExecutionEnvironment({
    configuration: {
      'execution.runtime': 'local',
      'state.backend': c.backend,
      'state.backend.incremental': true,
      'taskmanager.state.local.root-dirs': join(out, 'local'),
    },
  });
  env.setParallelism(c.parallelism);
  env.enableCheckpointing(c.interval, mode);
  env.getCheckpointConfig().setCheckpointStorage(join(out, 'checkpoints'));
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(100, 0));
  env
    .fromSource(
      new DataGeneratorSource((i) => i, c.records, RateLimiterStrategy.perSecond(40_000)),
      WatermarkStrategy.noWatermarks(),
      'numbers',
    )
    .map(new Saboteur(withFailures ? c.failures.map((f) => ({ ...f, at: f.at % c.records })) : []))
    .keyBy((n) => n % c.keys)
    .map(new Count(c.keys))
    .sinkTo(FileSink.forRowFormat<string>(join(out, 'files')).build());
  await env.execute('exactly-once property');
  const files = (await readdir(join(out, 'files'))).filter((f) => !f.startsWith('.'));
  const lines: string[] = [];
  for (const f of files) lines.push(...(await readFile(join(out, 'files', f), 'utf8')).split('\n').filter((l) => l !== ''));
  return lines.sort();
}

const cases = fc.record({
  backend: fc.constantFrom<Case['backend']>('hashmap', 'leveldb'),
  records: fc.integer({ min: 200, max: 2_000 }),
  keys: fc.integer({ min: 1, max: 20 }),
  parallelism: fc.integer({ min: 1, max: 2 }),
  interval: fc.integer({ min: 10, max: 40 }),
  // The first failure is always a record failure in the first attempt, so every case fails at least once (a
  // schedule of only later attempts, or of snapshots and commits a short run never reaches, would test nothing).
  failures: fc
    .tuple(
      fc.integer({ min: 0, max: 1_999 }),
      fc.array(
        fc.record({
          attempt: fc.integer({ min: 0, max: 3 }),
          kind: fc.constantFrom<Failure['kind']>('record', 'record', 'snapshot', 'commit'),
          at: fc.integer({ min: 0, max: 1_999 }),
        }),
        { maxLength: 3 },
      ),
    )
    .map(([at, rest]): Failure[] => [{ attempt: 0, kind: 'record', at }, ...rest]),
});

describe('exactly-once under injected failures (property)', () => {
  it(`file sink output equals a failure-free run (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const expected = await run(c, 'EXACTLY_ONCE', false);
        expect(expected).toHaveLength(c.records);
        const before = Saboteur.injected;
        expect(await run(c, 'EXACTLY_ONCE', true)).toEqual(expected);
        expect(Saboteur.injected, 'the schedule injected no failure').toBeGreaterThan(before);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  it(`AT_LEAST_ONCE output contains the failure-free output (${Math.max(2, Math.floor(RUNS / 2))} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const expected = new Set(await run(c, 'AT_LEAST_ONCE', false));
        const got = new Set(await run(c, 'AT_LEAST_ONCE', true));
        for (const line of expected) expect(got.has(line), line).toBe(true);
      }),
      { numRuns: Math.max(2, Math.floor(RUNS / 2)), seed: SEED, endOnFailure: true },
    );
  });
});
