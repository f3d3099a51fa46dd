// OperatorMetricGroup: one operator of a task (scope metrics.scope.operator; <operator_id>, <operator_name>).

import { AbstractMetricGroup, type ChildGroupKind } from './abstract-metric-group.ts';
import { createGenericChild } from './generic-metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { ScopeVariables as V, valueOrNull } from './scope-variables.ts';
import type { TaskMetricGroup } from './task-metric-group.ts';

/** Metrics of one operator in one subtask: what `getRuntimeContext().getMetricGroup()` returns to user functions. */
export class OperatorMetricGroup extends AbstractMetricGroup {
  readonly operatorId: string;
  readonly operatorName: string;

  constructor(registry: MetricRegistry, parent: TaskMetricGroup, operatorId: string, operatorName: string) {
    const variables = { [V.OPERATOR_ID]: valueOrNull(operatorId), [V.OPERATOR_NAME]: valueOrNull(operatorName) };
    super(registry, parent, {
      scope: registry.scopeFormats.operator.formatScope({ ...parent.getAllVariables(), ...variables }),
      variables,
      logicalScope: [...parent.getLogicalScopeComponents(), 'operator'],
    });
    this.operatorId = operatorId;
    this.operatorName = operatorName;
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
