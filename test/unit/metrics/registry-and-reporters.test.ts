// MetricRegistry with reporters: notifications, scheduled reports, factories; Prometheus over HTTP; LogReporter.

import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HdrHistogram } from '../../../src/metrics/hdr-histogram.ts';
import type { LogReporter } from '../../../src/metrics/log-reporter.ts';
import type { MetricConfig } from '../../../src/metrics/metric-config.ts';
import type { MetricGroup } from '../../../src/metrics/metric-group.ts';
import type { MetricRegistry } from '../../../src/metrics/metric-registry.ts';
import type { MetricReporter, MetricReporterFactory } from '../../../src/metrics/metric-reporter.ts';
import type { Metric } from '../../../src/metrics/metric.ts';
import { MeterView } from '../../../src/metrics/meter-view.ts';
import type { PrometheusReporter } from '../../../src/metrics/prometheus-reporter.ts';
import { TaskManagerMetricGroup } from '../../../src/metrics/task-manager-metric-group.ts';
import { testRegistry } from './helpers.ts';

class RecordingReporter implements MetricReporter {
  readonly events: string[] = [];
  reports = 0;
  config: MetricConfig | undefined;
  open(config: MetricConfig): void {
    this.config = config;
  }
  close(): void {
    this.events.push('close');
  }
  notifyOfAddedMetric(_m: Metric, name: string, group: MetricGroup): void {
    this.events.push(`+${group.getMetricIdentifier(name)}`);
  }
  notifyOfRemovedMetric(_m: Metric, name: string, group: MetricGroup): void {
    this.events.push(`-${group.getMetricIdentifier(name)}`);
  }
  report(): void {
    this.reports++;
  }
}

function recordingFactory(): { factory: MetricReporterFactory; created: RecordingReporter[] } {
  const created: RecordingReporter[] = [];
  return {
    created,
    factory: {
      createMetricReporter: () => {
        const r = new RecordingReporter();
        created.push(r);
        return r;
      },
    },
  };
}

