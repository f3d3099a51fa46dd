// LoggerFactory: configuring the thread's loggers from a Configuration, the createConsoleLogger wrapper, and the
// environment defaults when nothing was configured.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Configuration } from '../../../src/config/configuration.ts';
import { defaultLoggingSettings } from '../../../src/logging/logging-settings.ts';
import { LoggerFactory } from '../../../src/logging/logger-factory.ts';
import { createConsoleLogger } from '../../../src/runtime/console-logger.ts';

function capture() {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line), json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const dirs: string[] = [];
afterEach(() => {
  LoggerFactory.reset();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('LoggerFactory.configure', () => {
  it('applies logging.level and logging.levels.* to loggers obtained before and after', () => {
    const out = capture();
    const early = LoggerFactory.getLogger('sluice.checkpoint.coordinator');
    LoggerFactory.configure(new Configuration({ 'logging.level': 'warn', 'logging.levels.sluice.checkpoint': 'debug' }), {
      consoleSink: out,
      console: 'json',
    });
    early.debug('early, enabled by its prefix');
    LoggerFactory.getLogger('sluice.runtime').info('dropped by the root level');
    LoggerFactory.getLogger('com.example.Fn').warn('user code');
    expect(out.json().map((l) => [l['name'], l['msg']])).toEqual([
      ['sluice.checkpoint.coordinator', 'early, enabled by its prefix'],
      ['com.example.Fn', 'user code'],
    ]);
  });

  it('a jobmanager writes JSON lines to <env.log.dir>/jobmanager.log and says where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-logdir-'));
    dirs.push(dir);
    const settings = LoggerFactory.configure(new Configuration({ 'env.log.dir': dir }), { role: 'jobmanager', console: 'off', env: {} });
    expect(settings.rootLevel).toBe('info');
    expect(LoggerFactory.getLogFile()).toBe(join(dir, 'jobmanager.log'));
    LoggerFactory.getLogger('sluice.runtime').info('cluster started', { port: 8081 });
    LoggerFactory.flush();
    const [line] = readFileSync(join(dir, 'jobmanager.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({ level: 'info', name: 'sluice.runtime', msg: 'cluster started', port: 8081 });
  });

  it('reset() returns to the environment defaults and stops writing the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-logdir-'));
    dirs.push(dir);
    LoggerFactory.configure(new Configuration({ 'env.log.dir': dir }), { role: 'jobmanager', console: 'off', env: {} });
    const log = LoggerFactory.getLogger('x');
    log.info('before reset');
    LoggerFactory.reset();
    expect(LoggerFactory.getLogFile()).toBeUndefined();
    expect(LoggerFactory.settings()).toEqual(defaultLoggingSettings());
    log.info('after reset: below the default warn, and no file anyway');
    expect(readFileSync(join(dir, 'jobmanager.log'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('createConsoleLogger (the runtime logger)', () => {
  it('is the sluice.runtime logger of the factory, with its bindings', () => {
    const out = capture();
    LoggerFactory.configure(new Configuration({ 'logging.level': 'info' }), { consoleSink: out, console: 'json' });
    createConsoleLogger(undefined, { task: 'Map (1/1)' }).child({ operator: 'Map' }).info('restoring');
    expect(out.json()).toEqual([expect.objectContaining({ name: 'sluice.runtime', task: 'Map (1/1)', operator: 'Map', msg: 'restoring' })]);
  });

  it('its level argument (SLUICE_LOG_LEVEL) counts only while nothing configured a root level', () => {
    const out = capture();
    // Unconfigured defaults, as in an embedded job, but with lines captured.
    LoggerFactory.apply({ ...defaultLoggingSettings({}), console: 'json' }, { consoleSink: out });
    createConsoleLogger('info').info('shown: the argument stands in for the root level');
    createConsoleLogger(undefined).info('dropped: default warn');
    LoggerFactory.configure(new Configuration({ 'logging.level': 'error' }), { consoleSink: out, console: 'json' });
    createConsoleLogger('info').warn('dropped: configured error wins over the argument');
    expect(out.json().map((l) => l['msg'])).toEqual(['shown: the argument stands in for the root level']);
  });
});

describe('defaults from the environment', () => {
  it('a SLUICE_LOG_LEVEL that is not a level is ignored with a warning', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(defaultLoggingSettings({ SLUICE_LOG_LEVEL: 'chatty' }).rootLevel).toBe('warn');
      expect(write).toHaveBeenCalledWith(expect.stringContaining('logging.level must be one of'));
      expect(write).toHaveBeenCalledWith(expect.stringContaining('SLUICE_LOG_LEVEL'));
    } finally {
      write.mockRestore();
    }
  });
});
