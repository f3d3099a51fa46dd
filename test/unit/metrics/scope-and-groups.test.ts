// Scope formats (Flink's defaults, custom, '*' relative, delimiter), identifiers, variables and group lifecycle.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Configuration } from '../../../src/config/configuration.ts';
import { MetricOptions, readMetricSettings } from '../../../src/config/metric-options.ts';
import { SluiceError } from '../../../src/core/errors.ts';
import { JobManagerMetricGroup } from '../../../src/metrics/job-manager-metric-group.ts';
import { SimpleCounter } from '../../../src/metrics/simple-counter.ts';
import { ScopeFormat } from '../../../src/metrics/scope-format.ts';
import { TaskManagerMetricGroup } from '../../../src/metrics/task-manager-metric-group.ts';
import type { MetricRegistry } from '../../../src/metrics/metric-registry.ts';
import { testRegistry } from './helpers.ts';

const TASK = { vertexId: 'v1', attemptId: 'a1', taskName: 'Map -> Filter', subtaskIndex: 2, attemptNumber: 0 };

function operatorGroup(registry: MetricRegistry) {
  const tm = new TaskManagerMetricGroup(registry, 'host1', 'tm-1');
  const job = tm.addJob('j1', 'wordcount');
  const task = job.addTask(TASK);
  return { tm, job, task, op: task.getOrAddOperator('op1', 'Map') };
}

describe('scope formats', () => {
  it("use Flink's defaults", () => {
    const { registry } = testRegistry();
    const { tm, job, task, op } = operatorGroup(registry);
    expect(tm.getScopeComponents()).toEqual(['host1', 'taskmanager', 'tm-1']);
    expect(job.getScopeComponents()).toEqual(['host1', 'taskmanager', 'tm-1', 'wordcount']);
    expect(task.getScopeComponents()).toEqual(['host1', 'taskmanager', 'tm-1', 'wordcount', 'Map -> Filter', '2']);
    expect(op.getScopeComponents()).toEqual(['host1', 'taskmanager', 'tm-1', 'wordcount', 'Map', '2']);
    const jm = new JobManagerMetricGroup(registry, 'host0');
    expect(jm.getScopeComponents()).toEqual(['host0', 'jobmanager']);
    expect(jm.addJob('j1', 'wordcount').getScopeComponents()).toEqual(['host0', 'jobmanager', 'wordcount']);
  });

  it('take custom formats, relative ones ("*.x") appended to the parent scope', () => {
    const { registry } = testRegistry({
      'metrics.scope.tm': 'tms.<tm_id>',
      'metrics.scope.tm-job': '*.<job_id>',
      'metrics.scope.task': '*.<task_id>.<subtask_index>.<task_attempt_num>',
      'metrics.scope.operator': 'ops.<operator_id>.<unknown>.<operator_name>',
      'metrics.scope.jm-job': '*.jobs.<job_name>',
    });
    const { task, op } = operatorGroup(registry);
    expect(task.getScopeComponents()).toEqual(['tms', 'tm-1', 'j1', 'v1', '2', '0']);
    expect(op.getScopeComponents()).toEqual(['ops', 'op1', '<unknown>', 'Map']);
    const jm = new JobManagerMetricGroup(registry, 'h');
    expect(jm.addJob('j', 'n').getScopeComponents()).toEqual(['h', 'jobmanager', 'jobs', 'n']);
  });

  it('reject "*" on a root format', () => {
    expect(() => new ScopeFormat('*.x', undefined, [])).toThrow(SluiceError);
    expect(() => testRegistry({ 'metrics.scope.tm': '*.taskmanager' })).toThrow(/no parent/);
  });

  it('use the configured delimiter in identifiers and logical scopes', () => {
    const { registry } = testRegistry({ 'metrics.scope.delimiter': '_' });
    const { op } = operatorGroup(registry);
    expect(op.getMetricIdentifier('numRecordsIn')).toBe('host1_taskmanager_tm-1_wordcount_Map_2_numRecordsIn');
    expect(op.getLogicalScope()).toBe('taskmanager_job_task_operator');
    expect(() => new Configuration({ 'metrics.scope.delimiter': '::' })).toThrow(/single character/);
  });

  it('are read from configuration with defaults in one place', () => {
    const settings = readMetricSettings(new Configuration());
    expect(settings.delimiter).toBe('.');
    expect(settings.scopes.operator).toBe(MetricOptions.SCOPE_NAMING_OPERATOR.defaultValue);
    expect(settings.scopes.operator).toBe('<host>.taskmanager.<tm_id>.<job_name>.<operator_name>.<subtask_index>');
    expect(settings.reporters).toEqual([]);
  });
});

