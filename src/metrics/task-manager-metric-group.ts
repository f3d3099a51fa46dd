// TaskManagerMetricGroup: the root group of a TaskManager (scope metrics.scope.tm, variables <host>, <tm_id>).

import { ComponentGroups } from './component-groups.ts';
import { AbstractMetricGroup, type ChildGroupKind } from './abstract-metric-group.ts';
import { createGenericChild } from './generic-metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { ScopeVariables as V, valueOrNull } from './scope-variables.ts';
import { TaskManagerJobMetricGroup } from './task-manager-job-metric-group.ts';

/**
 * Metrics of one TaskManager; below it one group per job, per task, per operator.
 *
 * @example
 * const tm = new TaskManagerMetricGroup(registry, 'localhost', 'tm-1');
 * const task = tm.addJob(jobId, 'word count').addTask({ vertexId, attemptId, taskName: 'Map', subtaskIndex: 0, attemptNumber: 0 });
 * const op = task.getOrAddOperator(operatorId, 'Map');
 */
export class TaskManagerMetricGroup extends AbstractMetricGroup {
  readonly hostname: string;
  readonly taskManagerId: string;
  readonly #jobs = new ComponentGroups<TaskManagerJobMetricGroup>(this);

  constructor(registry: MetricRegistry, hostname: string, taskManagerId: string) {
    const variables = { [V.HOST]: valueOrNull(hostname), [V.TM_ID]: valueOrNull(taskManagerId) };
    super(registry, undefined, {
      scope: registry.scopeFormats.tm.formatScope(variables),
      variables,
      logicalScope: ['taskmanager'],
    });
    this.hostname = hostname;
    this.taskManagerId = taskManagerId;
  }

  /** The group of a job on this TaskManager, created on first use. */
  addJob(jobId: string, jobName: string): TaskManagerJobMetricGroup {
    return this.#jobs.getOrAdd(jobId, () => new TaskManagerJobMetricGroup(this.registry, this, jobId, jobName));
  }

  /** Closes and forgets the group of a job (and its tasks). */
  removeJob(jobId: string): void {
    this.#jobs.close(jobId);
  }

  get numRegisteredJobs(): number {
    return this.#jobs.size;
  }

  protected override onChildClosed(child: AbstractMetricGroup): void {
    this.#jobs.forget(child);
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
