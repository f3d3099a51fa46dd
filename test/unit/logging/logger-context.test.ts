// Loggers of a LoggerContext: level filtering (root and per-name prefix), fields and children, JSON lines in a
// file, readable lines for a terminal, and reconfiguration that loggers already handed out follow.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/core/errors.ts';
import { LOGGER_NAME, componentLogger } from '../../../src/core/logger.ts';
import type { LogSink } from '../../../src/logging/log-sinks.ts';
import { LoggerContext } from '../../../src/logging/logger-context.ts';
import type { LoggingSettings } from '../../../src/logging/logging-settings.ts';

interface Line {
  level: string;
  time: string;
  name: string;
  msg: string;
  pid: number;
  [field: string]: unknown;
}

function capture(): LogSink & { lines: string[]; json(): Line[] } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line), json: () => lines.map((l) => JSON.parse(l) as Line) };
}

function settings(overrides: Partial<LoggingSettings> = {}): LoggingSettings {
  return { rootLevel: 'info', levels: {}, console: 'json', file: undefined, rootLevelExplicit: true, ...overrides };
}

const dirs: string[] = [];
const contexts: LoggerContext[] = [];
afterEach(() => {
  for (const c of contexts.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function context(s: LoggingSettings, sink?: LogSink): LoggerContext {
  const c = new LoggerContext(s, sink === undefined ? {} : { consoleSink: sink });
  contexts.push(c);
  return c;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sluice-log-'));
  dirs.push(d);
  return d;
}

describe('levels', () => {
  it('the root level drops lines below it', () => {
    const out = capture();
    const log = context(settings({ rootLevel: 'warn' }), out).getLogger('sluice.runtime');
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(out.json().map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it('per-logger levels apply to the name and the names below it', () => {
    const out = capture();
    const ctx = context(settings({ rootLevel: 'warn', levels: { 'sluice.checkpoint': 'debug', 'com.noisy': 'silent' } }), out);
    ctx.getLogger('sluice.checkpoint').debug('a');
    ctx.getLogger('sluice.checkpoint.coordinator').debug('b');
    ctx.getLogger('sluice.checkpoint.coordinator').trace('dropped: below debug');
    ctx.getLogger('sluice.runtime').info('dropped: root is warn');
    ctx.getLogger('com.noisy.Thing').error('dropped: silent');
    expect(out.json().map((l) => [l.name, l.msg])).toEqual([
      ['sluice.checkpoint', 'a'],
      ['sluice.checkpoint.coordinator', 'b'],
    ]);
  });

  it('reports whether a level is enabled', () => {
    const log = context(settings({ rootLevel: 'info' }), capture()).getLogger('x');
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(log.isLevelEnabled('info')).toBe(true);
    expect(log.level).toBe('info');
  });
});

describe('lines', () => {
  it('are JSON with level label, ISO time, pid, logger name, bound and per-call fields and the message', () => {
    const out = capture();
    const log = context(settings(), out).getLogger('sluice.task.Map', { jobId: 'j1' }).child({ subtaskIndex: 1 });
    log.info('100% done %s', { records: 42 });
    const [line] = out.json();
    expect(line).toMatchObject({ level: 'info', name: 'sluice.task.Map', jobId: 'j1', subtaskIndex: 1, records: 42, msg: '100% done %s', pid: process.pid });
    expect(new Date(line!.time).toISOString()).toBe(line!.time);
    expect(out.lines[0]!.endsWith('\n')).toBe(true);
  });

  it('Error fields become type, message and stack', () => {
    const out = capture();
    context(settings(), out).getLogger('x').error('failed', { error: new TypeError('bad input'), err: new Error('e2') });
    const [line] = out.json();
    expect(line!['error']).toMatchObject({ type: 'TypeError', message: 'bad input', stack: expect.stringContaining('bad input') });
    expect(line!['err']).toMatchObject({ type: 'Error', message: 'e2' });
  });

  it('children keep the parent name and add fields; later fields win', () => {
    const out = capture();
    const parent = context(settings(), out).getLogger('a.b', { k: 1, shared: 'parent' });
    parent.child({ shared: 'child' }).info('m', { extra: true });
    expect(out.json()[0]).toMatchObject({ name: 'a.b', k: 1, shared: 'child', extra: true });
  });

  it('a component logger is the logger of its own name, with its own level, keeping the bound fields', () => {
    const out = capture();
    const runtime = context(settings({ rootLevel: 'info', levels: { 'sluice.checkpoint': 'debug', 'sluice.task': 'warn' } }), out).getLogger(
      'sluice.runtime',
      { jobId: 'j1' },
    );
    const checkpoints = componentLogger(runtime, 'sluice.checkpoint');
    checkpoints.debug('checkpoint 3 acknowledged', { checkpointId: 3 });
    componentLogger(runtime, 'sluice.task').info('dropped: sluice.task logs warn and above');
    runtime.debug('dropped: sluice.runtime logs info and above');
    const lines = out.json();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ name: 'sluice.checkpoint', level: 'debug', jobId: 'j1', checkpointId: 3 });
    expect(lines[0]).not.toHaveProperty(LOGGER_NAME);
  });
});

describe('console format', () => {
  it('pretty (for a terminal) writes readable lines with time, level, name, message and fields', () => {
    const out = capture();
    context(settings({ console: 'pretty' }), out).getLogger('sluice.runtime').warn('job running', { jobId: 'abc' });
    expect(out.lines).toHaveLength(1);
    const line = out.lines[0]!;
    expect(() => JSON.parse(line)).toThrow();
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN \(sluice\.runtime\): job running .*"jobId":"abc"/);
    expect(line).not.toContain('\u001b['); // not coloured when written somewhere other than the terminal
  });

  it('off writes nothing to the console', () => {
    const out = capture();
    context(settings({ console: 'off' }), out).getLogger('x').error('nobody sees this');
    expect(out.lines).toEqual([]);
  });
});

describe('log file', () => {
  it('gets parseable JSON lines, creating its directory and appending to an existing file', () => {
    const dir = tempDir();
    const file = join(dir, 'nested', 'jobmanager.log');
    const console = capture();
    const ctx = context(settings({ file, console: 'pretty' }), console);
    ctx.open();
    expect(existsSync(file)).toBe(true);
    ctx.getLogger('sluice.runtime').info('first', { n: 1 });
    ctx.getLogger('sluice.runtime').debug('dropped');
    ctx.getLogger('user.fn').warn('second');
    ctx.flush();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => [l.name, l.level, l.msg])).toEqual([
      ['sluice.runtime', 'info', 'first'],
      ['user.fn', 'warn', 'second'],
    ]);
    expect(lines[0]!['n']).toBe(1);
    // The console got the same lines, readable.
    expect(console.lines).toHaveLength(2);

    ctx.close();
    const again = context(settings({ file, console: 'off' }));
    again.getLogger('x').error('third');
    again.flush();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('a log file that cannot be created fails with a ConfigurationError naming env.log.dir', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-dir'), '');
    const ctx = context(settings({ file: join(dir, 'not-a-dir', 'jobmanager.log') }));
    let error: unknown;
    try {
      ctx.open();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).key).toBe('env.log.dir');
    expect((error as Error).message).toMatch(/cannot open the log file .*not-a-dir.*jobmanager\.log/);
  });
});

describe('reconfigure', () => {
  it('loggers handed out earlier follow the new levels and sinks', () => {
    const first = capture();
    const second = capture();
    const ctx = context(settings({ rootLevel: 'warn' }), first);
    const log = ctx.getLogger('sluice.runtime');
    log.info('dropped');
    log.warn('to first');
    ctx.reconfigure(settings({ rootLevel: 'debug' }), { consoleSink: second });
    log.debug('to second');
    expect(first.json().map((l) => l.msg)).toEqual(['to first']);
    expect(second.json().map((l) => l.msg)).toEqual(['to second']);
  });

  it('a fallback root level stands in only while the root level is not explicit', () => {
    const out = capture();
    const ctx = context(settings({ rootLevel: 'warn', rootLevelExplicit: false }), out);
    const runtime = ctx.getLogger('sluice.runtime', {}, 'info');
    runtime.info('shown: fallback info');
    ctx.reconfigure(settings({ rootLevel: 'warn', rootLevelExplicit: true }), { consoleSink: out });
    runtime.info('dropped: configured warn');
    expect(out.json().map((l) => l.msg)).toEqual(['shown: fallback info']);
  });
});
