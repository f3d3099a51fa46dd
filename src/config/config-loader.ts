// Loads the configuration a process starts with: conf/sluice-conf.yaml, then SLUICE_* environment variables, then -D.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Document, Node, YAMLMap } from 'yaml';
import { ConfigurationError } from '../core/errors.ts';
import { Configuration, type ConfigValue } from './configuration.ts';
import { ALL_OPTIONS, findOption, OPTION_FAMILIES } from './options.ts';

/** The file read from the configuration directory. */
export const CONFIG_FILE_NAME = 'sluice-conf.yaml';
/** Names the configuration directory when `confDir` is not given; default `./conf`. */
export const CONF_DIR_ENV = 'SLUICE_CONF_DIR';
/** The older spelling of `SLUICE_LOGGING_LEVEL`; sets `logging.level` when that one is not set. */
export const LEGACY_LOG_LEVEL_ENV = 'SLUICE_LOG_LEVEL';
const ENV_PREFIX = 'SLUICE_';

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
/** The yaml package, loaded when a file is read (worker threads use this module for env names only). */
function yaml(): YamlModule {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule);
}

export interface LoadConfigurationOptions {
  /** Directory holding sluice-conf.yaml; default `$SLUICE_CONF_DIR`, else `./conf`. A missing file is fine. */
  confDir?: string;
  /** `-D key=value` overrides; they win over the file and the environment. */
  dynamic?: Readonly<Record<string, string>>;
  /** Environment to read `SLUICE_*` overrides from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Receives one warning per unknown key; default: one line on stderr each. */
  onWarning?: (warning: ConfigWarning) => void;
}

/** An unknown key: where it was set and, for a near miss, the known key that was probably meant. */
export interface ConfigWarning {
  readonly key: string;
  readonly source: string;
  readonly suggestion: string | undefined;
  readonly message: string;
}

export interface LoadedConfiguration {
  readonly configuration: Configuration;
  /** The configuration file that was read, or undefined when there was none. */
  readonly file: string | undefined;
  /** Where each key's effective value came from ("conf/sluice-conf.yaml:12", "environment variable X", "-D k=v"). */
  readonly sources: ReadonlyMap<string, string>;
  readonly warnings: readonly ConfigWarning[];
}

/** A raw value and where it was set. */
export interface ConfigEntry {
  readonly value: ConfigValue;
  readonly source: string;
}

/**
 * Loads the configuration a process starts with and reports unknown keys (one warning each, through `onWarning`).
 * Precedence, lowest first: the file, environment variables, `-D` overrides. Every known key's effective value is
 * parsed here, so a bad value fails at start-up with a ConfigurationError naming the key, where it was set and
 * what is allowed.
 *
 * @example
 * const conf = loadConfiguration({ dynamic: { 'rest.port': '18081' } });
 * conf.get(RestOptions.PORT); // 18081, whatever conf/sluice-conf.yaml or SLUICE_REST_PORT say
 */
export function loadConfiguration(options: LoadConfigurationOptions = {}): Configuration {
  const loaded = resolveConfiguration(options);
  const warn = options.onWarning ?? ((w: ConfigWarning) => process.stderr.write(`sluice: warning: ${w.message}\n`));
  for (const warning of loaded.warnings) warn(warning);
  return loaded.configuration;
}

/** As `loadConfiguration`, but returns the warnings and the source of every key instead of printing anything. */
export function resolveConfiguration(options: LoadConfigurationOptions = {}): LoadedConfiguration {
  const env = options.env ?? process.env;
  const file = resolve(options.confDir ?? env[CONF_DIR_ENV] ?? 'conf', CONFIG_FILE_NAME);
  const fromFile = readConfigFile(file);
  const layers = [fromFile ?? new Map<string, ConfigEntry>(), environmentOverrides(env), dynamicOverrides(options.dynamic ?? {})];

  const effective = new Map<string, ConfigEntry>();
  for (const layer of layers) for (const [key, entry] of layer) effective.set(key, entry);

  const configuration = new Configuration();
  const sources = new Map<string, string>();
  const warnings: ConfigWarning[] = [];
  for (const [key, { value, source }] of effective) {
    const option = findOption(key);
    if (option === undefined) warnings.push(unknownKeyWarning(key, source));
    try {
      option?.parse(value);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      throw new ConfigurationError(key, `${error.message} (set in ${source})`, error.code);
    }
    configuration.setString(key, value);
    sources.set(key, source);
  }
  return { configuration, file: fromFile === undefined ? undefined : file, sources, warnings };
}

/** The environment variable that overrides a key: `rest.port` -> `SLUICE_REST_PORT`, `a.b-c` -> `SLUICE_A_B_C`. */
export function envVariableName(key: string): string {
  return ENV_PREFIX + key.toUpperCase().replace(/[.-]/g, '_');
}

