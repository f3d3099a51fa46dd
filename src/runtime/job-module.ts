// Job modules: load the job function a module exports, run it on the client, or replay it in a worker thread.

import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { runWithContextEnvironment } from '../api/context-environment.ts';
import { StreamExecutionEnvironment } from '../api/environment.ts';
import type { JobModuleRef, Pipeline, PipelineExecutor } from '../api/executor.ts';
import type { Configuration, ConfigValue } from '../config/configuration.ts';
import { JobModuleError } from '../core/errors.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';

/** A job: `(env, args) => ...`, the default export of a job module or a named one chosen with `-c`. */
export type JobFunction = (env: StreamExecutionEnvironment, args: string[]) => unknown;

/** A file path or URL as the file URL workers import. */
export function toModuleUrl(pathOrUrl: string): string {
  if (/^(file|data|node):/.test(pathOrUrl)) return pathOrUrl;
  return pathToFileURL(isAbsolute(pathOrUrl) ? pathOrUrl : resolve(pathOrUrl)).href;
}

export async function loadJobFunction(ref: Pick<JobModuleRef, 'url' | 'entry'>): Promise<JobFunction> {
  let module: Record<string, unknown>;
  try {
    module = (await import(ref.url)) as Record<string, unknown>;
  } catch (error) {
    const hint = commonJsHint(ref.url);
    throw new JobModuleError('JOB_MODULE_INVALID', `cannot load job module ${ref.url}: ${(error as Error).message}${hint}`, {
      cause: error,
    });
  }
  const fn = module[ref.entry];
  if (typeof fn !== 'function') {
    const exported = Object.keys(module).filter((k) => typeof module[k] === 'function');
    throw new JobModuleError(
      'JOB_MODULE_INVALID',
      `job module ${ref.url} has no function export '${ref.entry}'` +
        (exported.length > 0 ? `; its function exports are: ${exported.join(', ')} (choose one with -c)` : '') +
        `. A job module exports (env, args) => { ... } as default or by name.`,
    );
  }
  return fn as JobFunction;
}

export interface RunJobModuleOptions {
  /** The export to run; `default` unless given (Flink's entry class, `-c`). */
  entry?: string;
  args?: readonly string[];
  configuration?: Configuration | Readonly<Record<string, ConfigValue>>;
  executor?: PipelineExecutor;
}

/**
 * Runs a job module on the client: imports it and calls its job function with an environment that knows the
 * module, so the job may run in worker threads. Resolves with what the job function returns.
 *
 * @example
 * await runJobModule(new URL('./jobs/word-count.ts', import.meta.url).href, { args: ['--input', 'in.txt'] });
 */
export async function runJobModule(pathOrUrl: string, options: RunJobModuleOptions = {}): Promise<unknown> {
  const ref: JobModuleRef = { url: toModuleUrl(pathOrUrl), entry: options.entry ?? 'default', args: [...(options.args ?? [])] };
  const fn = await loadJobFunction(ref);
  const env = new StreamExecutionEnvironment({
    ...(options.configuration !== undefined ? { configuration: options.configuration } : {}),
    ...(options.executor !== undefined ? { executor: options.executor } : {}),
    jobModule: ref,
  });
  return runWithContextEnvironment(env, () => fn(env, [...ref.args]));
}

/**
 * Rebuilds a job's stream graph in this thread by running its module against an environment whose execute
 * captures the graph instead of running it. The job function's promise never settles after execute, so code
 * after `execute()` (printing results, say) runs only on the client.
 */
export async function replayJobModule(
  ref: JobModuleRef,
  configuration: Readonly<Record<string, ConfigValue>>,
): Promise<StreamGraph> {
  const fn = await loadJobFunction(ref);
  let capture!: (pipeline: Pipeline) => void;
  const captured = new Promise<Pipeline>((resolve) => (capture = resolve));
  const executor: PipelineExecutor = {
    submit(pipeline) {
      capture(pipeline);
      return new Promise(() => {});
    },
  };
  const env = new StreamExecutionEnvironment({ configuration, executor, jobModule: ref });
  const returned = Promise.resolve(runWithContextEnvironment(env, () => fn(env, [...ref.args]))).then(() => {
    throw new JobModuleError(
      'JOB_MODULE_INVALID',
      `the job function '${ref.entry}' of ${ref.url} returned without calling execute(); a job module must build ` +
        `and execute its job each time it is called`,
    );
  });
  const pipeline = await Promise.race([captured, returned]);
  return pipeline.streamGraph;
}

/**
 * Why a job module may have failed to load: a `.ts`/`.js` file that no `package.json` with `"type": "module"`
 * covers is loaded as CommonJS, and its `import` of sluice then fails with Node's cryptic require(esm) errors.
 * Returns the explanation (with a leading blank line), or '' when that is not the case.
 */
export function commonJsHint(url: string): string {
  if (!url.startsWith('file:')) return '';
  const file = fileURLToPath(url);
  if (!['.ts', '.tsx', '.js', '.jsx'].includes(extname(file))) return '';
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    let type: unknown;
    try {
      type = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type;
    } catch {
      if (dirname(dir) === dir) break;
      continue;
    }
    if (type === 'module') return '';
    return (
      `\n${file} is loaded as CommonJS: ${join(dir, 'package.json')} does not say "type": "module". Job modules are ` +
      `ES modules: add "type": "module" there, or name the file ${extname(file) === '.ts' ? '.mts' : '.mjs'}.`
    );
  }
  return (
    `\n${file} is loaded as CommonJS: no package.json with "type": "module" is in its directory or above. Job ` +
    `modules are ES modules: put a package.json with {"type": "module"} beside it, or name the file ` +
    `${extname(file) === '.ts' ? '.mts' : '.mjs'}.`
  );
}
