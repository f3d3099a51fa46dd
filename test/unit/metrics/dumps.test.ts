// Dumps across threads: worker registry -> MetricDump[] -> structuredClone -> mirrors in the main registry -> reporters.

import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../../src/config/configuration.ts';
import { readMetricSettings, type MetricSettings } from '../../../src/config/metric-options.ts';
import { HdrHistogram } from '../../../src/metrics/hdr-histogram.ts';
import { JobManagerMetricGroup } from '../../../src/metrics/job-manager-metric-group.ts';
import { MeterView } from '../../../src/metrics/meter-view.ts';
import type { MetricDump } from '../../../src/metrics/metric-dump.ts';
import { dumpMetrics } from '../../../src/metrics/metric-dumper.ts';
import type { MetricRegistry } from '../../../src/metrics/metric-registry.ts';
import type { MetricRegistrySettings } from '../../../src/metrics/metric-registry-settings.ts';
import { aggregateMetrics, MetricStore, queryMetrics } from '../../../src/metrics/metric-store.ts';
import type { PrometheusReporter } from '../../../src/metrics/prometheus-reporter.ts';
import { RemoteMetrics } from '../../../src/metrics/remote-metrics.ts';
import { TaskManagerMetricGroup } from '../../../src/metrics/task-manager-metric-group.ts';
import { testRegistry } from './helpers.ts';

// The config layer's settings and the metrics layer's settings are the same shape (checked by the compiler).
const _toRegistry = (s: MetricSettings): MetricRegistrySettings => s;
const _toConfig = (s: MetricRegistrySettings): MetricSettings => s;
void _toRegistry;
void _toConfig;

const registries: MetricRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.shutdown()));
});

function workerSide() {
  const { registry, timer } = testRegistry();
  const tm = new TaskManagerMetricGroup(registry, 'host1', 'tm-1');
  const task = tm.addJob('j1', 'job').addTask({ vertexId: 'v1', attemptId: 'a0', taskName: 'Map', subtaskIndex: 0, attemptNumber: 0 });
  const op = task.getOrAddOperator('op1', 'Map');
  return { registry, timer, tm, task, op };
}

describe('dumpMetrics', () => {
  it('snapshots every metric as plain, cloneable data', () => {
    const { registry, timer, task, op } = workerSide();
    op.counter('numRecordsIn').inc(5);
    op.gauge('name', () => 'x');
    op.gauge('n', () => 1.5);
    op.gauge('obj', () => ({ a: [1] }));
    op.gauge('undef', () => undefined);
    op.gauge('broken', () => {
      throw new Error('no');
    });
    op.meter('perSecond', new MeterView(5)).markEvent(25);
    timer.advance(5_000);
    const h = op.addGroup('k', 'v').histogram('latency', new HdrHistogram());
    for (let i = 1; i <= 100; i++) h.update(i);
    task.counter('taskCounter').inc(2);

    const dumps = structuredClone(dumpMetrics(registry));
    const byName = new Map(dumps.map((d) => [d.name, d]));
    expect(byName.get('numRecordsIn')).toMatchObject({
      type: 'counter',
      count: 5,
      logicalScope: ['taskmanager', 'job', 'task', 'operator'],
      scope: ['host1', 'taskmanager', 'tm-1', 'job', 'Map', '0'],
      userScope: [],
    });
    expect(byName.get('numRecordsIn')!.variables['<operator_id>']).toBe('op1');
    expect(byName.get('name')!.value).toBe('x');
    expect(byName.get('n')!.value).toBe(1.5);
    expect(byName.get('obj')!.value).toBe('{"a":[1]}');
    expect(byName.get('undef')!).not.toHaveProperty('value');
    expect(byName.has('broken')).toBe(false);
    expect(byName.get('perSecond')).toMatchObject({ type: 'meter', count: 25, rate: 5 });
    const latency = byName.get('latency')!;
    expect(latency.userScope).toEqual(['k', 'v']);
    expect(latency.variables['<k>']).toBe('v');
    expect(latency.histogram).toMatchObject({ count: 100, min: 1, max: 100, quantiles: { '0.5': 50, '0.99': 99 } });
    expect(JSON.parse(JSON.stringify(dumps))).toEqual(dumps);
    expect(dumpMetrics(registry, op).map((d) => d.name)).not.toContain('taskCounter');
    expect(dumpMetrics(registry, task).map((d) => d.name)).toContain('taskCounter');
  });
});

