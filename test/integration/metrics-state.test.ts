// Metrics of state and time in running jobs, scraped from the Prometheus endpoint: checkpoint statistics of the
// job, numLateRecordsDropped of a window operator.
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  DataGeneratorSource,
  DiscardingSink,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  Time,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type Sink,
  type WatermarkGenerator,
} from 'sluice';

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

function metric(text: string, name: string): number[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
}

const scrape = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

describe('state and time metrics', () => {
  it('reports checkpoint counts, the last checkpoint id, size and duration of a running job', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'sluice-metrics-ckp-'));
    const env = new StreamExecutionEnvironment({
      configuration: { 'execution.runtime': 'local', 'metrics.reporters': 'prom', 'metrics.reporter.prom.port': String(port) },
    });
    env.enableCheckpointing(20);
    env.getCheckpointConfig().setCheckpointStorage(dir);
    env
      .fromSource(new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY, RateLimiterStrategy.perSecond(2_000)), WatermarkStrategy.noWatermarks(), 'numbers')
      .keyBy((n) => n % 10)
      .sum()
      .sinkTo(new DiscardingSink());
    const client = await env.executeAsync('checkpointed');
    try {
      await vi.waitFor(
        async () => {
          const text = await scrape(port);
          expect(metric(text, 'sluice_jobmanager_job_numberOfCompletedCheckpoints')[0]).toBeGreaterThanOrEqual(2);
          expect(metric(text, 'sluice_jobmanager_job_lastCompletedCheckpointId')[0]).toBeGreaterThanOrEqual(2);
          expect(metric(text, 'sluice_jobmanager_job_lastCheckpointSize')[0]).toBeGreaterThan(0);
          expect(metric(text, 'sluice_jobmanager_job_lastCheckpointDuration')[0]).toBeGreaterThanOrEqual(0);
          expect(metric(text, 'sluice_jobmanager_job_numberOfFailedCheckpoints')[0]).toBe(0);
          expect(metric(text, 'sluice_taskmanager_job_task_checkpointAlignmentTime').length).toBeGreaterThan(0);
        },
        { timeout: 15_000, interval: 100 },
      );
    } finally {
      await client.cancel();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts the late records a window operator dropped', async () => {
    const port = await freePort();
    // Watermarks follow every element (punctuated), so the late ones really are late when they arrive.
    const punctuated = (): WatermarkGenerator<number> => ({
      onEvent: (_e, ts, out) => out.emitWatermark(ts - 1),
      onPeriodicEmit: () => {},
    });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holdAtEnd: Sink<string> = { createWriter: () => ({ write() {}, flush: (end: boolean) => (end ? held : undefined), close() {} }) };
    const env = new StreamExecutionEnvironment({
      configuration: { 'execution.runtime': 'local', 'metrics.reporters': 'prom', 'metrics.reporter.prom.port': String(port) },
    });
    env
      .fromElements(1_000, 25_000, 2_000, 3_000, 26_000, 4_000)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator<number>(punctuated).withTimestampAssigner((n) => n))
      .keyBy(() => 'all')
      .window(TumblingEventTimeWindows.of(Time.seconds(10)))
      .reduce((a, b) => a + b)
      .name('Sum')
      .map(String)
      .sinkTo(holdAtEnd);
    const client = await env.executeAsync('late');
    try {
      await vi.waitFor(
        async () => {
          const lines = (await scrape(port)).split('\n').filter((l) => l.includes('numLateRecordsDropped') && !l.startsWith('#'));
          expect(lines.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)))).toContain(3);
        },
        { timeout: 15_000, interval: 100 },
      );
    } finally {
      release();
      await client.getJobExecutionResult();
    }
  });
});
