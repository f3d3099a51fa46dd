// Logging settings from configuration: root and per-logger levels (dotted prefixes), roles, console format by TTY.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../src/config/configuration.ts';
import { CoreOptions } from '../../../src/config/options.ts';
import { defaultLoggingSettings, levelOf, loggingSettingsFrom, type LoggingSettings } from '../../../src/logging/logging-settings.ts';

const settings = (levels: Record<string, LoggingSettings['rootLevel']>, rootLevel: LoggingSettings['rootLevel'] = 'warn'): LoggingSettings => ({
  rootLevel,
  levels,
  console: 'json',
  file: undefined,
  rootLevelExplicit: true,
});

describe('levelOf', () => {
  it('uses the root level when no name matches', () => {
    expect(levelOf(settings({}), 'sluice.runtime')).toBe('warn');
  });

  it('a configured name covers itself and the names below it; the longest prefix wins', () => {
    const s = settings({ sluice: 'info', 'sluice.checkpoint': 'debug', 'sluice.checkpoint.storage': 'trace' });
    expect(levelOf(s, 'sluice')).toBe('info');
    expect(levelOf(s, 'sluice.runtime')).toBe('info');
    expect(levelOf(s, 'sluice.checkpoint')).toBe('debug');
    expect(levelOf(s, 'sluice.checkpoint.coordinator')).toBe('debug');
    expect(levelOf(s, 'sluice.checkpoint.storage.file')).toBe('trace');
    expect(levelOf(s, 'com.example')).toBe('warn');
  });

  it('matches whole dotted segments only', () => {
    const s = settings({ 'sluice.check': 'debug' });
    expect(levelOf(s, 'sluice.checkpoint')).toBe('warn');
    expect(levelOf(s, 'sluice.check.x')).toBe('debug');
  });

  it('task logger names with spaces and arrows match their prefixes', () => {
    const s = settings({ 'sluice.task': 'debug' });
    expect(levelOf(s, 'sluice.task.Source: numbers -> Map')).toBe('debug');
  });
});

describe('loggingSettingsFrom', () => {
  it('the cluster logs at info into <env.log.dir>/jobmanager.log; embedded jobs at warn, stderr only', () => {
    const conf = new Configuration({ 'env.log.dir': '/var/log/sluice' });
    expect(loggingSettingsFrom(conf, { role: 'jobmanager', env: {}, isTTY: false })).toEqual({
      rootLevel: 'info',
      levels: {},
      console: 'json',
      file: join('/var/log/sluice', 'jobmanager.log'),
      rootLevelExplicit: true,
    });
    expect(loggingSettingsFrom(conf, { env: {}, isTTY: false })).toMatchObject({ rootLevel: 'warn', file: undefined });
    expect(loggingSettingsFrom(new Configuration(), { role: 'jobmanager', env: {} }).file).toBe(
      join(new Configuration().get(CoreOptions.LOG_DIR), 'jobmanager.log'),
    );
  });

  it('reads logging.level and logging.levels.<name>', () => {
    const conf = new Configuration({ 'logging.level': 'ERROR', 'logging.levels.sluice.checkpoint': 'debug', 'logging.levels.com.acme': 'off' });
    const s = loggingSettingsFrom(conf, { role: 'jobmanager', env: {} });
    expect(s.rootLevel).toBe('error');
    expect(s.levels).toEqual({ 'sluice.checkpoint': 'debug', 'com.acme': 'silent' });
  });

  it('falls back to SLUICE_LOG_LEVEL / SLUICE_LOGGING_LEVELS_* when the configuration does not say', () => {
    const env = { SLUICE_LOG_LEVEL: 'debug', SLUICE_LOGGING_LEVELS_SLUICE_TASK: 'trace' };
    expect(loggingSettingsFrom(new Configuration(), { env })).toMatchObject({ rootLevel: 'debug', levels: { 'sluice.task': 'trace' } });
    expect(loggingSettingsFrom(new Configuration({ 'logging.level': 'error' }), { env }).rootLevel).toBe('error');
  });

  it('chooses readable lines on a terminal and JSON otherwise, unless told', () => {
    expect(loggingSettingsFrom(new Configuration(), { env: {}, isTTY: true }).console).toBe('pretty');
    expect(loggingSettingsFrom(new Configuration(), { env: {}, isTTY: false }).console).toBe('json');
    expect(loggingSettingsFrom(new Configuration(), { env: {}, isTTY: true, console: 'json' }).console).toBe('json');
    expect(loggingSettingsFrom(new Configuration(), { env: {}, console: 'off' }).console).toBe('off');
  });

  it('a file can be named or turned off', () => {
    expect(loggingSettingsFrom(new Configuration(), { role: 'jobmanager', env: {}, file: false }).file).toBeUndefined();
    expect(loggingSettingsFrom(new Configuration(), { env: {}, file: '/x/y.log' }).file).toBe('/x/y.log');
  });
});

describe('defaultLoggingSettings (nothing configured)', () => {
  it('warn on stderr, or the level the environment names', () => {
    expect(defaultLoggingSettings({})).toMatchObject({ rootLevel: 'warn', levels: {}, file: undefined, rootLevelExplicit: false });
    expect(defaultLoggingSettings({ SLUICE_LOG_LEVEL: 'info' })).toMatchObject({ rootLevel: 'info', rootLevelExplicit: false });
    expect(defaultLoggingSettings({ SLUICE_LOGGING_LEVEL: 'debug' })).toMatchObject({ rootLevel: 'debug', rootLevelExplicit: true });
  });
});
