// TaskMetricGroup: one subtask attempt (scope metrics.scope.task; <task_id>, <task_name>, <subtask_index>, ...).

import { ComponentGroups } from './component-groups.ts';
import { AbstractMetricGroup, type ChildGroupKind } from './abstract-metric-group.ts';
import { createGenericChild } from './generic-metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { OperatorMetricGroup } from './operator-metric-group.ts';
import { ScopeVariables as V, valueOrNull } from './scope-variables.ts';
import type { TaskManagerJobMetricGroup } from './task-manager-job-metric-group.ts';

/** What identifies a task for its metrics. */
export interface TaskMetricGroupInfo {
  /** The job vertex id (`<task_id>`, as Flink uses the JobVertexID). */
  readonly vertexId: string;
  /** The execution attempt id (`<task_attempt_id>`). */
  readonly attemptId: string;
  /** The (chained) task name (`<task_name>`). */
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
}

/** Operator names longer than this are cut in metric scopes, with a warning (Flink: 80). */
export const METRICS_OPERATOR_NAME_MAX_LENGTH = 80;

/** Metrics of one subtask attempt; one OperatorMetricGroup per chained operator below it. */
export class TaskMetricGroup extends AbstractMetricGroup {
  readonly vertexId: string;
  readonly attemptId: string;
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  readonly #operators = new ComponentGroups<OperatorMetricGroup>(this);

  constructor(registry: MetricRegistry, parent: TaskManagerJobMetricGroup, info: TaskMetricGroupInfo) {
    const variables = {
      [V.TASK_ID]: valueOrNull(info.vertexId),
      [V.TASK_ATTEMPT_ID]: valueOrNull(info.attemptId),
      [V.TASK_NAME]: valueOrNull(info.taskName),
      [V.SUBTASK_INDEX]: String(info.subtaskIndex),
      [V.TASK_ATTEMPT_NUM]: String(info.attemptNumber),
    };
    super(registry, parent, {
      scope: registry.scopeFormats.task.formatScope({ ...parent.getAllVariables(), ...variables }),
      variables,
      logicalScope: [...parent.getLogicalScopeComponents(), 'task'],
    });
    this.vertexId = info.vertexId;
    this.attemptId = info.attemptId;
    this.taskName = info.taskName;
    this.subtaskIndex = info.subtaskIndex;
    this.attemptNumber = info.attemptNumber;
  }

  /** The group of a chained operator, created on first use. Names over 80 characters are cut (with a warning). */
  getOrAddOperator(operatorId: string, operatorName: string): OperatorMetricGroup {
    let name = operatorName;
    if (name.length > METRICS_OPERATOR_NAME_MAX_LENGTH) {
      name = name.slice(0, METRICS_OPERATOR_NAME_MAX_LENGTH);
      this.registry.logger.warn(
        `The operator name ${operatorName} exceeded the ${METRICS_OPERATOR_NAME_MAX_LENGTH} characters length limit and was truncated.`,
      );
    }
    return this.#operators.getOrAdd(`${operatorId}\u0000${name}`, () => new OperatorMetricGroup(this.registry, this, operatorId, name));
  }

  protected override onChildClosed(child: AbstractMetricGroup): void {
    this.#operators.forget(child);
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
