// Drives a SourceReader inside a source task: records go into the chain, event time is assigned, watermarks
// and idleness are generated periodically and the maximum watermark closes a bounded input.

import { MAX_WATERMARK, NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceSplit } from '../source.ts';
import type { WatermarkGenerator, WatermarkStrategy } from '../watermark-strategy.ts';
import { ListStateDescriptor } from '../../state/list-state-descriptor.ts';
import type { FunctionInitializationContext, FunctionSnapshotContext } from '../../state/operator-state.ts';
import type { ListState } from '../../state/state.ts';
import { AbstractStreamOperator, type Output } from './stream-operator.ts';
import { WatermarkEmitter } from './timestamps-and-watermarks-operator.ts';

/** The operator list state a source's splits live in (Flink's name). */
export const SOURCE_READER_STATE = 'SourceReaderState';

export class SourceOperator<T, S extends SourceSplit = SourceSplit> extends AbstractStreamOperator<T> {
  #reader!: SourceReader<T, S>;
  #readerOutput!: ReaderOutput<T>;
  #generator: WatermarkGenerator<T> | undefined;
  #watermarkOutput!: WatermarkEmitter;
  #splits: S[] = [];
  #readerState!: ListState<S>;

  constructor(
    readonly source: Source<T, S>,
    readonly watermarkStrategy: WatermarkStrategy<T>,
  ) {
    super();
  }

  /** The splits this subtask reads, given by the JobManager before open; restored state replaces them. */
  assignSplits(splits: readonly S[]): void {
    this.#splits = [...splits];
  }

  override async open(): Promise<void> {
    const rc = this.context.runtimeContext;
    this.#reader = this.source.createReader({
      subtaskIndex: rc.getIndexOfThisSubtask(),
      parallelism: rc.getNumberOfParallelSubtasks(),
      config: this.context.jobConfig,
      clock: this.context.clock,
      logger: this.context.logger,
    });
    this.#watermarkOutput = new WatermarkEmitter(this.output);
    const strategy = this.watermarkStrategy;
    if (strategy.isNoWatermarks && strategy.timestampAssigner === undefined) {
      this.#readerOutput = new PlainReaderOutput(this.output);
    } else {
      const timeService = this.context.processingTimeService;
      this.#generator = strategy.isNoWatermarks
        ? undefined
        : strategy.createWatermarkGenerator({ currentProcessingTime: () => timeService.getCurrentProcessingTime() });
      this.#readerOutput = new TimestampingReaderOutput(
        this.output,
        strategy.timestampAssigner,
        this.#generator,
        this.#watermarkOutput,
      );
    }
    this.#reader.addSplits(this.#splits);
    await this.#reader.start?.();
  }

  emitNext(): InputStatus {
    return this.#reader.pollNext(this.#readerOutput);
  }

  isAvailable(): Promise<void> {
    return this.#reader.isAvailable();
  }

  /** Called by the task every `pipeline.auto-watermark-interval`, with or without data (idleness is checked here). */
  emitPeriodicWatermark(): void {
    this.#generator?.onPeriodicEmit(this.#watermarkOutput);
  }

  get hasWatermarkGenerator(): boolean {
    return this.#generator !== undefined;
  }

  /** Emits a latency marker stamped now; it travels with the records but skips user functions. */
  emitLatencyMarker(markedTime: number): void {
    this.output.emitLatencyMarker({
      kind: 'latency',
      markedTime,
      operatorId: this.context.operatorId,
      subtaskIndex: this.context.runtimeContext.getIndexOfThisSubtask(),
    });
  }

  /** Sources keep the splits they read, with their positions, in operator list state (as Flink's SourceOperator). */
  protected override initializeUserState(context: FunctionInitializationContext): void {
    this.#readerState = context.getOperatorStateStore().getListState(new ListStateDescriptor<S>(SOURCE_READER_STATE));
    if (context.isRestored()) this.#splits = [...this.#readerState.get()];
  }

  protected override snapshotUserState(context: FunctionSnapshotContext): void {
    this.#readerState.update(this.#reader.snapshotState(context.getCheckpointId()));
  }

  override finish(): void {
    // A bounded input is complete: every event-time window and timer downstream may fire.
    this.#watermarkOutput.emitWatermark(MAX_WATERMARK);
  }

  override async close(): Promise<void> {
    await this.#reader?.close?.();
  }
}

class PlainReaderOutput<T> implements ReaderOutput<T> {
  constructor(private readonly output: Output<T>) {}
  collect(record: T, timestamp?: number): void {
    this.output.collect(record, timestamp === undefined ? NO_TIMESTAMP : timestamp);
  }
}

/** Assigns event time, emits the record (announcing activity first if the output was idle), then shows it to the generator. */
class TimestampingReaderOutput<T> implements ReaderOutput<T> {
  constructor(
    private readonly output: Output<T>,
    private readonly assigner: ((element: T, recordTimestamp: number) => number) | undefined,
    private readonly generator: WatermarkGenerator<T> | undefined,
    private readonly watermarks: WatermarkEmitter,
  ) {}
  collect(record: T, timestamp?: number): void {
    let ts = timestamp === undefined ? NO_TIMESTAMP : timestamp;
    if (this.assigner !== undefined) ts = this.assigner(record, ts);
    if (this.watermarks.idle) this.watermarks.markActive();
    // Record first, as Flink: a watermark the generator emits for this event must not make the event late.
    this.output.collect(record, ts);
    this.generator?.onEvent(record, ts, this.watermarks);
  }
}