/**
 * Overrides from the environment: one variable per known key (`envVariableName`), `SLUICE_LOG_LEVEL` for
 * `logging.level` when `SLUICE_LOGGING_LEVEL` is unset, and `SLUICE_LOGGING_LEVELS_<NAME>` for
 * `logging.levels.<name>` (lower-cased, `_` read as `.`). Other `SLUICE_*` variables are left alone; empty values
 * count as unset.
 */
export function environmentOverrides(env: NodeJS.ProcessEnv): Map<string, ConfigEntry> {
  const out = new Map<string, ConfigEntry>();
  const take = (key: string, variable: string): void => {
    const value = env[variable];
    if (value !== undefined && value !== '') out.set(key, { value, source: `environment variable ${variable}` });
  };
  for (const key of ALL_OPTIONS.keys()) take(key, envVariableName(key));
  if (!out.has('logging.level')) take('logging.level', LEGACY_LOG_LEVEL_ENV);
  for (const family of OPTION_FAMILIES) {
    const prefix = envVariableName(family.prefix);
    for (const variable of Object.keys(env)) {
      if (variable.startsWith(prefix) && variable.length > prefix.length) {
        take(family.prefix + variable.slice(prefix.length).toLowerCase().replace(/_/g, '.'), variable);
      }
    }
  }
  return out;
}

function dynamicOverrides(dynamic: Readonly<Record<string, string>>): Map<string, ConfigEntry> {
  const out = new Map<string, ConfigEntry>();
  for (const [key, value] of Object.entries(dynamic)) out.set(key, { value, source: `-D ${key}=${value}` });
  return out;
}

/**
 * Reads a YAML configuration file: flat Flink keys (`rest.port: 8081`) and nested maps (`rest: {port: 8081}`)
 * are both accepted and flattened with dots; lists become Flink's `;`-separated strings. Undefined when the file
 * does not exist.
 */
export function readConfigFile(path: string): Map<string, ConfigEntry> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigurationError('', `cannot read the configuration file ${path}: ${(error as Error).message}`);
  }
  const { isMap, isScalar, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    throw new ConfigurationError('', `${path} is not valid YAML: ${firstError.message}`);
  }
  const out = new Map<string, ConfigEntry>();
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return out;
  if (!isMap(root)) {
    throw new ConfigurationError('', `${path} must be a map of configuration keys to values (key: value lines)`);
  }
  const where = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    return offset === undefined ? path : `${path}:${lineCounter.linePos(offset).line}`;
  };
  const walk = (map: YAMLMap, prefix: string): void => {
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const key = prefix + name;
      const valueNode = resolveAlias(pair.value as Node | null, doc);
      if (isMap(valueNode)) {
        walk(valueNode, `${key}.`);
        continue;
      }
      const value = scalarValue(valueNode, key, where(keyNode));
      if (value === undefined) continue;
      if (out.has(key)) {
        throw new ConfigurationError(key, `${key} is set twice in ${path} (${out.get(key)!.source} and ${where(keyNode)}); keep one`);
      }
      out.set(key, { value, source: where(keyNode) });
    }
  };
  walk(root, '');
  return out;
}

function resolveAlias(node: Node | null, doc: Document): Node | null {
  return yaml().isAlias(node) ? ((node.resolve(doc) as Node | undefined) ?? null) : node;
}

/** A YAML value as a raw configuration value; undefined for an empty value (`key:` or `key: ~`), which sets nothing. */
function scalarValue(node: Node | null, key: string, source: string): ConfigValue | undefined {
  const { isScalar, isSeq } = yaml();
  if (node === null) return undefined;
  if (isSeq(node)) {
    return node.items.map((item) => String(scalarValue(item as Node | null, key, source) ?? '')).join(';');
  }
  if (isScalar(node)) {
    const value = node.value;
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    return String(value);
  }
  throw new ConfigurationError(key, `${key} in ${source} must be a plain value, a list or a map`);
}

function unknownKeyWarning(key: string, source: string): ConfigWarning {
  const suggestion = suggestKey(key);
  const message =
    `unknown configuration key '${key}' (set in ${source})` +
    (suggestion === undefined ? '' : `; did you mean '${suggestion}'?`);
  return { key, source, suggestion, message };
}

/**
 * The known key closest to `key` when it is a near miss (edit distance <= 2, ignoring case), also for the
 * prefix of a family (`logging.level.x` -> `logging.levels.x`); undefined otherwise.
 */
export function suggestKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of [...ALL_OPTIONS.keys()].sort()) {
    const d = editDistance(lower, known.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  for (const family of OPTION_FAMILIES) {
    for (let i = key.indexOf('.'); i >= 0 && i < key.length - 1; i = key.indexOf('.', i + 1)) {
      const head = lower.slice(0, i + 1);
      if (editDistance(head, family.prefix, 3) <= 2) return family.prefix + key.slice(i + 1);
    }
  }
  return undefined;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
