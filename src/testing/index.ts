// sluice/testing: harnesses that drive one operator with records, watermarks and virtual processing time.

export {
  AbstractStreamOperatorTestHarness,
  OneInputStreamOperatorTestHarness,
  KeyedOneInputStreamOperatorTestHarness,
  TwoInputStreamOperatorTestHarness,
  KeyedTwoInputStreamOperatorTestHarness,
  repartitionSnapshots,
  type HarnessOutput,
  type HarnessOptions,
} from './operator-test-harness.ts';
export { ProcessOperator, KeyedProcessOperator } from '../api/operators/process-operator.ts';
export { StreamGroupedReduce } from '../api/operators/stream-grouped-reduce.ts';
export { StreamMap } from '../api/operators/stream-map.ts';
export { StreamFlatMap } from '../api/operators/stream-flat-map.ts';
export { StreamFilter } from '../api/operators/stream-filter.ts';
export { TimestampsAndWatermarksOperator, WatermarkEmitter } from '../api/operators/timestamps-and-watermarks-operator.ts';
export {
  AbstractStreamOperator,
  OneInputStreamOperator,
  TwoInputStreamOperator,
  AbstractUdfStreamOperator,
  type Output,
  type OperatorSnapshot,
  type OperatorRestoreState,
  type Triggerable,
} from '../api/operators/stream-operator.ts';
export { ManualProcessingTimeService } from '../state/manual-processing-time-service.ts';
export { redistributeOperatorState } from '../state/heap-operator-state-backend.ts';
export { CoStreamMap } from '../api/operators/co-stream-map.ts';
export { CoStreamFlatMap } from '../api/operators/co-stream-flat-map.ts';
export { CoProcessOperator, KeyedCoProcessOperator } from '../api/operators/co-process-operator.ts';
export { IntervalJoinOperator, type IntervalJoinOptions } from '../api/operators/interval-join-operator.ts';
export { AbstractTwoInputUdfOperator } from '../api/operators/abstract-two-input-udf-operator.ts';
export { WindowOperator } from '../api/operators/window-operator.ts';
export { EvictingWindowOperator } from '../api/operators/evicting-window-operator.ts';
export { SlicingWindowOperator } from '../api/operators/slicing-window-operator.ts';
