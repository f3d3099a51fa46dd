// Probe: the window workload through the operator keyBy().window(assigner).aggregate(average) builds, driven
// in-process in a tight loop (set the key, processElement, watermarks) as a task drives it, without a whole job
// (job start-up and source overhead would blur the operator's cost);
// argv: tumbling|sliding|tumbling-general|sliding-general [records] [warm-up records].

import type { RuntimeContext } from '../../src/api/functions.ts';
import { StreamExecutionEnvironment } from '../../src/api/environment.ts';
import type { OneInputStreamOperator, Output } from '../../src/api/operators/stream-operator.ts';
import type { OneInputTransformation } from '../../src/api/transformation.ts';
import { EventTimeTrigger } from '../../src/api/windowing/event-time-trigger.ts';
import { PurgingTrigger } from '../../src/api/windowing/purging-trigger.ts';
import { SlidingEventTimeWindows } from '../../src/api/windowing/sliding-event-time-windows.ts';
import { TumblingEventTimeWindows } from '../../src/api/windowing/tumbling-event-time-windows.ts';
import { Configuration } from '../../src/config/configuration.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { SimpleCounter } from '../../src/metrics/simple-counter.ts';
import type { AggregateFunction } from '../../src/state/aggregate-function.ts';
import { HeapKeyedStateBackend } from '../../src/state/heap-keyed-state-backend.ts';
import { HeapOperatorStateBackend } from '../../src/state/heap-operator-state-backend.ts';
import { KeyGroupRange } from '../../src/state/key-group.ts';
import { ManualProcessingTimeService } from '../../src/state/manual-processing-time-service.ts';
import { emitSample } from '../lib/child.ts';
import { checksum, generate, windowArgs, WINDOW_RECORDS, WINDOW_WARMUP_RECORDS, type AvgAcc } from '../lib/window-workload.ts';

/** A record is one number: key * 1000 + value (values are < 1000), so the loop allocates nothing per record. */
const keyOf = (record: number): number => Math.floor(record / 1000);

const average: AggregateFunction<number, AvgAcc, number> = {
  createAccumulator: () => ({ sum: 0, count: 0 }),
  add: (record, acc) => {
    acc.sum += record % 1000;
    acc.count++;
    return acc;
  },
  getResult: (acc) => acc.sum / acc.count,
  merge: (a, b) => {
    a.sum += b.sum;
    a.count += b.count;
    return a;
  },
};

const MAX_PARALLELISM = 128;

let outputs = 0;
let check = 0;
let operatorName = '';

async function run(kind: string, records: number): Promise<number> {
  // 'tumbling-general' / 'sliding-general': the same windows on WindowOperator (an explicit trigger turns pane
  // sharing off), for comparison by hand.
  const general = kind.endsWith('-general');
  const { size, slide } = windowArgs(kind.replace('-general', ''));
  const assigner = kind.startsWith('tumbling') ? TumblingEventTimeWindows.of(size) : SlidingEventTimeWindows.of(size, slide);
  // The operator exactly as the DataStream API builds it.
  const env = new StreamExecutionEnvironment();
  const window = env.fromElements<number>().keyBy(keyOf).window(assigner);
  if (general) window.trigger(PurgingTrigger.of(EventTimeTrigger.create()));
  const windowed = window.aggregate(average);
  const transformation = windowed.transformation as OneInputTransformation<number, number>;
  operatorName = transformation.name;
  const operator = transformation.operatorFactory() as unknown as OneInputStreamOperator<number, number>;

  const clock = new ManualClock();
  const backend = new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, MAX_PARALLELISM - 1), maxParallelism: MAX_PARALLELISM, clock });
  const output: Output<number> = {
    collect: (avg, timestamp) => {
      outputs++;
      check = checksum(check, backend.getCurrentKey() as number, timestamp + 1, avg);
    },
    collectSide: () => {},
    emitWatermark: () => {},
    emitWatermarkStatus: () => {},
    emitLatencyMarker: () => {},
  };
  const runtimeContext = { getMetricGroup: () => ({ counter: () => new SimpleCounter() }) } as unknown as RuntimeContext;
  operator.setup(
    {
      operatorId: 'window',
      operatorName,
      runtimeContext,
      jobConfig: new Configuration(),
      clock,
      logger: silentLogger,
      processingTimeService: new ManualProcessingTimeService(clock),
      keyedStateBackend: backend,
      stateKeySelectors: [keyOf as (v: unknown) => unknown],
      operatorStateBackend: new HeapOperatorStateBackend(),
    },
    output,
  );
  await operator.initializeState(undefined);
  await operator.open();

  const start = performance.now();
  generate(
    records,
    (key, ts, value) => {
      const record = key * 1000 + value;
      backend.setCurrentKey(keyOf(record));
      operator.processElement(record, ts);
    },
    (wm) => operator.processWatermark(wm),
  );
  const ms = performance.now() - start;
  await operator.close();
  return ms;
}

const kind = process.argv[2] ?? 'tumbling';
const records = Number(process.argv[3] ?? WINDOW_RECORDS);
await run(kind, Number(process.argv[4] ?? WINDOW_WARMUP_RECORDS));
outputs = 0;
check = 0;
const ms = await run(kind, records);
emitSample(records, ms, { outputs, checksum: check, operator: operatorName });
