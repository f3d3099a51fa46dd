// TaskManagerJobMetricGroup: a job on one TaskManager (scope metrics.scope.tm-job, <job_id>, <job_name>).

import { ComponentGroups } from './component-groups.ts';
import { AbstractMetricGroup, type ChildGroupKind } from './abstract-metric-group.ts';
import { createGenericChild } from './generic-metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { ScopeVariables as V, valueOrNull } from './scope-variables.ts';
import type { TaskManagerMetricGroup } from './task-manager-metric-group.ts';
import { TaskMetricGroup, type TaskMetricGroupInfo } from './task-metric-group.ts';

/** Metrics of one job on one TaskManager; closes itself when its last task group closes (as Flink). */
export class TaskManagerJobMetricGroup extends AbstractMetricGroup {
  readonly jobId: string;
  readonly jobName: string;
  readonly #tasks = new ComponentGroups<TaskMetricGroup>(this);

  constructor(registry: MetricRegistry, parent: TaskManagerMetricGroup, jobId: string, jobName: string) {
    const variables = { [V.JOB_ID]: valueOrNull(jobId), [V.JOB_NAME]: valueOrNull(jobName) };
    super(registry, parent, {
      scope: registry.scopeFormats.tmJob.formatScope({ ...parent.getAllVariables(), ...variables }),
      variables,
      logicalScope: [...parent.getLogicalScopeComponents(), 'job'],
    });
    this.jobId = jobId;
    this.jobName = jobName;
  }

  /** The group of a task (one subtask attempt), created on first use; keyed by attempt id. */
  addTask(info: TaskMetricGroupInfo): TaskMetricGroup {
    return this.#tasks.getOrAdd(info.attemptId, () => new TaskMetricGroup(this.registry, this, info));
  }

  /** Closes the group of a task attempt. */
  removeTask(attemptId: string): void {
    this.#tasks.close(attemptId);
  }

  get numRegisteredTasks(): number {
    return this.#tasks.size;
  }

  protected override onChildClosed(child: AbstractMetricGroup): void {
    // A job's group on a TaskManager lives as long as one of its tasks does.
    if (this.#tasks.forget(child) && this.#tasks.size === 0) this.close();
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
