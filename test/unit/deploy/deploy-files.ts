// Reading the files under deploy/ for the deploy tests: YAML documents, Dockerfile instructions, .dockerignore
// matching, the configuration a container starts with, and CLI invocations parsed by the real `sluice` command tree.

import { Command, CommanderError } from 'commander';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { parseDefines } from '../../../src/cli/cli-configuration.ts';
import type { CliIo } from '../../../src/cli/cli-context.ts';
import { createProgram } from '../../../src/cli/main.ts';
import { CheckpointingOptions } from '../../../src/config/checkpointing-options.ts';
import {
  CONF_DIR_ENV,
  CONFIG_FILE_NAME,
  envVariableName,
  LEGACY_LOG_LEVEL_ENV,
  resolveConfiguration,
  type LoadedConfiguration,
} from '../../../src/config/config-loader.ts';
import type { Configuration } from '../../../src/config/configuration.ts';
import { ALL_OPTIONS, CoreOptions, OPTION_FAMILIES } from '../../../src/config/options.ts';
import { RestOptions } from '../../../src/config/rest-options.ts';

/** The repository root (the Docker build context). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}

/** Plain YAML data, as `yaml`'s `toJS()` gives it. */
export type Yaml = { [key: string]: unknown };

export function isMap(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The map at `value`, or an error naming `what` (so a wrong shape fails with a readable message). */
export function map(value: unknown, what: string): Yaml {
  if (!isMap(value)) throw new Error(`${what} must be a map, got ${JSON.stringify(value)}`);
  return value;
}

/** The list at `value` (empty when absent), or an error naming `what`. */
export function list(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${what} must be a list, got ${JSON.stringify(value)}`);
  return value;
}

/** Every document of a YAML file (multi-document files too); a syntax error or warning fails. */
export function yamlDocuments(path: string): Yaml[] {
  return parseAllDocuments(readRepoFile(path), { uniqueKeys: true, prettyErrors: true }).map((doc, i) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`${path} document ${i + 1}: ${problems.map((p) => p.message).join('; ')}`);
    return map(doc.toJS(), `${path} document ${i + 1}`);
  });
}

/** One Dockerfile instruction with its continuation lines joined. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
  /** 0 for the first FROM's stage, 1 for the next, ... */
  readonly stage: number;
}

/** The instructions of a Dockerfile: comments and blank lines dropped, `\` continuations joined. */
export function dockerfileInstructions(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split('\n');
  let stage = -1;
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i + 1;
    let joined = first;
    while (joined.endsWith('\\') && i + 1 < lines.length) {
      joined = joined.slice(0, -1);
      const next = lines[++i]!.trim();
      if (!next.startsWith('#')) joined += ' ' + next;
    }
    const match = /^(\S+)\s*(.*)$/s.exec(joined)!;
    const keyword = match[1]!.toUpperCase();
    if (keyword === 'FROM') stage++;
    out.push({ keyword, args: match[2]!.replace(/\s+/g, ' ').trim(), line: start, stage });
  }
  return out;
}

/** The instructions of the last stage: what the image is made of. */
export function finalStage(instructions: readonly DockerInstruction[]): DockerInstruction[] {
  const last = Math.max(...instructions.map((i) => i.stage));
  return instructions.filter((i) => i.stage === last);
}

/** The environment the image sets (`ENV k=v k2="v 2"` and `ENV k v`). */
export function imageEnv(stage: readonly DockerInstruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.filter((i) => i.keyword === 'ENV')) {
    if (!/^\S+=/.test(args)) {
      const [key, ...value] = args.split(' ');
      env[key!] = value.join(' ');
      continue;
    }
    for (const pair of args.match(/\S+=("[^"]*"|\S*)/g) ?? []) {
      const eq = pair.indexOf('=');
      env[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** The final stage of deploy/Dockerfile. */
export function image(): DockerInstruction[] {
  return finalStage(dockerfileInstructions(readRepoFile('deploy/Dockerfile')));
}

/**
 * How the image lets job modules under /opt import 'sluice' as ES modules: the `ln -s <runtime> <link>` and the
 * `printf '<json>' > /opt/package.json` of its RUN instructions.
 */
export function jobModuleLayout(stage: readonly DockerInstruction[]): { runtime: string; link: string; packageJson: string } {
  const run = stage.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ');
  const link = /ln -s (\S+) (\S+)/.exec(run);
  const packageJson = /printf '([^']+)' > \/opt\/package\.json/.exec(run);
  if (link === null || packageJson === null) throw new Error('the image neither links the runtime nor writes /opt/package.json');
  return { runtime: link[1]!, link: link[2]!, packageJson: packageJson[1]!.replace(/\\n$/, '\n') };
}

/** The exec form (`["a", "b"]`) of an instruction's arguments; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`not an exec-form list of strings: ${args}`);
  }
  return parsed;
}

/**
 * Whether a path of the build context is left out by a .dockerignore: patterns as Docker matches them (`*` and `?`
 * within a path segment, `**` across segments, a match on a parent directory excludes what is inside), `!` for
 * exceptions, the last matching pattern deciding.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const exception = l.startsWith('!');
      const pattern = (exception ? l.slice(1) : l).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      const regex = pattern
        .split('/')
        .map((segment) =>
          segment === '**'
            ? '.*'
            : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { exception, regex: new RegExp(`^${regex}$`) };
    });
  return (path) => {
    const parts = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.regex.test(p))) excluded = !rule.exception;
    return excluded;
  };
}

/** `-D key=value` pairs of a command line (`-D k=v` and `-Dk=v`). */
export function definesOf(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-D' && i + 1 < args.length) out.push(args[++i]!);
    else if (args[i]!.startsWith('-D') && args[i]!.length > 2) out.push(args[i]!.slice(2));
  }
  return out;
}

/**
 * The configuration a container starts with, loaded as the CLI loads it: its sluice-conf.yaml, its environment and
 * the `-D` pairs of its command line. Warnings (unknown keys) are returned, not printed.
 */
export function containerConfiguration(confYaml: string, env: Readonly<Record<string, string>>, args: readonly string[]): LoadedConfiguration {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-deploy-conf-'));
  try {
    writeFileSync(join(dir, CONFIG_FILE_NAME), confYaml);
    return resolveConfiguration({ confDir: dir, env: { ...env }, dynamic: parseDefines(definesOf(args)) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A file-system path from a configured directory (`file:///x` or `/x`). */
export function localPath(dir: string): string {
  return dir.startsWith('file://') ? fileURLToPath(dir) : dir;
}

const silentIo: CliIo = { out: () => {}, err: () => {} };

/** A command line parsed by the real `sluice` command tree, without running it. */
export interface ParsedInvocation {
  /** `run`, `cluster start`, ... */
  readonly command: string;
  readonly operands: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * Parses `args` (what follows `sluice`) with the CLI's own commander program, as far as it goes without running an
 * action: the command must exist, every option must be one it declares (with a valid value) and the required
 * arguments must be there. Throws an Error saying what is wrong otherwise.
 */
export function parseInvocation(args: readonly string[]): ParsedInvocation {
  const where = `sluice ${args.join(' ')}`;
  let command: Command = createProgram(silentIo);
  const names: string[] = [];
  let rest = [...args];
  while (command.commands.length > 0) {
    const name = rest[0];
    const sub = command.commands.find((c) => c.name() === name || c.aliases().includes(name ?? ''));
    if (sub === undefined) {
      const known = command.commands.map((c) => c.name()).join(', ');
      throw new Error(`${where}: '${name ?? ''}' is not a command of '${command.name()}' (known: ${known})`);
    }
    names.push(sub.name());
    command = sub;
    rest = rest.slice(1);
  }
  let parsed: { operands: string[]; unknown: string[] };
  try {
    parsed = command.parseOptions(rest);
  } catch (error) {
    if (error instanceof CommanderError) throw new Error(`${where}: ${error.message}`);
    throw error;
  }
  if (parsed.unknown.length > 0) throw new Error(`${where}: unknown option(s) ${parsed.unknown.join(' ')}`);
  const required = command.registeredArguments.filter((a) => a.required).map((a) => a.name());
  if (parsed.operands.length < required.length) {
    throw new Error(`${where}: missing argument(s) ${required.slice(parsed.operands.length).join(', ')}`);
  }
  return { command: names.join(' '), operands: parsed.operands, options: command.opts() };
}

/** The configuration key a `SLUICE_*` environment variable sets, or undefined when it sets none. */
export function keyOfVariable(variable: string): string | undefined {
  for (const key of ALL_OPTIONS.keys()) if (envVariableName(key) === variable) return key;
  if (variable === LEGACY_LOG_LEVEL_ENV) return 'logging.level';
  for (const family of OPTION_FAMILIES) {
    const prefix = envVariableName(family.prefix);
    if (variable.startsWith(prefix) && variable.length > prefix.length) return family.prefix + variable.slice(prefix.length).toLowerCase();
  }
  return undefined;
}

/** `SLUICE_*` variables a deployment may set that are not configuration keys. */
export const NON_KEY_VARIABLES: ReadonlySet<string> = new Set([CONF_DIR_ENV]);

/** Inside a container, os.tmpdir() is /tmp (the images set no TMPDIR). */
const CONTAINER_TMP = '/tmp';

/**
 * The directories a sluice process writes in a container with this configuration: checkpoints and savepoints,
 * (for the JobManager) uploaded job bundles and its log directory, (for a TaskManager process) its log directory,
 * and /tmp, where tsx caches compiled sources and a TaskManager keeps the job bundles shipped to it.
 */
export function writtenDirectories(configuration: Configuration, role: 'jobmanager' | 'taskmanager' | 'embedded'): string[] {
  const raw = (key: string, fallback: string): string => {
    const value = configuration.getRaw(key);
    return typeof value === 'string' && value !== '' ? value : fallback;
  };
  const dirs = [CONTAINER_TMP];
  for (const dir of [configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY), configuration.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)]) {
    if (dir !== '') dirs.push(localPath(dir));
  }
  if (role !== 'embedded') dirs.push(raw(CoreOptions.LOG_DIR.key, `${CONTAINER_TMP}/sluice-logs`));
  if (role === 'jobmanager') dirs.push(raw(RestOptions.UPLOAD_DIR.key, `${CONTAINER_TMP}/sluice-jars`));
  return dirs;
}

/** A place in the container's file system with its own storage. */
export interface Mount {
  readonly path: string;
  readonly writable: boolean;
}

/** The mount `path` lies on (the deepest one containing it), or undefined when it is on the root file system. */
export function mountOf(path: string, mounts: readonly Mount[]): Mount | undefined {
  return mounts
    .filter((m) => path === m.path || path.startsWith(m.path.endsWith('/') ? m.path : `${m.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
