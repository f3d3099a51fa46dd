// User functions log through getRuntimeContext().getLogger() in real jobs: in-process (local runtime) and in
// worker-thread TaskManagers, landing in the output with the task's fields.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RichMapFunction, StreamExecutionEnvironment, runJobModule } from 'sluice';
import { Configuration } from '../../../src/config/configuration.ts';
import { LoggerFactory } from '../../../src/logging/logger-factory.ts';

const dirs: string[] = [];
afterEach(() => {
  LoggerFactory.reset();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

class TaggingMap extends RichMapFunction<number, string> {
  map(n: number): string {
    const log = this.getRuntimeContext().getLogger();
    log.debug('mapping', { n });
    if (n === 3) log.warn('three seen');
    return this.getRuntimeContext().getJobId();
  }
}

describe('task loggers', () => {
  it('a user function logs through its runtime context in a local job, with the task fields', async () => {
    const lines: string[] = [];
    LoggerFactory.configure(new Configuration({ 'logging.level': 'warn', 'logging.levels.sluice.task': 'debug' }), {
      consoleSink: { write: (l) => void lines.push(l) },
      console: 'json',
    });
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const jobIds = await env.fromElements(1, 2, 3).map(new TaggingMap()).name('Tagging').executeAndCollect(10);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l['name']).startsWith('sluice.task.'));
    expect(records.map((r) => [r['level'], r['msg'], r['n']])).toEqual([
      ['debug', 'mapping', 1],
      ['debug', 'mapping', 2],
      ['debug', 'mapping', 3],
      ['warn', 'three seen', undefined],
    ]);
    const first = records[0]!;
    expect(first['name']).toMatch(/^sluice\.task\..*Tagging/);
    expect(first).toMatchObject({ jobId: jobIds[0], subtaskIndex: 0, operator: 'Tagging' });
    expect(first['task']).toMatch(/Tagging.* \(1\/1\)#0$/);
  });

  it('the task logger obeys the root level when no per-logger level matches', async () => {
    const lines: string[] = [];
    LoggerFactory.configure(new Configuration({ 'logging.level': 'warn' }), { consoleSink: { write: (l) => void lines.push(l) }, console: 'json' });
    await StreamExecutionEnvironment.createLocalEnvironment(1).fromElements(1, 2, 3).map(new TaggingMap()).executeAndCollect(10);
    const msgs = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l['name']).startsWith('sluice.task.'));
    expect(msgs.map((m) => m['msg'])).toEqual(['three seen']);
  });

  it('worker-thread subtasks log into the process log file with their thread and subtask', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-task-logs-'));
    dirs.push(dir);
    LoggerFactory.configure(new Configuration({ 'env.log.dir': dir, 'logging.level': 'warn', 'logging.levels.sluice.task': 'debug' }), {
      role: 'jobmanager',
      console: 'off',
    });
    const result = (await runJobModule(new URL('./fixtures/logging-job.ts', import.meta.url).href)) as number[];
    expect(result).toHaveLength(400);
    const records = readFileSync(join(dir, 'jobmanager.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => String(l['name']).startsWith('sluice.task.'));
    const opened = records.filter((r) => r['msg'] === 'opened');
    expect(opened.map((r) => r['subtaskIndex']).sort()).toEqual([0, 1]);
    for (const r of opened) {
      expect(r['thread']).toBe(r['threadId']);
      expect(r['thread']).not.toBe(0);
      expect(r['task']).toMatch(/LoggingMap.* \([12]\/2\)#0$/);
    }
    const progress = records.filter((r) => r['msg'] === 'progress');
    expect(progress.map((r) => r['n']).sort((a, b) => Number(a) - Number(b))).toEqual([100, 200, 300, 400]);
  });
});
