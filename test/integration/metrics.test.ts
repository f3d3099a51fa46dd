// Metrics of a real two-thread job, scraped from its Prometheus endpoint: user and system metrics agree.
import { createServer } from 'node:net';
import { BroadcastChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { runJobModule, type JobClient } from 'sluice';
import { RECORDS, RELEASE_CHANNEL } from '../fixtures/jobs/metrics.ts';

const fixture = new URL('../fixtures/jobs/metrics.ts', import.meta.url).href;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Every sample of a metric family as { labels, value }. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const pair of m[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

describe('metrics of a running job', () => {
  it('serves user and system metrics on the Prometheus endpoint', async () => {
    const port = await freePort();
    const client = (await runJobModule(fixture, {
      configuration: {
        'execution.runtime': 'threads',
        'metrics.reporters': 'prom',
        'metrics.reporter.prom.port': String(port),
        'minicluster.number-of-taskmanagers': 2,
        'taskmanager.numberOfTaskSlots': 1,
      },
    })) as JobClient;
    const release = new BroadcastChannel(RELEASE_CHANNEL);
    try {
      let text = '';
      // The job holds at end of input; worker threads send their metrics about once a second.
      await vi.waitFor(
        async () => {
          text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          const sinkIn = samples(text, 'sluice_taskmanager_job_task_numRecordsIn').find((s) => s.labels['task_name'] === 'Times10 -> Sink: Hold');
          expect(sinkIn?.value).toBe(RECORDS / 2);
          expect(samples(text, 'sluice_taskmanager_job_task_operator_MyMetrics_droppedElements')[0]?.value).toBe(RECORDS / 2);
        },
        { timeout: 20_000, interval: 250 },
      );
      const op = (metric: string, operator: string) =>
        samples(text, `sluice_taskmanager_job_task_operator_${metric}`).find((s) => s.labels['operator_name'] === operator)?.value;
      const dropped = samples(text, 'sluice_taskmanager_job_task_operator_MyMetrics_droppedElements');
      expect(dropped).toHaveLength(1);
      expect(dropped[0]!.value).toBe(RECORDS / 2);
      expect(dropped[0]!.labels['job_name']).toBe('metrics job');
      expect(op('numRecordsOut', 'Source: Sequence Source')).toBe(RECORDS);
      expect(op('numRecordsIn', 'DropOdd')).toBe(RECORDS);
      expect(op('numRecordsOut', 'DropOdd')).toBe(RECORDS / 2);
      // Records in downstream = records out upstream, across the thread boundary.
      expect(op('numRecordsIn', 'Times10')).toBe(op('numRecordsOut', 'DropOdd'));
      expect(op('numRecordsIn', 'Sink: Hold')).toBe(RECORDS / 2);
      for (const gauge of ['busyTimeMsPerSecond', 'idleTimeMsPerSecond', 'backPressuredTimeMsPerSecond']) {
        expect(samples(text, `sluice_taskmanager_job_task_${gauge}`).length).toBeGreaterThanOrEqual(2);
      }
      expect(samples(text, 'sluice_taskmanager_job_task_numBytesOut').some((s) => s.value > 0)).toBe(true);
      const threads = samples(text, 'sluice_taskmanager_Status_Node_Memory_Heap_Used');
      expect(threads.map((s) => s.labels['tm_id']).sort()).toEqual(['thread-tm-0', 'thread-tm-1']);
      expect(text).toContain('sluice_jobmanager_job_numRestarts');
    } finally {
      release.postMessage('go');
      release.close();
    }
    await client.getJobExecutionResult();
  });
});
