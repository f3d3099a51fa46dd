// Cluster endpoints: overview, dashboard and JobManager configuration, JobManager metrics and logs, TaskManagers,
// and `DELETE /cluster`.

import { availableParallelism, freemem, totalmem } from 'node:os';
import type { TaskManagerDescription } from '../../cluster/session-cluster.ts';
import type { ComponentMetrics } from '../../metrics/metric-store.ts';
import { aggregatedMetricsResponse, metricsResponse } from '../metrics-handlers.ts';
import { maskSensitive } from '../job-views.ts';
import { listLogFiles, openLogFile } from '../log-files.ts';
import { notFound, RestError } from '../rest-errors.ts';
import type { RouteContext } from '../rest-server.ts';

export function searchParams(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
}

const NO_RESOURCE = { cpuCores: 0, taskHeapMemory: 0, taskOffHeapMemory: 0, managedMemory: 0, networkMemory: 0, extendedResources: {} };

function taskManagerInfo(tm: TaskManagerDescription, now: number): Record<string, unknown> {
  return {
    id: tm.id,
    // A worker thread of the JobManager process, or a TaskManager process at its data address (host:port).
    path: tm.kind === 'process' && tm.address !== undefined ? `tcp://${tm.address}` : `thread://${tm.id}`,
    dataPort: tm.kind === 'process' && tm.address !== undefined ? Number(tm.address.slice(tm.address.lastIndexOf(':') + 1)) : -1,
    jmxPort: -1,
    timeSinceLastHeartbeat: now,
    slotsNumber: tm.slots,
    freeSlots: tm.freeSlots,
    totalResource: NO_RESOURCE,
    freeResource: NO_RESOURCE,
    hardware: { cpuCores: availableParallelism(), physicalMemory: totalmem(), freeMemory: freemem(), managedMemory: 0 },
    memoryConfiguration: {},
    blocked: false,
  };
}

function heapMetrics(metrics: ComponentMetrics | undefined): Record<string, unknown> {
  const num = (name: string): number => Number(metrics?.get(name) ?? 0);
  return {
    heapUsed: num('Status.Node.Memory.Heap.Used'),
    heapCommitted: num('Status.Node.Memory.Heap.Committed'),
    heapMax: num('Status.Node.Memory.Heap.Max'),
    nonHeapUsed: 0,
    nonHeapCommitted: 0,
    nonHeapMax: 0,
    directCount: 0,
    directUsed: 0,
    directMax: 0,
    mappedCount: 0,
    mappedUsed: 0,
    mappedMax: 0,
    garbageCollectors: [],
  };
}

export function registerClusterRoutes({ gateway, options, routes }: RouteContext): void {
  const now = (): number => options.clock.now();

  routes.add('GET', '/overview', () => {
    const o = gateway.overview();
    return {
      taskmanagers: o.taskManagers,
      'slots-total': o.slotsTotal,
      'slots-available': o.slotsAvailable,
      'jobs-running': o.jobsRunning,
      'jobs-finished': o.jobsFinished,
      'jobs-cancelled': o.jobsCancelled,
      'jobs-failed': o.jobsFailed,
      'flink-version': options.version,
      'flink-commit': 'sluice',
    };
  });

  routes.add('GET', '/config', () => {
    const offset = -new Date().getTimezoneOffset() * 60_000;
    return {
      'refresh-interval': 3000,
      'timezone-name': Intl.DateTimeFormat().resolvedOptions().timeZone,
      'timezone-offset': offset,
      'flink-version': options.version,
      'flink-revision': 'sluice',
      features: { 'web-submit': true, 'web-cancel': true, 'web-rescale': true, 'web-history': false },
    };
  });

  routes.add('GET', '/jobmanager/config', () =>
    Object.entries(maskSensitive(gateway.configuration.toMap()))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key, value: String(value) })),
  );

  routes.add('GET', '/jobmanager/metrics', (request) =>
    metricsResponse(gateway.metricStore().getJobManagerMetrics(), searchParams(request.url)).body,
  );

  routes.add('GET', '/jobmanager/logs', async () => ({ logs: await listLogFiles(options.logDirectory) }));

  routes.add('GET', '/jobmanager/logs/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    const { stream } = await openLogFile(options.logDirectory, name);
    return reply.type('text/plain; charset=utf-8').send(stream);
  });

  routes.add('GET', '/taskmanagers', () => ({ taskmanagers: gateway.describeTaskManagers().map((tm) => taskManagerInfo(tm, now())) }));

  const taskManager = (id: string): TaskManagerDescription => {
    const tm = gateway.describeTaskManagers().find((t) => t.id === id);
    if (tm === undefined) throw notFound(`TaskManager ${JSON.stringify(id)} not found; GET /taskmanagers lists them`);
    return tm;
  };

  routes.add('GET', '/taskmanagers/metrics', (request) => {
    const store = gateway.metricStore();
    const ids = gateway.describeTaskManagers().map((t) => t.id);
    const components = ids.flatMap((id) => {
      const m = store.getTaskManagerMetrics(id);
      return m === undefined ? [] : [m];
    });
    const response = aggregatedMetricsResponse(components, searchParams(request.url));
    return replyWith(response);
  });

  routes.add('GET', '/taskmanagers/:tmid', (request) => {
    const tm = taskManager((request.params as { tmid: string }).tmid);
    return {
      ...taskManagerInfo(tm, now()),
      allocatedSlots: tm.jobs.flatMap((j) => Array.from({ length: j.slots }, () => ({ jobId: j.jobId, resource: NO_RESOURCE }))),
      metrics: heapMetrics(gateway.metricStore().getTaskManagerMetrics(tm.id)),
    };
  });

  routes.add('GET', '/taskmanagers/:tmid/metrics', (request) => {
    const tm = taskManager((request.params as { tmid: string }).tmid);
    return metricsResponse(gateway.metricStore().getTaskManagerMetrics(tm.id), searchParams(request.url)).body;
  });

  routes.add('DELETE', '/cluster', (_request, reply) => {
    reply.raw.once('finish', () => options.onShutdownRequested());
    return reply.code(202).send({});
  });
}

/** A metrics handler's response (status and body) as the route's answer. */
export function replyWith(response: { status: number; body: unknown }): unknown {
  if (response.status !== 200) {
    const errors = (response.body as { errors?: string[] }).errors ?? ['bad request'];
    throw new RestError(response.status, errors[0]!);
  }
  return response.body;
}
