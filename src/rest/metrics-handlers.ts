// The metrics reads of the REST API in Flink's JSON shapes, as plain functions (the HTTP server mounts them).

import type { VertexLoad } from '../api/job-client.ts';
import {
  aggregateMetrics,
  queryMetrics,
  type ComponentMetrics,
  type MetricAggregation,
} from '../metrics/metric-store.ts';

export interface RestResponse {
  readonly status: number;
  readonly body: unknown;
}

const AGGREGATIONS: readonly MetricAggregation[] = ['min', 'max', 'sum', 'avg'];

function badRequest(message: string): RestResponse {
  return { status: 400, body: { errors: [message] } };
}

function names(query: URLSearchParams): string[] | undefined {
  const get = query.get('get');
  if (get === null) return undefined;
  return get
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
}

/** `GET /jobmanager/metrics`, `/taskmanagers/:id/metrics`, `/jobs/:id/metrics`, `/jobs/:id/vertices/:vid/metrics`. */
export function metricsResponse(metrics: ComponentMetrics | undefined, query: URLSearchParams): RestResponse {
  return { status: 200, body: queryMetrics(metrics, names(query)) };
}

/** `GET .../subtasks/metrics?get=a,b&agg=min,max` (also `subtasks=0,2` to choose subtasks). */
export function aggregatedMetricsResponse(components: readonly ComponentMetrics[], query: URLSearchParams): RestResponse {
  const agg = query.get('agg');
  let aggregations: MetricAggregation[] = [...AGGREGATIONS];
  if (agg !== null) {
    const requested = agg.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
    const unknown = requested.filter((a) => !(AGGREGATIONS as readonly string[]).includes(a));
    if (unknown.length > 0) {
      return badRequest(`unknown aggregation ${unknown.join(', ')}: use min, max, sum or avg (e.g. agg=min,max)`);
    }
    aggregations = requested as MetricAggregation[];
  }
  return { status: 200, body: aggregateMetrics(components, names(query), aggregations) };
}

/** `GET /jobs/:id/vertices/:vid/backpressure` in Flink's shape (levels: ok <= 0.10 < low <= 0.5 < high). */
export function backpressureResponse(load: VertexLoad | undefined, now: number): RestResponse {
  if (load === undefined) return { status: 404, body: { errors: ['no such vertex in a running job'] } };
  return {
    status: 200,
    body: {
      status: 'ok',
      'backpressure-level': load.backpressureLevel,
      'end-timestamp': now,
      subtasks: load.subtasks.map((s) => ({
        subtask: s.subtask,
        'attempt-number': 0,
        'backpressure-level': s.backpressureLevel,
        ratio: round(s.backPressuredTimeMsPerSecond / 1000),
        idleRatio: round(s.idleTimeMsPerSecond / 1000),
        busyRatio: round(s.busyTimeMsPerSecond / 1000),
      })),
    },
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
