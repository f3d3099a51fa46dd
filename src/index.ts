// The public API of sluice: the only module users import. Importing it installs the embedded runtime as the
// default executor of every StreamExecutionEnvironment.

import { setDefaultExecutorFactory } from './api/executor.ts';
import { EmbeddedExecutor } from './runtime/embedded-executor.ts';

setDefaultExecutorFactory(() => new EmbeddedExecutor());

export { StreamExecutionEnvironment, DEFAULT_JOB_NAME, type EnvironmentOptions } from './api/environment.ts';
export { DataStream, SingleOutputStreamOperator, DataStreamSink } from './api/data-stream.ts';
export { KeyedStream, type FieldExpression } from './api/keyed-stream.ts';
export { ExecutionConfig } from './api/execution-config.ts';
export {
  JobExecutionResult,
  type JobClient,
  type VertexLoad,
  type SubtaskLoad,
  type BackPressureLevel,
} from './api/job-client.ts';
export type { JobModuleRef, Pipeline, PipelineExecutor, SubmittedJob } from './api/executor.ts';
export {
  AbstractRichFunction,
  RichMapFunction,
  RichFilterFunction,
  RichFlatMapFunction,
  RichReduceFunction,
  type Collector,
  type MapFunction,
  type FilterFunction,
  type FlatMapFunction,
  type ReduceFunction,
  type KeySelector,
  type Partitioner,
  type RuntimeContext,
  type RichFunction,
} from './api/functions.ts';
export {
  ProcessFunction,
  KeyedProcessFunction,
  TimeDomain,
  type ProcessContext,
  type KeyedProcessContext,
  type OnTimerContext,
  type KeyedOnTimerContext,
  type TimerService,
} from './api/process-function.ts';
export { OutputTag } from './api/output-tag.ts';
export { WindowedStream, type KeyedWindowFunction } from './api/windowed-stream.ts';
export { AllWindowedStream, type AllWindowFunctionOrProcess } from './api/all-windowed-stream.ts';
export { Window } from './api/windowing/window.ts';
export { TimeWindow } from './api/windowing/time-window.ts';
export { GlobalWindow } from './api/windowing/global-window.ts';
export { WindowAssigner, type WindowAssignerContext } from './api/windowing/window-assigner.ts';
export { MergingWindowAssigner } from './api/windowing/merging-window-assigner.ts';
export type { MergeCallback } from './api/windowing/merge-callback.ts';
export { TumblingEventTimeWindows } from './api/windowing/tumbling-event-time-windows.ts';
export { SlidingEventTimeWindows } from './api/windowing/sliding-event-time-windows.ts';
export { EventTimeSessionWindows } from './api/windowing/event-time-session-windows.ts';
export { DynamicEventTimeSessionWindows } from './api/windowing/dynamic-event-time-session-windows.ts';
export { TumblingProcessingTimeWindows } from './api/windowing/tumbling-processing-time-windows.ts';
export { SlidingProcessingTimeWindows } from './api/windowing/sliding-processing-time-windows.ts';
export { ProcessingTimeSessionWindows } from './api/windowing/processing-time-session-windows.ts';
export { DynamicProcessingTimeSessionWindows } from './api/windowing/dynamic-processing-time-session-windows.ts';
export type { SessionWindowTimeGapExtractor } from './api/windowing/session-window-time-gap-extractor.ts';
export { GlobalWindows } from './api/windowing/global-windows.ts';
export type { WindowOffset } from './api/windowing/window-arguments.ts';
export { Trigger, type TriggerContext, type OnMergeContext } from './api/windowing/trigger.ts';
export { TriggerResult } from './api/windowing/trigger-result.ts';
export { EventTimeTrigger } from './api/windowing/event-time-trigger.ts';
export { ProcessingTimeTrigger } from './api/windowing/processing-time-trigger.ts';
export { CountTrigger } from './api/windowing/count-trigger.ts';
export { PurgingTrigger } from './api/windowing/purging-trigger.ts';
export { ContinuousEventTimeTrigger } from './api/windowing/continuous-event-time-trigger.ts';
export { ContinuousProcessingTimeTrigger } from './api/windowing/continuous-processing-time-trigger.ts';
export { NeverTrigger } from './api/windowing/never-trigger.ts';
export type { Evictor, EvictorContext } from './api/windowing/evictor.ts';
export { CountEvictor } from './api/windowing/count-evictor.ts';
export { TimeEvictor } from './api/windowing/time-evictor.ts';
export { DeltaEvictor } from './api/windowing/delta-evictor.ts';
export type { DeltaFunction } from './api/windowing/delta-function.ts';
export { EvictableList, type EvictableIterable, type RemovingIterator } from './api/windowing/evictable-list.ts';
export { TimestampedValue } from './api/windowing/timestamped-value.ts';
export { ProcessWindowFunction, type ProcessWindowContext } from './api/windowing/process-window-function.ts';
export { ProcessAllWindowFunction, type ProcessAllWindowContext } from './api/windowing/process-all-window-function.ts';
export type { WindowFunction } from './api/windowing/window-function.ts';
export type { AllWindowFunction } from './api/windowing/all-window-function.ts';
export type { WindowStateStore } from './api/windowing/window-function-context.ts';
export { type WindowSerializer, TIME_WINDOW_SERIALIZER, GLOBAL_WINDOW_SERIALIZER } from './api/windowing/window-serializer.ts';
export {
  RichCoMapFunction,
  RichCoFlatMapFunction,
  CoProcessFunction,
  KeyedCoProcessFunction,
  ProcessJoinFunction,
  type CoMapFunction,
  type CoFlatMapFunction,
  type ProcessJoinContext,
  type ProcessJoinFunctionLike,
} from './api/co-functions.ts';
export { ConnectedStreams } from './api/connected-streams.ts';
export {
  JoinedStreams,
  CoGroupedStreams,
  CoGroupWindowed,
  JoinWindowed,
  type JoinFunction,
  type FlatJoinFunction,
  type CoGroupFunction,
  type TaggedUnion,
} from './api/co-grouped-streams.ts';
export { IntervalJoin, IntervalJoined, type IntervalBound } from './api/interval-join.ts';
export { ValueStateDescriptor } from './state/value-state-descriptor.ts';
export { ListStateDescriptor } from './state/list-state-descriptor.ts';
export { MapStateDescriptor } from './state/map-state-descriptor.ts';
export { ReducingStateDescriptor } from './state/reducing-state-descriptor.ts';
export { AggregatingStateDescriptor } from './state/aggregating-state-descriptor.ts';
export { StateTtlConfig } from './state/state-ttl-config.ts';
export type {
  State,
  ValueState,
  ListState,
  MapState,
  ReducingState,
  AggregatingState,
  AppendingState,
} from './state/state.ts';
export type { AggregateFunction } from './state/aggregate-function.ts';
export type {
  CheckpointedFunction,
  FunctionInitializationContext,
  FunctionSnapshotContext,
  OperatorStateStore,
  KeyedStateStore,
  CheckpointListener,
} from './state/operator-state.ts';
export { Time, type Duration } from './api/time.ts';
export {
  WatermarkStrategy,
  BoundedOutOfOrdernessWatermarks,
  type WatermarkGenerator,
  type WatermarkOutput,
  type TimestampAssigner,
  type WatermarkGeneratorSupplier,
  type WatermarkGeneratorSupplierContext,
} from './api/watermark-strategy.ts';
export { WatermarksWithIdleness } from './api/watermarks-with-idleness.ts';
export {
  CheckpointConfig,
  CheckpointingMode,
  ExternalizedCheckpointCleanup,
  MINIMAL_CHECKPOINT_TIME,
} from './api/checkpoint-config.ts';
export {
  RestartStrategies,
  RestartStrategyConfiguration,
  FixedDelayRestartStrategyConfiguration,
  FailureRateRestartStrategyConfiguration,
  ExponentialDelayRestartStrategyConfiguration,
} from './api/restart-strategies.ts';
export {
  MemoryStateBackend,
  HashMapStateBackend,
  FsStateBackend,
  LevelDBStateBackend,
  PredefinedOptions,
  type StateBackend,
} from './api/state-backends.ts';
export { CheckpointingOptions, StateBackendOptions, RestartStrategyOptions } from './config/checkpointing-options.ts';
export type {
  Source,
  SourceReader,
  SourceSplit,
  ReaderOutput,
  InputStatus,
  Boundedness,
  SplitEnumeratorContext,
  SourceReaderContext,
} from './api/source.ts';
export type { Sink, SinkWriter, SinkWriterContext, WriterInitContext } from './api/sink.ts';
export { NumberSequenceSource } from './api/sources/number-sequence-source.ts';
export { CollectionSource } from './api/sources/collection-source.ts';
export { PrintSink } from './api/sinks/print-sink.ts';
export { DiscardingSink } from './api/sinks/discarding-sink.ts';
export { Configuration, type ConfigValue } from './config/configuration.ts';
export { CoreOptions, TaskManagerOptions } from './config/options.ts';
export type { ConfigOption } from './config/config-option.ts';
export { JobStatus } from './core/job-status.ts';
export type { Clock } from './core/clock.ts';
export { ManualClock } from './core/clock.ts';
export type { Logger, LogLevel } from './core/logger.ts';
export { LoggerFactory, type ConfigureLoggingOptions } from './logging/logger-factory.ts';
export { loggingSettingsFrom, type LoggingSettings, type LoggingRole, type ConsoleFormat } from './logging/logging-settings.ts';
export type { LogSink } from './logging/log-sinks.ts';
export {
  loadConfiguration,
  resolveConfiguration,
  envVariableName,
  type LoadConfigurationOptions,
  type LoadedConfiguration,
  type ConfigWarning,
} from './config/config-loader.ts';
export {
  SluiceError,
  ConfigurationError,
  InvalidProgramError,
  IllegalArgumentError,
  IllegalStateError,
  JobModuleError,
  NotEnoughSlotsError,
  JobExecutionError,
  JobCancellationError,
  ERROR_CODES,
  type ErrorCode,
} from './core/errors.ts';
export type { JobGraph, JobVertex, JobEdge, ChainedOperator } from './graph/job-graph.ts';
export type { ShipStrategy, ChainingStrategy } from './graph/stream-graph.ts';
export { runJobModule, type JobFunction, type RunJobModuleOptions } from './runtime/job-module.ts';
export { EmbeddedExecutor, type EmbeddedExecutorOptions } from './runtime/embedded-executor.ts';
export { RestOptions } from './config/rest-options.ts';
export {
  DataGeneratorSource,
  type GeneratorFunction,
  type DataGeneratorSplit,
} from './connectors/data-generator-source.ts';
export { RateLimiterStrategy, type RateLimiter } from './connectors/rate-limiter.ts';
export { FileSource, FileSourceBuilder, type FileSourceSplit } from './connectors/file-source.ts';
export { TextLineInputFormat, type TextLineCharset } from './connectors/text-line-input-format.ts';
export type { StreamFormat, StreamFormatReader } from './connectors/stream-format.ts';
export { FileSink, RowFormatBuilder, defaultEncoder, type Encoder } from './connectors/file-sink.ts';
export {
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  type RollingPolicy,
  type PartFileInfo,
} from './connectors/rolling-policy.ts';
export { OutputFileConfig, OutputFileConfigBuilder } from './connectors/output-file-config.ts';
export type { MetricGroup } from './metrics/metric-group.ts';
export type { Counter } from './metrics/counter.ts';
export type { Gauge } from './metrics/gauge.ts';
export type { Histogram, HistogramStatistics } from './metrics/histogram.ts';
export type { Meter } from './metrics/meter.ts';
export type { MetricReporter, MetricReporterFactory, Scheduled } from './metrics/metric-reporter.ts';
export { SimpleCounter } from './metrics/simple-counter.ts';
export { MeterView } from './metrics/meter-view.ts';
export { HdrHistogram } from './metrics/hdr-histogram.ts';
export { DescriptiveStatisticsHistogram } from './metrics/descriptive-statistics-histogram.ts';
export { MetricOptions } from './config/metric-options.ts';