describe('identifiers and variables', () => {
  it('filter characters as Flink does and never leave a delimiter inside a component', () => {
    const { registry } = testRegistry();
    const tm = new TaskManagerMetricGroup(registry, 'host.example.com', 'tm-1');
    const task = tm.addJob('j1', 'my job').addTask({ ...TASK, taskName: 'Source: Custom Source' });
    const op = task.getOrAddOperator('op1', 'Source: Custom Source');
    expect(op.getMetricIdentifier('numRecordsOut')).toBe(
      'host_example_com.taskmanager.tm-1.my_job.Source__Custom_Source.2.numRecordsOut',
    );
    expect(op.getMetricIdentifier('a.b', (s) => s)).toBe(
      'host_example_com.taskmanager.tm-1.my job.Source: Custom Source.2.a_b',
    );
  });

  it('keeps every component whole for any names and filters (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('.', '_', '-', ':', '/'),
        fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        fc.string({ maxLength: 8 }),
        fc.boolean(),
        (delimiter, groups, metric, noOp) => {
          const { registry } = testRegistry({ 'metrics.scope.delimiter': delimiter });
          let group = new TaskManagerMetricGroup(registry, 'h', 'tm').addGroup('g');
          for (const name of groups) group = group.addGroup(name);
          const id = group.getMetricIdentifier(metric, noOp ? (s) => s : undefined);
          expect(id.split(delimiter)).toHaveLength(group.getScopeComponents().length + 1);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it('collect variables from all parents, with angle brackets', () => {
    const { registry } = testRegistry();
    const { op } = operatorGroup(registry);
    expect(op.getAllVariables()).toEqual({
      '<host>': 'host1',
      '<tm_id>': 'tm-1',
      '<job_id>': 'j1',
      '<job_name>': 'wordcount',
      '<task_id>': 'v1',
      '<task_attempt_id>': 'a1',
      '<task_name>': 'Map -> Filter',
      '<subtask_index>': '2',
      '<task_attempt_num>': '0',
      '<operator_id>': 'op1',
      '<operator_name>': 'Map',
    });
    expect(op.getLogicalScope()).toBe('taskmanager.job.task.operator');
    expect(op.getLogicalScopeComponents()).toEqual(['taskmanager', 'job', 'task', 'operator']);
  });

  it('addGroup(key, value): key in the logical scope, value in the scope and as variable <key>', () => {
    const { registry } = testRegistry();
    const { op } = operatorGroup(registry);
    const g = op.addGroup('region', 'eu').addGroup('cache');
    expect(g.getScopeComponents().slice(-3)).toEqual(['region', 'eu', 'cache']);
    expect(g.getLogicalScope()).toBe('taskmanager.job.task.operator.region.cache');
    expect(g.getAllVariables()['<region>']).toBe('eu');
    expect(g.getUserScopeComponents()).toEqual(['region', 'eu', 'cache']);
    expect(op.addGroup('region', 'us').getAllVariables()['<region>']).toBe('us');
    expect(op.addGroup(7).getScopeComponents().at(-1)).toBe('7');
  });

  it('cut operator names longer than 80 characters, with a warning', () => {
    const { registry, logger } = testRegistry();
    const { task } = operatorGroup(registry);
    const op = task.getOrAddOperator('op2', 'x'.repeat(100));
    expect(op.operatorName).toHaveLength(80);
    expect(logger.messages('warn').some((m) => m.includes('truncated'))).toBe(true);
  });

  it('write "null" for missing values, as Flink', () => {
    const { registry } = testRegistry();
    expect(new TaskManagerMetricGroup(registry, '', 'tm').getScopeComponents()[0]).toBe('null');
  });
});

describe('groups', () => {
  it('keep the first metric of a name and warn about the second', () => {
    const { registry, logger } = testRegistry();
    const { op } = operatorGroup(registry);
    const first = op.counter('c');
    const second = op.counter('c', new SimpleCounter());
    expect(second).not.toBe(first);
    expect(op.getMetrics().get('c')).toBe(first);
    expect(registry.numRegisteredMetrics).toBe(1);
    expect(logger.messages('warn').some((m) => m.includes("Name collision") && m.includes("'c'"))).toBe(true);
  });

  it('return the same group when added twice', () => {
    const { registry } = testRegistry();
    const { tm, job, task, op } = operatorGroup(registry);
    expect(op.addGroup('a')).toBe(op.addGroup('a'));
    expect(op.addGroup('k', 'v')).toBe(op.addGroup('k', 'v'));
    expect(tm.addJob('j1', 'wordcount')).toBe(job);
    expect(job.addTask(TASK)).toBe(task);
    expect(task.getOrAddOperator('op1', 'Map')).toBe(op);
  });

  it('unregister their metrics and subgroups when closed, and ignore later registrations', () => {
    const { registry } = testRegistry();
    const { tm, job, task, op } = operatorGroup(registry);
    tm.counter('tmCounter');
    task.counter('taskCounter');
    op.addGroup('user').gauge('g', () => 1);
    op.counter('opCounter');
    expect(registry.numRegisteredMetrics).toBe(4);
    task.close();
    expect(registry.numRegisteredMetrics).toBe(1);
    expect(op.isClosed()).toBe(true);
    expect(job.isClosed()).toBe(true); // its last task closed
    expect(tm.numRegisteredJobs).toBe(0);
    op.counter('late');
    expect(registry.numRegisteredMetrics).toBe(1);
    const again = tm.addJob('j1', 'wordcount');
    expect(again).not.toBe(job);
    expect(again.isClosed()).toBe(false);
  });

  it('gauge() takes a function or a Gauge object', () => {
    const { registry } = testRegistry();
    const { op } = operatorGroup(registry);
    let n = 1;
    const g = op.gauge('fn', () => n);
    n = 2;
    expect(g.getValue()).toBe(2);
    const obj = { getValue: () => 'x' };
    expect(op.gauge('obj', obj)).toBe(obj);
  });
});
