// Where the watermark valves of a task's inputs deliver: the head operator's one input, or input 1 / 2 of a
// two-input operator (which combines them), counting the input watermark metric.

import { TwoInputStreamOperator, type AbstractStreamOperator } from '../api/operators/stream-operator.ts';

/** Where a valve of the head's input `input` (0: its only input) delivers, counting the input watermark. */
export function watermarkTarget(
  head: AbstractStreamOperator<unknown>,
  input: number,
  io: { inputWatermark: number },
): { emitWatermark(ts: number): void; emitWatermarkStatus(idle: boolean): void } {
  if (head instanceof TwoInputStreamOperator) {
    // The operator combines its two inputs' watermarks (an idle input left out): the metric shows the combination.
    const counted = (call: () => void): void => {
      call();
      io.inputWatermark = head.combinedInputWatermark;
    };
    return input === 1
      ? {
          emitWatermark: (ts) => counted(() => head.processWatermark1(ts)),
          emitWatermarkStatus: (idle) => counted(() => head.processWatermarkStatus1(idle)),
        }
      : {
          emitWatermark: (ts) => counted(() => head.processWatermark2(ts)),
          emitWatermarkStatus: (idle) => counted(() => head.processWatermarkStatus2(idle)),
        };
  }
  return {
    emitWatermark: (ts) => {
      io.inputWatermark = ts;
      head.processWatermark(ts);
    },
    emitWatermarkStatus: (idle) => head.processWatermarkStatus(idle),
  };
}
