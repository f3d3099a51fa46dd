// JobManagerJobMetricGroup: a job's metrics on the JobManager (scope metrics.scope.jm-job, <job_id>, <job_name>).

import { AbstractMetricGroup, type ChildGroupKind } from './abstract-metric-group.ts';
import { createGenericChild } from './generic-metric-group.ts';
import type { JobManagerMetricGroup } from './job-manager-metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { ScopeVariables as V, valueOrNull } from './scope-variables.ts';

/** Metrics of one job kept by the JobManager (checkpoint counts, restarts, uptime). */
export class JobManagerJobMetricGroup extends AbstractMetricGroup {
  readonly jobId: string;
  readonly jobName: string;

  constructor(registry: MetricRegistry, parent: JobManagerMetricGroup, jobId: string, jobName: string) {
    const variables = { [V.JOB_ID]: valueOrNull(jobId), [V.JOB_NAME]: valueOrNull(jobName) };
    super(registry, parent, {
      scope: registry.scopeFormats.jmJob.formatScope({ ...parent.getAllVariables(), ...variables }),
      variables,
      logicalScope: [...parent.getLogicalScopeComponents(), 'job'],
    });
    this.jobId = jobId;
    this.jobName = jobName;
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
