// Loading sluice-conf.yaml (flat and nested keys), SLUICE_* environment overrides, -D precedence, errors naming
// where a bad value was set, and unknown-key warnings with "did you mean" suggestions.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  editDistance,
  envVariableName,
  loadConfiguration,
  resolveConfiguration,
  suggestKey,
  type ConfigWarning,
} from '../../../src/config/config-loader.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { ALL_OPTIONS, CoreOptions, TaskManagerOptions } from '../../../src/config/options.ts';
import { ConfigurationError } from '../../../src/core/errors.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A configuration directory holding `yaml` as sluice-conf.yaml. */
function confDir(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-conf-'));
  dirs.push(dir);
  if (yaml !== undefined) writeFileSync(join(dir, 'sluice-conf.yaml'), yaml);
  return dir;
}

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigurationError) return e;
    throw e;
  }
  throw new Error('expected a ConfigurationError, but nothing was thrown');
}

describe('the YAML file', () => {
  it('reads flat Flink keys with their YAML types and Flink value syntax', () => {
    const dir = confDir(['parallelism.default: 4', 'pipeline.auto-watermark-interval: 1 s', 'pipeline.operator-chaining: false', ''].join('\n'));
    const { configuration, file, sources, warnings } = resolveConfiguration({ confDir: dir, env: {} });
    expect(file).toBe(join(dir, 'sluice-conf.yaml'));
    expect(configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(4);
    expect(configuration.get(CoreOptions.AUTO_WATERMARK_INTERVAL)).toBe(1000);
    expect(configuration.get(CoreOptions.OPERATOR_CHAINING)).toBe(false);
    expect(sources.get('pipeline.auto-watermark-interval')).toBe(`${join(dir, 'sluice-conf.yaml')}:2`);
    expect(warnings).toEqual([]);
  });

  it('flattens nested maps with dots, mixed with flat keys at any depth', () => {
    const dir = confDir(
      [
        'pipeline:',
        '  auto-watermark-interval: 50 ms',
        '  max-parallelism: 256',
        'state:',
        '  backend:',
        '    incremental: true',
        '  checkpoints.dir: /tmp/ckp',
        'taskmanager.numberOfTaskSlots: 3',
        'logging:',
        '  level: DEBUG',
        '  levels:',
        '    sluice.checkpoint: trace',
      ].join('\n'),
    );
    const { configuration, warnings } = resolveConfiguration({ confDir: dir, env: {} });
    expect(configuration.toMap()).toEqual({
      'pipeline.auto-watermark-interval': 50,
      'pipeline.max-parallelism': 256,
      'state.backend.incremental': true,
      'state.checkpoints.dir': '/tmp/ckp',
      'taskmanager.numberOfTaskSlots': 3,
      'logging.level': 'debug',
      'logging.levels.sluice.checkpoint': 'trace',
    });
    expect(warnings).toEqual([]);
  });

  it('turns a list into a ;-separated string and skips empty values', () => {
    const dir = confDir(['my.list: [a, b, 3]', 'parallelism.default:', 'pipeline.max-parallelism: ~'].join('\n'));
    const { configuration } = resolveConfiguration({ confDir: dir, env: {} });
    expect(configuration.getRaw('my.list')).toBe('a;b;3');
    expect(configuration.contains(CoreOptions.DEFAULT_PARALLELISM)).toBe(false);
    expect(configuration.contains(CoreOptions.MAX_PARALLELISM)).toBe(false);
  });

  it('a missing file, an empty file and a comments-only file all give an empty configuration', () => {
    expect(resolveConfiguration({ confDir: confDir(), env: {} })).toMatchObject({ file: undefined, warnings: [] });
    expect(resolveConfiguration({ confDir: confDir(), env: {} }).configuration.toMap()).toEqual({});
    expect(resolveConfiguration({ confDir: confDir(''), env: {} }).configuration.toMap()).toEqual({});
    expect(resolveConfiguration({ confDir: confDir('# rest.port: 8081\n'), env: {} }).configuration.toMap()).toEqual({});
  });

  it('takes the directory from SLUICE_CONF_DIR when none is given', () => {
    const dir = confDir('parallelism.default: 7\n');
    expect(resolveConfiguration({ env: { SLUICE_CONF_DIR: dir } }).configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(7);
  });

  it('refuses invalid YAML, a file that is not a map, and a key set twice, naming the file', () => {
    const bad = confDir('parallelism.default: [1\n');
    expect(configError(() => resolveConfiguration({ confDir: bad, env: {} })).message).toContain(`${join(bad, 'sluice-conf.yaml')} is not valid YAML`);
    const list = confDir('- a\n- b\n');
    expect(configError(() => resolveConfiguration({ confDir: list, env: {} })).message).toMatch(/sluice-conf\.yaml must be a map/);
    const twice = confDir('pipeline.max-parallelism: 8\npipeline:\n  max-parallelism: 16\n');
    const error = configError(() => resolveConfiguration({ confDir: twice, env: {} }));
    expect(error.key).toBe('pipeline.max-parallelism');
    expect(error.message).toMatch(/set twice .*sluice-conf\.yaml:1 and .*sluice-conf\.yaml:3/);
  });
});

describe('environment overrides', () => {
  it('name the key upper-cased with dots and dashes as underscores, prefixed SLUICE_', () => {
    expect(envVariableName('rest.port')).toBe('SLUICE_REST_PORT');
    expect(envVariableName('pipeline.auto-watermark-interval')).toBe('SLUICE_PIPELINE_AUTO_WATERMARK_INTERVAL');
    expect(envVariableName('taskmanager.numberOfTaskSlots')).toBe('SLUICE_TASKMANAGER_NUMBEROFTASKSLOTS');
  });

  it('no two known keys share a variable', () => {
    const names = [...ALL_OPTIONS.keys()].map(envVariableName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('override the file, for keys with dots, dashes and capitals', () => {
    const dir = confDir('parallelism.default: 4\npipeline.auto-watermark-interval: 1 s\n');
    const { configuration, sources } = resolveConfiguration({
      confDir: dir,
      env: {
        SLUICE_PARALLELISM_DEFAULT: '3',
        SLUICE_PIPELINE_AUTO_WATERMARK_INTERVAL: '2 s',
        SLUICE_TASKMANAGER_NUMBEROFTASKSLOTS: '5',
      },
    });
    expect(configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(3);
    expect(configuration.get(CoreOptions.AUTO_WATERMARK_INTERVAL)).toBe(2000);
    expect(configuration.get(TaskManagerOptions.NUM_TASK_SLOTS)).toBe(5);
    expect(sources.get('pipeline.auto-watermark-interval')).toBe('environment variable SLUICE_PIPELINE_AUTO_WATERMARK_INTERVAL');
  });

  it('leave SLUICE_* variables that name no key alone, and count empty values as unset', () => {
    const { configuration, warnings } = resolveConfiguration({
      confDir: confDir(),
      env: { SLUICE_SOAK_RUNS: '2000', SLUICE_SOMETHING_ELSE: 'x', SLUICE_PARALLELISM_DEFAULT: '', PATH: '/bin' },
    });
    expect(configuration.toMap()).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('SLUICE_LOG_LEVEL sets logging.level; SLUICE_LOGGING_LEVEL wins over it', () => {
    const legacy = resolveConfiguration({ confDir: confDir(), env: { SLUICE_LOG_LEVEL: 'debug' } }).configuration;
    expect(legacy.get(CoreOptions.LOGGING_LEVEL)).toBe('debug');
    const both = resolveConfiguration({ confDir: confDir(), env: { SLUICE_LOG_LEVEL: 'debug', SLUICE_LOGGING_LEVEL: 'error' } });
    expect(both.configuration.get(CoreOptions.LOGGING_LEVEL)).toBe('error');
    expect(both.sources.get('logging.level')).toBe('environment variable SLUICE_LOGGING_LEVEL');
  });

  it('SLUICE_LOGGING_LEVELS_<NAME> sets logging.levels.<name> (lower-cased, _ read as .)', () => {
    const { configuration } = resolveConfiguration({ confDir: confDir(), env: { SLUICE_LOGGING_LEVELS_SLUICE_CHECKPOINT: 'DEBUG' } });
    expect(configuration.toMap()).toEqual({ 'logging.levels.sluice.checkpoint': 'debug' });
  });
});

describe('-D overrides', () => {
  it('win over the environment and the file', () => {
    const dir = confDir('parallelism.default: 4\nexecution.runtime: threads\n');
    const { configuration, sources } = resolveConfiguration({
      confDir: dir,
      env: { SLUICE_PARALLELISM_DEFAULT: '3' },
      dynamic: { 'parallelism.default': '9', 'execution.buffer-timeout': '5 ms' },
    });
    expect(configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(9);
    expect(configuration.get(CoreOptions.EXECUTION_RUNTIME)).toBe('threads');
    expect(configuration.get(CoreOptions.BUFFER_TIMEOUT)).toBe(5);
    expect(sources.get('parallelism.default')).toBe('-D parallelism.default=9');
    expect(sources.get('execution.runtime')).toBe(`${join(dir, 'sluice-conf.yaml')}:2`);
  });
});

describe('validation at start-up', () => {
  it('a bad value in the file names the key, the file and line, and what is allowed', () => {
    const dir = confDir('# comment\nexecution.runtime: everywhere\n');
    const error = configError(() => resolveConfiguration({ confDir: dir, env: {} }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.key).toBe('execution.runtime');
    expect(error.message).toBe(
      `execution.runtime must be one of auto, local, threads, got "everywhere" (set in ${join(dir, 'sluice-conf.yaml')}:2)`,
    );
  });

  it('a bad value from the environment names the variable', () => {
    const error = configError(() => resolveConfiguration({ confDir: confDir(), env: { SLUICE_PARALLELISM_DEFAULT: 'many' } }));
    expect(error.key).toBe('parallelism.default');
    expect(error.message).toBe('parallelism.default must be a whole number, got "many" (set in environment variable SLUICE_PARALLELISM_DEFAULT)');
  });

  it('a bad value from -D names the flag', () => {
    const error = configError(() => resolveConfiguration({ confDir: confDir(), env: {}, dynamic: { 'logging.level': 'loud' } }));
    expect(error.message).toMatch(/^logging\.level must be one of trace, debug, info, warn, error, fatal, silent .*got "loud" \(set in -D logging\.level=loud\)$/);
  });

  it('only the effective value is checked: a bad file value overridden by -D is fine', () => {
    const dir = confDir('parallelism.default: zero\n');
    const conf = resolveConfiguration({ confDir: dir, env: {}, dynamic: { 'parallelism.default': '2' } }).configuration;
    expect(conf.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(2);
  });

  it('per-logger levels are checked too', () => {
    const error = configError(() => resolveConfiguration({ confDir: confDir('logging.levels.sluice.task: chatty\n'), env: {} }));
    expect(error.key).toBe('logging.levels.sluice.task');
  });
});

describe('unknown keys', () => {
  it('produce one warning each, with a suggestion for a near miss', () => {
    const dir = confDir(['parallelism.defualt: 2', 'taskmanager.numberoftaskslots: 2', 'completely.different.thing: 1', ''].join('\n'));
    const { warnings, configuration } = resolveConfiguration({
      confDir: dir,
      env: {},
      dynamic: { 'logging.level.sluice.task': 'debug', 'parallelism.defualt': '3' },
    });
    const byKey = new Map(warnings.map((w) => [w.key, w]));
    expect(warnings).toHaveLength(4);
    expect(byKey.get('parallelism.defualt')).toMatchObject({ suggestion: 'parallelism.default', source: '-D parallelism.defualt=3' });
    expect(byKey.get('parallelism.defualt')!.message).toBe(
      "unknown configuration key 'parallelism.defualt' (set in -D parallelism.defualt=3); did you mean 'parallelism.default'?",
    );
    expect(byKey.get('taskmanager.numberoftaskslots')!.suggestion).toBe('taskmanager.numberOfTaskSlots');
    expect(byKey.get('logging.level.sluice.task')!.suggestion).toBe('logging.levels.sluice.task');
    expect(byKey.get('completely.different.thing')).toMatchObject({ suggestion: undefined, source: `${join(dir, 'sluice-conf.yaml')}:3` });
    expect(byKey.get('completely.different.thing')!.message).not.toContain('did you mean');
    // Unknown keys are kept (another layer may know them) and listed by the configuration too.
    expect(configuration.unknownKeys().sort()).toEqual([...byKey.keys()].sort());
  });

  it('loadConfiguration hands each warning to onWarning, or prints it on stderr', () => {
    const dir = confDir('rest.prot: 1\n');
    const seen: ConfigWarning[] = [];
    loadConfiguration({ confDir: dir, env: {}, onWarning: (w) => seen.push(w) });
    expect(seen.map((w) => w.suggestion)).toEqual(['rest.port']);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      loadConfiguration({ confDir: dir, env: {} });
      expect(write).toHaveBeenCalledWith(expect.stringMatching(/^sluice: warning: unknown configuration key 'rest\.prot'.*did you mean 'rest\.port'\?\n$/));
    } finally {
      write.mockRestore();
    }
  });

  it('suggestions: edit distance at most 2, ignoring case; nothing for far misses', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abc', 'abxyz', 2)).toBe(2);
    expect(suggestKey('state.backnd')).toBe('state.backend');
    expect(suggestKey('STATE.BACKEND')).toBe('state.backend');
    expect(suggestKey('state.backend.incremntal')).toBe('state.backend.incremental');
    expect(suggestKey('my.own.key')).toBeUndefined();
  });
});

describe('the logging.levels.* family', () => {
  it('is known to Configuration (not an unknown key) and its values are parsed as levels', () => {
    const conf = new Configuration({ 'logging.levels.sluice.checkpoint': 'DEBUG', 'logging.levelz': 'x' });
    expect(conf.getRaw('logging.levels.sluice.checkpoint')).toBe('debug');
    expect(conf.unknownKeys()).toEqual(['logging.levelz']);
    expect(() => new Configuration({ 'logging.levels.sluice': 'loud' })).toThrow(ConfigurationError);
    // The bare prefix names no logger.
    expect(new Configuration({ 'logging.levels.': 'info' }).unknownKeys()).toEqual(['logging.levels.']);
  });
});

describe('the shipped conf/sluice-conf.yaml', () => {
  const shipped = new URL('../../../conf/', import.meta.url).pathname;

  it('loads without warnings', () => {
    const loaded = resolveConfiguration({ confDir: shipped, env: {} });
    expect(loaded.file).toBeDefined();
    expect(loaded.warnings).toEqual([]);
  });

  it('documents only keys that exist, with values that parse: uncommenting every example gives no warning', () => {
    const text = readFileSync(join(shipped, 'sluice-conf.yaml'), 'utf8')
      .replace(/^# ([a-z][\w.-]*:( .*)?)$/gm, '$1')
      .replace(/^# {3}([\w.-]+: .*)$/gm, '  $1');
    const dir = confDir(text);
    const loaded = resolveConfiguration({ confDir: dir, env: {} });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.configuration.get(CoreOptions.LOGGING_LEVEL)).toBe('info');
    expect(loaded.configuration.getRaw('logging.levels.sluice.task')).toBe('debug');
    expect(Object.keys(loaded.configuration.toMap()).length).toBeGreaterThan(20);
  });
});
