// The RuntimeContext a task gives each of its operators' user functions.

import type { RuntimeContext } from '../api/functions.ts';
import { IllegalStateError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { LoggerFactory } from '../logging/logger-factory.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { AggregatingStateDescriptor } from '../state/aggregating-state-descriptor.ts';
import type { KeyedStateBackend } from '../state/keyed-state-backend.ts';
import type { ListStateDescriptor } from '../state/list-state-descriptor.ts';
import type { MapStateDescriptor } from '../state/map-state-descriptor.ts';
import type { ReducingStateDescriptor } from '../state/reducing-state-descriptor.ts';
import type { StateDescriptor } from '../state/state-descriptor.ts';
import type { AggregatingState, ListState, MapState, ReducingState, State, ValueState } from '../state/state.ts';
import type { ValueStateDescriptor } from '../state/value-state-descriptor.ts';
import type { TaskSpec } from './protocol.ts';

export class StreamingRuntimeContext implements RuntimeContext {
  #taskLogger: Logger | undefined;

  constructor(
    private readonly spec: TaskSpec,
    private readonly logger: Logger,
    private readonly metricGroup: MetricGroup,
    private readonly operatorName: string,
    private readonly keyedStateBackend: KeyedStateBackend | undefined,
  ) {}
  getMetricGroup(): MetricGroup {
    return this.metricGroup;
  }
  getJobId(): string {
    return this.spec.jobId;
  }
  getTaskName(): string {
    return this.spec.vertexName;
  }
  /** Flink's form: "name (index+1/parallelism)#attempt". */
  getTaskNameWithSubtasks(): string {
    return `${this.spec.vertexName} (${this.spec.subtaskIndex + 1}/${this.spec.parallelism})#${this.spec.attemptNumber}`;
  }
  getIndexOfThisSubtask(): number {
    return this.spec.subtaskIndex;
  }
  getNumberOfParallelSubtasks(): number {
    return this.spec.parallelism;
  }
  getMaxNumberOfParallelSubtasks(): number {
    return this.spec.maxParallelism;
  }
  getAttemptNumber(): number {
    return this.spec.attemptNumber;
  }
  /**
   * The user function's logger: `sluice.task.<vertex name>` (so `logging.levels.sluice.task` sets every task's
   * level), with the job id, task, subtask and operator on every line. (`logger`, given to the constructor, is the
   * runtime's logger of this operator.)
   */
  getLogger(): Logger {
    return (this.#taskLogger ??= LoggerFactory.getLogger(`sluice.task.${this.spec.vertexName}`, {
      jobId: this.spec.jobId,
      task: this.getTaskNameWithSubtasks(),
      subtaskIndex: this.spec.subtaskIndex,
      operator: this.operatorName,
    }));
  }
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.#keyed(descriptor);
  }
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.#keyed(descriptor);
  }
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV> {
    return this.#keyed(descriptor);
  }
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.#keyed(descriptor);
  }
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.#keyed(descriptor);
  }

  #keyed<S extends State>(descriptor: StateDescriptor<S>): S {
    if (this.keyedStateBackend === undefined) {
      throw new IllegalStateError(
        `'${this.operatorName}' asked for keyed state '${descriptor.name}', which exists only on a keyed stream: ` +
          `call keyBy() before this operator, or use operator state (CheckpointedFunction) instead`,
      );
    }
    return this.keyedStateBackend.getPartitionedState(descriptor);
  }
}
