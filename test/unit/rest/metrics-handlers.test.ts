// The REST metrics reads return Flink's JSON shapes and refuse bad queries with 400.
import { describe, expect, it } from 'vitest';
import { aggregatedMetricsResponse, backpressureResponse, metricsResponse } from '../../../src/rest/metrics-handlers.ts';

const subtask = (records: number, busy: number) => new Map<string, number | string>([['numRecordsIn', records], ['busyTimeMsPerSecond', busy]]);

describe('metrics handlers', () => {
  it('lists metric ids, or returns values as strings for ?get=', () => {
    const m = subtask(5, 100);
    expect(metricsResponse(m, new URLSearchParams()).body).toEqual([{ id: 'busyTimeMsPerSecond' }, { id: 'numRecordsIn' }]);
    expect(metricsResponse(m, new URLSearchParams('get=numRecordsIn,missing')).body).toEqual([{ id: 'numRecordsIn', value: '5' }]);
    expect(metricsResponse(undefined, new URLSearchParams('get=x')).body).toEqual([]);
  });

  it('aggregates over subtasks and rejects unknown aggregations', () => {
    const r = aggregatedMetricsResponse([subtask(5, 100), subtask(7, 300)], new URLSearchParams('get=numRecordsIn&agg=min,max,sum'));
    expect(r).toEqual({ status: 200, body: [{ id: 'numRecordsIn', min: 5, max: 7, sum: 12 }] });
    const bad = aggregatedMetricsResponse([subtask(1, 1)], new URLSearchParams('get=numRecordsIn&agg=median'));
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: string[] }).errors[0]).toContain('median');
  });

  it('reports back pressure per subtask in Flink\'s fields', () => {
    const r = backpressureResponse(
      {
        vertexId: 'v',
        name: 'Source: x',
        parallelism: 1,
        backpressureLevel: 'high',
        busyTimeMsPerSecond: 100,
        subtasks: [
          {
            subtask: 0,
            busyTimeMsPerSecond: 100,
            idleTimeMsPerSecond: 0,
            backPressuredTimeMsPerSecond: 900,
            backpressureLevel: 'high',
            inputQueueLength: 0,
            outputQueueLength: 2,
          },
        ],
      },
      1234,
    );
    expect(r.body).toEqual({
      status: 'ok',
      'backpressure-level': 'high',
      'end-timestamp': 1234,
      subtasks: [{ subtask: 0, 'attempt-number': 0, 'backpressure-level': 'high', ratio: 0.9, idleRatio: 0, busyRatio: 0.1 }],
    });
    expect(backpressureResponse(undefined, 0).status).toBe(404);
  });
});
