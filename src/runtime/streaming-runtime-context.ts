// The RuntimeContext a task gives each of its operators' user functions.

import type { RuntimeContext } from '../api/functions.ts';
import type { Logger } from '../core/logger.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { TaskSpec } from './protocol.ts';

export class StreamingRuntimeContext implements RuntimeContext {
  constructor(
    private readonly spec: TaskSpec,
    private readonly logger: Logger,
    private readonly metricGroup: MetricGroup,
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
  getLogger(): Logger {
    return this.logger;
  }
}
