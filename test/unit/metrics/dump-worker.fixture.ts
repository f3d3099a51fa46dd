// Worker-thread side of the dumps test: a per-thread registry with operator metrics, dumped to the parent.

import { parentPort, workerData } from 'node:worker_threads';
import { ManualClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { dumpMetrics } from '../../../src/metrics/metric-dumper.ts';
import { HdrHistogram } from '../../../src/metrics/hdr-histogram.ts';
import { MetricRegistry } from '../../../src/metrics/metric-registry.ts';
import { TaskManagerMetricGroup } from '../../../src/metrics/task-manager-metric-group.ts';

const settings = (workerData as { settings: ConstructorParameters<typeof MetricRegistry>[0] }).settings;
const registry = new MetricRegistry({ ...settings, reporters: [] }, new ManualClock(), silentLogger);
const task = new TaskManagerMetricGroup(registry, 'host1', 'tm-w')
  .addJob('j1', 'job')
  .addTask({ vertexId: 'v1', attemptId: 'a0', taskName: 'Map', subtaskIndex: 0, attemptNumber: 0 });
const op = task.getOrAddOperator('op1', 'Map');
op.counter('numRecordsIn').inc(42);
const latency = op.histogram('latency', new HdrHistogram());
for (let i = 1; i <= 100; i++) latency.update(i);
parentPort!.postMessage(dumpMetrics(registry));
