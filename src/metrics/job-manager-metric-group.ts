// JobManagerMetricGroup: the root group of a JobManager (scope metrics.scope.jm, variable <host>).

import { ComponentGroups } from './component-groups.ts';
import { AbstractMetricGroup, type ChildGroupKind } from './abstract-metric-group.ts';
import { createGenericChild } from './generic-metric-group.ts';
import { JobManagerJobMetricGroup } from './job-manager-job-metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { ScopeVariables as V, valueOrNull } from './scope-variables.ts';

/**
 * Metrics of the JobManager process; one JobManagerJobMetricGroup per running job below it.
 *
 * @example
 * const jm = new JobManagerMetricGroup(registry, 'localhost');
 * const job = jm.addJob(jobId, 'word count');
 */
export class JobManagerMetricGroup extends AbstractMetricGroup {
  readonly hostname: string;
  readonly #jobs = new ComponentGroups<JobManagerJobMetricGroup>(this);

  constructor(registry: MetricRegistry, hostname: string) {
    const variables = { [V.HOST]: valueOrNull(hostname) };
    super(registry, undefined, {
      scope: registry.scopeFormats.jm.formatScope(variables),
      variables,
      logicalScope: ['jobmanager'],
    });
    this.hostname = hostname;
  }

  /** The group of a job, created on first use. */
  addJob(jobId: string, jobName: string): JobManagerJobMetricGroup {
    return this.#jobs.getOrAdd(jobId, () => new JobManagerJobMetricGroup(this.registry, this, jobId, jobName));
  }

  /** Closes and forgets the group of a job. */
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