const registries: MetricRegistry[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.shutdown()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function operators(registry: MetricRegistry) {
  const tm = new TaskManagerMetricGroup(registry, 'host1', 'tm-1');
  const job = tm.addJob('j1', 'word count');
  const t0 = job.addTask({ vertexId: 'v1', attemptId: 'a0', taskName: 'Map', subtaskIndex: 0, attemptNumber: 0 });
  const t1 = job.addTask({ vertexId: 'v1', attemptId: 'a1', taskName: 'Map', subtaskIndex: 1, attemptNumber: 0 });
  return { tm, op0: t0.getOrAddOperator('op1', 'Map: "x"'), op1: t1.getOrAddOperator('op1', 'Map: "x"') };
}

describe('MetricRegistry', () => {
  it('tells reporters of added and removed metrics and reports every interval', async () => {
    const { factory, created } = recordingFactory();
    const { registry, timer } = testRegistry(
      { 'metrics.reporters': 'rec', 'metrics.reporter.rec.factory': 'recording', 'metrics.reporter.rec.interval': '30 s', 'metrics.reporter.rec.foo': 'bar' },
      { reporterFactories: { recording: factory } },
    );
    registries.push(registry);
    await registry.ready();
    const reporter = created[0]!;
    expect(reporter.config?.getString('foo', '')).toBe('bar');
    const tm = new TaskManagerMetricGroup(registry, 'h', 'tm');
    tm.counter('c');
    tm.addGroup('g').counter('d');
    expect(reporter.events).toEqual(['+h.taskmanager.tm.c', '+h.taskmanager.tm.g.d']);
    timer.advance(29_999);
    expect(reporter.reports).toBe(0);
    timer.advance(1);
    expect(reporter.reports).toBe(1);
    timer.advance(60_000);
    expect(reporter.reports).toBe(3);
    tm.close();
    expect(reporter.events.slice(2).sort()).toEqual(['-h.taskmanager.tm.c', '-h.taskmanager.tm.g.d']);
    await registry.shutdown();
    expect(reporter.events.at(-1)).toBe('close');
    timer.advance(60_000);
    expect(reporter.reports).toBe(3);
    expect(timer.scheduledCount).toBe(0);
  });

  it('starts every configured reporter when metrics.reporters is empty, and logs unknown factories', async () => {
    const { factory, created } = recordingFactory();
    const { registry, logger } = testRegistry(
      { 'metrics.reporter.a.factory': 'recording', 'metrics.reporter.b.factory': 'nope' },
      { reporterFactories: { recording: factory } },
    );
    registries.push(registry);
    await registry.ready();
    expect(created).toHaveLength(1);
    expect(registry.getReporters().map((r) => r.name)).toEqual(['a']);
    expect(logger.entries.some((e) => e.level === 'error' && e.fields?.['code'] === 'METRIC_REPORTER_FAILED')).toBe(true);
  });

  it('runs no timer and starts no reporter without configuration (worker threads)', () => {
    const { registry, timer } = testRegistry();
    new TaskManagerMetricGroup(registry, 'h', 'tm').counter('c');
    expect(registry.getReporters()).toEqual([]);
    expect(timer.scheduledCount).toBe(0);
  });
});

describe('PrometheusReporter', () => {
  async function startProm(port = '19250-19300'): Promise<{ registry: MetricRegistry; prom: PrometheusReporter; url: string }> {
    const { registry } = testRegistry({ 'metrics.reporters': 'prom', 'metrics.reporter.prom.port': port });
    registries.push(registry);
    await registry.ready();
    const prom = registry.getReporter('prom') as PrometheusReporter;
    const boundPort = prom.getPort();
    expect(boundPort).toBeDefined();
    return { registry, prom, url: `http://127.0.0.1:${boundPort}/metrics` };
  }

  it('serves names, labels, types and quantiles, two operators in one family', async () => {
    const { registry, url } = await startProm();
    const { tm, op0, op1 } = operators(registry);
    op0.counter('numRecordsIn').inc(7);
    op1.counter('numRecordsIn').inc(3);
    op0.gauge('queue', () => 4);
    op0.gauge('status', () => 'RUNNING');
    const meter = op0.meter('numRecordsInPerSecond', new MeterView(5));
    meter.markEvent(50);
    registry.updateViews();
    const h = op0.addGroup('cache').histogram('latency', new HdrHistogram());
    for (let i = 1; i <= 100; i++) h.update(i);
    tm.counter('tmCounter').inc();

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const family = 'sluice_taskmanager_job_task_operator_numRecordsIn';
    expect(text).toContain(`# TYPE ${family} counter`);
    expect(text.match(new RegExp(`^# TYPE ${family} `, 'gm'))).toHaveLength(1);
    const lines = text.split('\n').filter((l) => l.startsWith(`${family}{`));
    expect(lines).toHaveLength(2);
    const line0 = lines.find((l) => l.includes('subtask_index="0"'))!;
    expect(line0).toMatch(/ 7$/);
    for (const label of ['host="host1"', 'tm_id="tm-1"', 'job_id="j1"', 'job_name="word count"', 'task_id="v1"',
      'task_name="Map"', 'task_attempt_id="a0"', 'task_attempt_num="0"', 'operator_id="op1"', 'operator_name="Map: \\"x\\""']) {
      expect(line0).toContain(label);
    }
    expect(lines.find((l) => l.includes('subtask_index="1"'))).toMatch(/ 3$/);
    expect(text).toContain('# TYPE sluice_taskmanager_job_task_operator_queue gauge');
    expect(text).not.toContain('sluice_taskmanager_job_task_operator_status{'); // non-numeric gauge: no sample
    expect(text).toMatch(/^sluice_taskmanager_job_task_operator_numRecordsInPerSecond\{.*\} 10$/m);
    const summary = 'sluice_taskmanager_job_task_operator_cache_latency';
    expect(text).toContain(`# TYPE ${summary} summary`);
    for (const [q, v] of [['0.5', 50], ['0.75', 75], ['0.95', 95], ['0.98', 98], ['0.99', 99], ['0.999', 100]] as const) {
      expect(text).toMatch(new RegExp(`^${summary}\\{.*quantile="${q}".*\\} ${v}$`, 'm'));
    }
    expect(text).toMatch(new RegExp(`^${summary}_count\\{.*\\} 100$`, 'm'));
    expect(text).toMatch(new RegExp(`^${summary}_sum\\{.*\\} 5050$`, 'm'));
    expect(text).toMatch(/^sluice_taskmanager_tmCounter\{host="host1",tm_id="tm-1"\} 1$/m);
    expect(await (await fetch(url.replace('/metrics', '/'))).text()).toContain(family);
    expect((await fetch(url.replace('/metrics', '/nope'))).status).toBe(404);
  });

  it('reads values at scrape time and drops a family when its last group closes', async () => {
    const { registry, prom } = await startProm();
    const { op0, op1 } = operators(registry);
    const c0 = op0.counter('numRecordsIn');
    op1.counter('numRecordsIn');
    c0.inc(5);
    expect(await prom.scrape()).toMatch(/subtask_index="0".*\} 5$/m);
    c0.inc(5);
    expect(await prom.scrape()).toMatch(/subtask_index="0".*\} 10$/m);
    op0.close();
    let text = await prom.scrape();
    expect(text).not.toContain('subtask_index="0"');
    expect(text).toContain('subtask_index="1"');
    op1.close();
    text = await prom.scrape();
    expect(text).not.toContain('numRecordsIn');
  });

  it('tries the next port of the range when one is taken', async () => {
    const blocker = createServer();
    servers.push(blocker);
    const taken = await new Promise<number>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port));
    });
    const { prom } = await startProm(`${taken}-${taken + 20}`);
    expect(prom.getPort()).toBeGreaterThan(taken);
  });

  it('fails with METRIC_REPORTER_FAILED (logged) when no port of the range is free', async () => {
    const blocker = createServer();
    servers.push(blocker);
    const taken = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    const { registry, logger } = testRegistry({ 'metrics.reporters': 'prom', 'metrics.reporter.prom.port': String(taken) });
    registries.push(registry);
    await registry.ready();
    expect(registry.getReporters()).toEqual([]);
    expect(logger.entries.find((e) => e.level === 'error')?.message).toMatch(/no free port/);
  });
});

