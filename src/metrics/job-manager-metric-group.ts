// JobManagerMetricGroup: the root group of a JobManager (scope metrics.scope.jm, variable <host>).

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
  readonly #jobs = new Map<string, JobManagerJobMetricGroup>();

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
    const prior = this.#jobs.get(jobId);
    if (prior !== undefined && !prior.isClosed()) return prior;
    const group = new JobManagerJobMetricGroup(this.registry, this, jobId, jobName);
    if (this.isClosed()) group.close();
    else this.#jobs.set(jobId, group);
    return group;
  }

  /** Closes and forgets the group of a job. */
  removeJob(jobId: string): void {
    this.#jobs.get(jobId)?.close();
  }

  get numRegisteredJobs(): number {
    return this.#jobs.size;
  }

  protected override onChildClosed(child: AbstractMetricGroup): void {
    if (child instanceof JobManagerJobMetricGroup && this.#jobs.get(child.jobId) === child) this.#jobs.delete(child.jobId);
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
