// Job endpoints: lists, details, cancel, plan, config, exceptions, checkpoint statistics, vertices and metrics.

import type { DispatcherJob } from '../../cluster/dispatcher-job.ts';
import type { JobVertex } from '../../graph/job-graph.ts';
import { checkpointConfig, checkpointDetails, checkpointingStatistics } from '../checkpoint-views.ts';
import {
  aggregateState,
  jobConfig,
  jobDetails,
  jobExceptions,
  jobOverviewEntry,
  planResponse,
} from '../job-views.ts';
import { aggregatedMetricsResponse, backpressureResponse, metricsResponse } from '../metrics-handlers.ts';
import { hexId, optionalString } from '../request-params.ts';
import { badRequest, notFound } from '../rest-errors.ts';
import type { RestGateway, RouteContext } from '../rest-server.ts';
import { replyWith, searchParams } from './cluster-routes.ts';

/** The job named by the `:jobid` path parameter (404 when malformed or unknown). */
export function jobOf(gateway: RestGateway, params: unknown): DispatcherJob {
  return gateway.job(hexId((params as { jobid: string }).jobid, 'Job'));
}

function vertexOf(job: DispatcherJob, params: unknown): JobVertex {
  const id = hexId((params as { vertexid: string }).vertexid, 'Vertex');
  const vertex = job.pipeline.jobGraph.vertices.find((v) => v.id === id);
  if (vertex === undefined) throw notFound(`Job ${job.jobId} has no vertex ${id}`);
  return vertex;
}

function subtaskSelection(query: URLSearchParams, parallelism: number): number[] | undefined {
  const raw = query.get('subtasks');
  if (raw === null || raw.trim() === '') return undefined;
  const out: number[] = [];
  for (const part of raw.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (range === null) throw badRequest(`subtasks must list subtask indices or ranges (e.g. 0,2-3), got ${JSON.stringify(raw)}`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    for (let i = from; i <= Math.min(to, parallelism - 1); i++) out.push(i);
  }
  return out;
}

export function registerJobRoutes({ gateway, options, routes }: RouteContext): void {
  const now = (): number => options.clock.now();

  routes.add('GET', '/jobs', () => ({ jobs: gateway.jobs().map((j) => ({ id: j.jobId, status: j.status })) }));

  routes.add('GET', '/jobs/overview', () => {
    gateway.metricStore(); // refreshes the record counts of running jobs
    return { jobs: gateway.jobs().map((j) => jobOverviewEntry(j, now())) };
  });

  routes.add('GET', '/jobs/:jobid', (request) => {
    const job = jobOf(gateway, request.params);
    gateway.metricStore();
    return jobDetails(job, now());
  });

  routes.add('PATCH', '/jobs/:jobid', (request, reply) => {
    const job = jobOf(gateway, request.params);
    const mode = optionalString((request.query as Record<string, unknown>)['mode'], 'mode') ?? 'cancel';
    if (mode !== 'cancel') {
      throw badRequest(`mode must be 'cancel', got ${JSON.stringify(mode)} (stop a job with POST /jobs/:jobid/stop)`);
    }
    gateway.cancel(job.jobId);
    return reply.code(202).send({});
  });

  routes.add('GET', '/jobs/:jobid/plan', (request) => planResponse(jobOf(gateway, request.params).pipeline));
  routes.add('GET', '/jobs/:jobid/config', (request) => jobConfig(jobOf(gateway, request.params)));
  routes.add('GET', '/jobs/:jobid/exceptions', (request) => jobExceptions(jobOf(gateway, request.params)));
  routes.add('GET', '/jobs/:jobid/checkpoints', (request) => checkpointingStatistics(jobOf(gateway, request.params)));

  routes.add('GET', '/jobs/:jobid/checkpoints/config', (request) => {
    const job = jobOf(gateway, request.params);
    const config = checkpointConfig(job);
    if (config === undefined) throw notFound(`Checkpointing is not enabled for job ${job.jobId}`);
    return config;
  });

  routes.add('GET', '/jobs/:jobid/checkpoints/details/:checkpointid', (request) => {
    const job = jobOf(gateway, request.params);
    const raw = (request.params as { checkpointid: string }).checkpointid;
    if (!/^\d{1,15}$/.test(raw)) throw badRequest(`checkpointid must be a whole number, got ${JSON.stringify(raw)}`);
    const details = checkpointDetails(job, Number(raw));
    if (details === undefined) throw notFound(`Job ${job.jobId} has no completed checkpoint ${raw} in its history`);
    return details;
  });

  routes.add('GET', '/jobs/:jobid/metrics', (request) => {
    const job = jobOf(gateway, request.params);
    return metricsResponse(gateway.metricStore().getJobMetrics(job.jobId), searchParams(request.url)).body;
  });

  routes.add('GET', '/jobs/:jobid/vertices/:vertexid', (request) => {
    const job = jobOf(gateway, request.params);
    const vertex = vertexOf(job, request.params);
    gateway.metricStore();
    const states = job.master.subtaskStates().get(vertex.id) ?? [];
    return {
      id: vertex.id,
      name: vertex.name,
      parallelism: vertex.parallelism,
      maxParallelism: vertex.maxParallelism,
      now: now(),
      status: aggregateState(states),
      subtasks: states.map((status, subtask) => {
        const io = job.subtaskIo(vertex.id, subtask);
        return {
          subtask,
          status,
          attempt: job.master.numRestarts,
          'start-time': job.master.startTime,
          metrics: {
            'read-records': io?.recordsIn ?? 0,
            'write-records': io?.recordsOut ?? 0,
            'write-bytes': io?.bytesOut ?? 0,
          },
        };
      }),
    };
  });

  routes.add('GET', '/jobs/:jobid/vertices/:vertexid/metrics', (request) => {
    const job = jobOf(gateway, request.params);
    const vertex = vertexOf(job, request.params);
    return metricsResponse(gateway.metricStore().getTaskMetrics(job.jobId, vertex.id), searchParams(request.url)).body;
  });

  routes.add('GET', '/jobs/:jobid/vertices/:vertexid/subtasks/metrics', (request) => {
    const job = jobOf(gateway, request.params);
    const vertex = vertexOf(job, request.params);
    const query = searchParams(request.url);
    const subtasks = subtaskSelection(query, vertex.parallelism);
    const components = gateway.metricStore().getSubtaskMetricsList(job.jobId, vertex.id, subtasks);
    return replyWith(aggregatedMetricsResponse(components, query));
  });

  routes.add('GET', '/jobs/:jobid/vertices/:vertexid/backpressure', (request) => {
    const job = jobOf(gateway, request.params);
    const vertex = vertexOf(job, request.params);
    return replyWith(backpressureResponse(gateway.vertexLoad(job.jobId, vertex.id), now()));
  });
}
