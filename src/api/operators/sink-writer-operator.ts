// Runs a Sink's writer at the end of a chain; for two-phase-commit sinks, stages committables at checkpoints and
// commits them when the checkpoint completes (exactly-once output).

import { CheckpointingOptions } from '../../config/checkpointing-options.ts';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../core/stream-element.ts';
import { ListStateDescriptor } from '../../state/list-state-descriptor.ts';
import type { FunctionInitializationContext, FunctionSnapshotContext } from '../../state/operator-state.ts';
import type { ListState } from '../../state/state.ts';
import type { Sink, SinkWriter, SinkWriterContext } from '../sink.ts';
import { OneInputStreamOperator } from './stream-operator.ts';

/** Committables staged at one checkpoint. */
interface StagedCommittables {
  readonly checkpointId: number;
  readonly committables: readonly unknown[];
}

/** The operator list state committables live in until their checkpoint completes (Flink's name). */
export const COMMITTABLES_STATE = 'streaming_committer_raw_states';

/** Staged at the end of input; committed by the final commit (or at once without checkpointing). */
const END_OF_INPUT_ID = Number.MAX_SAFE_INTEGER;

export class SinkWriterOperator<T> extends OneInputStreamOperator<T, never> implements SinkWriterContext {
  #writer!: SinkWriter<T>;
  #timestamp = NO_TIMESTAMP;
  #watermark = MIN_WATERMARK;
  /** Committables waiting for their checkpoint to complete, oldest first. */
  #staged: StagedCommittables[] = [];
  #committablesState: ListState<StagedCommittables> | undefined;
  /** Committables restored from a completed checkpoint: committed again on open (commits are idempotent). */
  #restored: StagedCommittables[] = [];

  constructor(readonly sink: Sink<T>) {
    super();
  }

  get #twoPhase(): boolean {
    return this.sink.commit !== undefined;
  }

  get #checkpointing(): boolean {
    return this.context.jobConfig.get(CheckpointingOptions.INTERVAL) > 0;
  }

  protected override initializeUserState(context: FunctionInitializationContext): void {
    if (!this.#twoPhase) return;
    this.#committablesState = context.getOperatorStateStore().getListState(new ListStateDescriptor<StagedCommittables>(COMMITTABLES_STATE));
    if (context.isRestored()) this.#restored = [...this.#committablesState.get()];
  }

  override async open(): Promise<void> {
    const rc = this.context.runtimeContext;
    this.#writer = await this.sink.createWriter({
      subtaskIndex: rc.getIndexOfThisSubtask(),
      parallelism: rc.getNumberOfParallelSubtasks(),
      attemptNumber: rc.getAttemptNumber(),
      jobId: rc.getJobId(),
      clock: this.context.clock,
      logger: this.context.logger,
      checkpointing: this.#checkpointing,
    });
    // What the restored checkpoint staged belongs to a completed checkpoint: publish it (again).
    const restored = this.#restored.flatMap((s) => s.committables);
    this.#restored = [];
    if (restored.length > 0) await this.sink.commit!(restored);
  }

  processElement(value: T, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#writer.write(value, this);
  }

  override processWatermark(timestamp: number): void {
    this.#watermark = timestamp;
  }

  currentWatermark(): number {
    return this.#watermark;
  }

  timestamp(): number | null {
    return this.#timestamp === NO_TIMESTAMP ? null : this.#timestamp;
  }

  protected override async snapshotUserState(context: FunctionSnapshotContext): Promise<void> {
    if (!this.#twoPhase) return;
    const id = context.getCheckpointId();
    await this.#writer.flush(false);
    await this.#stage(id);
    // What the end of input staged belongs to this (final) checkpoint.
    this.#staged = this.#staged.map((s) => (s.checkpointId === END_OF_INPUT_ID ? { ...s, checkpointId: id } : s));
    this.#committablesState!.update(this.#staged);
  }

  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await super.notifyCheckpointComplete(checkpointId);
    if (!this.#twoPhase) return;
    const due = this.#staged.filter((s) => s.checkpointId <= checkpointId);
    if (due.length === 0) return;
    this.#staged = this.#staged.filter((s) => s.checkpointId > checkpointId);
    await this.sink.commit!(due.flatMap((s) => s.committables));
  }

  override async finish(): Promise<void> {
    await this.#writer.flush(true);
    if (!this.#twoPhase) return;
    await this.#stage(END_OF_INPUT_ID);
    // Without checkpoints nothing can restart from a checkpoint: publish now. With them, the final commit does.
    if (!this.#checkpointing) await this.notifyCheckpointComplete(END_OF_INPUT_ID);
  }

  override async close(): Promise<void> {
    await this.#writer?.close();
  }

  async #stage(checkpointId: number): Promise<void> {
    const committables = (await this.#writer.prepareCommit?.()) ?? [];
    if (committables.length > 0) this.#staged.push({ checkpointId, committables });
  }
}