describe('RemoteMetrics', () => {
  it('mirrors worker metrics in the main registry so Prometheus serves them, updates and removes them', async () => {
    const worker = workerSide();
    const c = worker.op.counter('numRecordsIn');
    const h = worker.op.histogram('latency', new HdrHistogram());
    for (let i = 1; i <= 100; i++) h.update(i);
    c.inc(3);

    const { registry: main } = testRegistry({ 'metrics.reporters': 'prom', 'metrics.reporter.prom.port': '19250-19300' });
    registries.push(main);
    await main.ready();
    const prom = main.getReporter('prom') as PrometheusReporter;
    const remote = new RemoteMetrics(main);

    remote.applyDumps('tm-1', structuredClone(dumpMetrics(worker.registry)));
    let text = await (await fetch(`http://127.0.0.1:${prom.getPort()}/metrics`)).text();
    expect(text).toMatch(/^sluice_taskmanager_job_task_operator_numRecordsIn\{.*operator_name="Map".*\} 3$/m);
    expect(text).toMatch(/^sluice_taskmanager_job_task_operator_latency\{.*quantile="0.99".*\} 99$/m);
    expect(text).toMatch(/^sluice_taskmanager_job_task_operator_latency_count\{.*\} 100$/m);

    c.inc(4);
    remote.applyDumps('tm-1', structuredClone(dumpMetrics(worker.registry)));
    expect(main.numRegisteredMetrics).toBe(2);
    text = await prom.scrape();
    expect(text).toMatch(/numRecordsIn\{.*\} 7$/m);

    // A metric that disappears from the worker disappears from the mirrors.
    const dumps = dumpMetrics(worker.registry).filter((d) => d.name !== 'latency');
    remote.applyDumps('tm-1', dumps);
    expect(main.numRegisteredMetrics).toBe(1);
    expect(await prom.scrape()).not.toContain('latency');
    expect(await prom.scrape()).toMatch(/numRecordsIn\{.*\} 7$/m);

    remote.removeSource('tm-1');
    expect(main.numRegisteredMetrics).toBe(0);
    expect(await prom.scrape()).not.toContain('numRecordsIn');
    expect(remote.getSources()).toEqual([]);
  });

  it('receives dumps from a real worker thread (hdr-histogram-js loads there, pure JS)', async () => {
    const settings = readMetricSettings(new Configuration());
    const worker = new Worker(new URL('./dump-worker.fixture.mjs', import.meta.url), {
      workerData: { settings },
    });
    const dumps = await new Promise<MetricDump[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const { registry: main } = testRegistry();
    const remote = new RemoteMetrics(main);
    remote.applyDumps('tm-w', dumps);
    const mirrored = dumpMetrics(main);
    expect(mirrored.find((d) => d.name === 'numRecordsIn')).toMatchObject({ count: 42, scope: ['host1', 'taskmanager', 'tm-w', 'job', 'Map', '0'] });
    expect(mirrored.find((d) => d.name === 'latency')?.histogram?.quantiles['0.5']).toBe(50);
  });
});

describe('MetricStore', () => {
  it('answers per-vertex, per-subtask, TaskManager and JobManager queries and aggregates subtasks', () => {
    const { registry } = testRegistry();
    const tm = new TaskManagerMetricGroup(registry, 'host1', 'tm-1');
    const job = tm.addJob('j1', 'job');
    for (const i of [0, 1, 2]) {
      const task = job.addTask({ vertexId: 'v1', attemptId: `a${i}`, taskName: 'Map', subtaskIndex: i, attemptNumber: 0 });
      task.counter('numRecordsIn').inc(10 * (i + 1));
      const op = task.getOrAddOperator('op1', 'Source: Gen');
      op.counter('numRecordsOut').inc(i);
      op.addGroup('cache').gauge('size', () => `${i}`);
      const h = op.histogram('lat', new HdrHistogram());
      h.update(i + 1);
    }
    tm.gauge('Status.JVM.CPU.Load', () => 0.5);
    job.counter('tmJobCounter').inc();
    const jm = new JobManagerMetricGroup(registry, 'host0');
    jm.gauge('numRunningJobs', () => 1);
    jm.addJob('j1', 'job').gauge('uptime', () => 1000);

    const store = new MetricStore();
    store.update(structuredClone(dumpMetrics(registry)));

    expect(queryMetrics(store.getJobManagerMetrics(), ['numRunningJobs'])).toEqual([{ id: 'numRunningJobs', value: '1' }]);
    expect(queryMetrics(store.getJobMetrics('j1'), ['uptime', 'tmJobCounter'])).toEqual([
      { id: 'uptime', value: '1000' },
      { id: 'tmJobCounter', value: '1' },
    ]);
    expect(store.getTaskManagerIds()).toEqual(['tm-1']);
    expect(queryMetrics(store.getTaskManagerMetrics('tm-1'), ['Status.JVM.CPU.Load'])).toEqual([
      { id: 'Status.JVM.CPU.Load', value: '0.5' },
    ]);
    const vertex = store.getTaskMetrics('j1', 'v1');
    expect(queryMetrics(vertex, ['0.numRecordsIn', '2.Source__Gen.numRecordsOut', 'missing'])).toEqual([
      { id: '0.numRecordsIn', value: '10' },
      { id: '2.Source__Gen.numRecordsOut', value: '2' },
    ]);
    expect(queryMetrics(store.getSubtaskMetrics('j1', 'v1', 1), ['Source__Gen.cache.size', 'Source__Gen.lat_max'])).toEqual([
      { id: 'Source__Gen.cache.size', value: '1' },
      { id: 'Source__Gen.lat_max', value: '2' },
    ]);
    expect(queryMetrics(store.getSubtaskMetrics('j1', 'v1', 0))).toContainEqual({ id: 'Source__Gen.lat_p99' });
    expect(store.getSubtaskIndices('j1', 'v1')).toEqual([0, 1, 2]);

    const subtasks = store.getSubtaskMetricsList('j1', 'v1');
    expect(aggregateMetrics(subtasks, ['numRecordsIn'], ['min', 'max', 'sum', 'avg'])).toEqual([
      { id: 'numRecordsIn', min: 10, max: 30, sum: 60, avg: 20 },
    ]);
    expect(aggregateMetrics(store.getSubtaskMetricsList('j1', 'v1', [0, 1]), ['numRecordsIn'], ['sum'])).toEqual([
      { id: 'numRecordsIn', sum: 30 },
    ]);
    expect(aggregateMetrics(subtasks, ['Source__Gen.cache.size'], ['max'])).toEqual([{ id: 'Source__Gen.cache.size', max: 2 }]);
    expect(aggregateMetrics(subtasks).map((r) => r.id)).toContain('numRecordsIn');
    expect(queryMetrics(store.getTaskMetrics('nope', 'v1'), ['x'])).toEqual([]);
  });
});