describe('LogReporter', () => {
  it('logs every metric in one block each interval', async () => {
    const { registry, timer, logger } = testRegistry({ 'metrics.reporters': 'log', 'metrics.reporter.log.interval': '5 s' });
    registries.push(registry);
    await registry.ready();
    const tm = new TaskManagerMetricGroup(registry, 'h', 'tm');
    tm.counter('records').inc(3);
    tm.gauge('state', () => ({ a: 1 }));
    tm.meter('rate', new MeterView(5));
    const h = tm.histogram('lat', new HdrHistogram());
    h.update(10);
    timer.advance(5_000);
    const block = logger.messages('info').find((m) => m.includes('Starting metrics report'))!;
    expect(block).toContain('h.taskmanager.tm.records: 3');
    expect(block).toContain('h.taskmanager.tm.state: {"a":1}');
    expect(block).toContain('h.taskmanager.tm.rate: 0');
    expect(block).toContain('h.taskmanager.tm.lat: count=1, min=10, max=10, mean=10, stddev=0, p50=10');
    expect(block.indexOf('-- Counters')).toBeLessThan(block.indexOf('-- Gauges'));
    expect(block).toContain('Finished metrics report');
    expect((registry.getReporter('log') as LogReporter).formatReport()).toContain('records: 3');
  });
});
