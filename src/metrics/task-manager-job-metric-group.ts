// TaskManagerJobMetricGroup: a job on one TaskManager (scope metrics.scope.tm-job, <job_id>, <job_name>).

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
  readonly #tasks = new Map<string, TaskMetricGroup>();

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
    const prior = this.#tasks.get(info.attemptId);
    if (prior !== undefined && !prior.isClosed()) return prior;
    const group = new TaskMetricGroup(this.registry, this, info);
    if (this.isClosed()) group.close();
    else this.#tasks.set(info.attemptId, group);
    return group;
  }

  /** Closes the group of a task attempt. */
  removeTask(attemptId: string): void {
    this.#tasks.get(attemptId)?.close();
  }

  get numRegisteredTasks(): number {
    return this.#tasks.size;
  }

  protected override onChildClosed(child: AbstractMetricGroup): void {
    if (child instanceof TaskMetricGroup && this.#tasks.get(child.attemptId) === child) {
      this.#tasks.delete(child.attemptId);
      if (this.#tasks.size === 0) this.close();
    }
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
