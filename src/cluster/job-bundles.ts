// Job bundles (Flink's "jars"): job modules or npm-pack tarballs uploaded to the cluster, stored under generated ids.

import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tar from 'tar';
import { IllegalArgumentError } from '../core/errors.ts';

/** A stored bundle: its id (`<uuid>_<name>`), the name it was uploaded as, and the module that holds the job. */
export interface JobBundle {
  readonly id: string;
  readonly name: string;
  /** Upload time, ms since the epoch. */
  readonly uploaded: number;
  /** The job module's file URL. */
  readonly moduleUrl: string;
  /** Exported functions that look like job entries (`default` first), found by reading the module's text. */
  readonly entries: readonly string[];
}

/** An upload larger than `rest.upload.max-bytes`. */
export class UploadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the upload exceeds the limit of ${limit} bytes (rest.upload.max-bytes)`);
    this.name = 'UploadTooLargeError';
  }
}

const MODULE_EXTENSIONS = ['.js', '.mjs', '.ts', '.mts'] as const;
const TARBALL_EXTENSIONS = ['.tgz', '.tar.gz'] as const;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_[A-Za-z0-9._-]{1,100}$/;
const META_FILE = 'bundle.json';
const MAX_ENTRIES = 10_000;
/** The package root of sluice itself, which uploaded modules import as 'sluice'. */
const SLUICE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The upload name as a plain file name, or an IllegalArgumentError: names are never used as paths, so anything
 * that is or encodes a path (separators, `..`, percent-encoded or double-encoded forms, NUL) is refused, and the
 * rest is reduced to `[A-Za-z0-9._-]`.
 */
export function sanitizeUploadName(name: string): string {
  if (
    name.length === 0 ||
    name.length > 255 ||
    /[/\\\0]/.test(name) ||
    name.includes('..') ||
    /%(2e|2f|5c|25|00)/i.test(name) ||
    name.startsWith('.')
  ) {
    throw new IllegalArgumentError(
      `upload name ${JSON.stringify(name)} is not a plain file name: give the bundle a name without path ` +
        `separators or '..' (e.g. job.ts or job-1.0.0.tgz)`,
    );
  }
  const lower = name.toLowerCase();
  if (![...MODULE_EXTENSIONS, ...TARBALL_EXTENSIONS].some((ext) => lower.endsWith(ext))) {
    throw new IllegalArgumentError(
      `upload ${JSON.stringify(name)} is neither a job module (.js, .mjs, .ts, .mts) nor an npm-pack tarball (.tgz)`,
    );
  }
  const clean = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return clean.length <= 100 ? clean : clean.slice(clean.length - 100);
}

/**
 * The bundles of a cluster, stored as `<dir>/<uuid>_<name>/` (the module, or the extracted package, plus
 * `bundle.json`). Ids are generated and looked up in the store's own listing, never joined from a request.
 * `<dir>/node_modules/sluice` links to this sluice, so uploaded modules `import ... from 'sluice'`.
 *
 * @example
 * const bundles = await JobBundles.open('/tmp/sluice-jars', 50 * 1024 * 1024);
 * const bundle = await bundles.store('word-count.ts', fileStream);
 * await runJobModule(bundle.moduleUrl, { entry: 'default' });
 */
export class JobBundles {
  readonly #bundles = new Map<string, JobBundle>();

  private constructor(
    readonly directory: string,
    readonly maxBytes: number,
  ) {}

  /** Opens (creating it if needed) the upload directory and lists the bundles already in it. */
  static async open(directory: string, maxBytes: number): Promise<JobBundles> {
    const store = new JobBundles(resolve(directory), maxBytes);
    await mkdir(store.directory, { recursive: true });
    await store.#linkSluice();
    for (const name of await readdir(store.directory)) {
      if (!ID.test(name)) continue;
      try {
        const meta = JSON.parse(await readFile(join(store.directory, name, META_FILE), 'utf8')) as JobBundle;
        if (meta.id === name) store.#bundles.set(name, meta);
      } catch {
        // Not a complete bundle (an interrupted upload): ignore it.
      }
    }
    return store;
  }

  list(): JobBundle[] {
    return [...this.#bundles.values()].sort((a, b) => b.uploaded - a.uploaded);
  }

  get(id: string): JobBundle | undefined {
    return this.#bundles.get(id);
  }

  /**
   * Stores an upload named `name` read from `content`. Refuses bad names, uploads over the size limit
   * (UploadTooLargeError; `truncated()` says whether the reader stopped at the limit), tarballs with entries
   * outside their directory, links or devices, and packages whose module is missing.
   */
  async store(name: string, content: Readable, truncated: () => boolean = () => false, now = Date.now()): Promise<JobBundle> {
    const clean = sanitizeUploadName(name);
    const id = `${randomUUID()}_${clean}`;
    const staging = join(this.directory, `.upload-${randomUUID()}`);
    const target = join(this.directory, id);
    await mkdir(staging);
    try {
      const isTarball = TARBALL_EXTENSIONS.some((ext) => clean.toLowerCase().endsWith(ext));
      const file = join(staging, isTarball ? '.bundle.tgz' : clean);
      let bytes = 0;
      content.on('data', (chunk: Buffer) => (bytes += chunk.length));
      await pipeline(content, createWriteStream(file, { flags: 'wx' }));
      if (truncated() || bytes > this.maxBytes) throw new UploadTooLargeError(this.maxBytes);
      let modulePath: string;
      if (isTarball) {
        await this.#extract(file, staging);
        await rm(file);
        modulePath = await packageModule(staging);
      } else {
        modulePath = file;
        // A lone module is ESM (as sluice job modules are), whatever its extension and wherever it is stored.
        await writeFile(join(staging, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      }
      const relativeModule = relative(staging, modulePath);
      await rename(staging, target);
      const finalModule = join(target, relativeModule);
      const bundle: JobBundle = {
        id,
        name: clean,
        uploaded: now,
        moduleUrl: pathToFileURL(finalModule).href,
        entries: await exportedEntries(finalModule),
      };
      await writeFile(join(target, META_FILE), JSON.stringify(bundle));
      this.#bundles.set(id, bundle);
      return bundle;
    } catch (error) {
      content.resume();
      await rm(staging, { recursive: true, force: true });
      await rm(target, { recursive: true, force: true });
      throw error;
    }
  }

  /** Deletes a bundle; false when there is none with this id. */
  async delete(id: string): Promise<boolean> {
    const bundle = this.#bundles.get(id);
    if (bundle === undefined) return false;
    this.#bundles.delete(id);
    await rm(join(this.directory, bundle.id), { recursive: true, force: true });
    return true;
  }

  /** Extracts an npm-pack tarball after checking every entry: plain files and directories inside `into` only. */
  async #extract(file: string, into: string): Promise<void> {
    const problems: string[] = [];
    let entries = 0;
    let size = 0;
    await tar.t({
      file,
      onReadEntry: (entry) => {
        entries++;
        size += entry.size ?? 0;
        const path = entry.path;
        const inside = resolve(into, path);
        if (
          path.startsWith('/') ||
          /^[A-Za-z]:/.test(path) ||
          path.split(/[/\\]/).includes('..') ||
          (inside !== into && !inside.startsWith(into + sep))
        ) {
          problems.push(`entry '${path}' points outside the bundle`);
        } else if (entry.type !== 'File' && entry.type !== 'Directory' && entry.type !== 'OldFile') {
          problems.push(`entry '${path}' is a ${entry.type}, only files and directories are allowed`);
        }
        entry.resume();
      },
    });
    if (entries === 0) problems.push('the tarball is empty or not a gzip tarball');
    if (entries > MAX_ENTRIES) problems.push(`it has ${entries} entries, more than ${MAX_ENTRIES}`);
    if (size > this.maxBytes * 8) problems.push(`it unpacks to ${size} bytes, more than ${this.maxBytes * 8}`);
    if (problems.length > 0) {
      throw new IllegalArgumentError(`refusing the uploaded tarball: ${problems.slice(0, 5).join('; ')}`);
    }
    await tar.x({ file, cwd: into, strict: true, preservePaths: false, noChmod: true, preserveOwner: false });
  }

  /** `<dir>/node_modules/sluice` -> this package, unless something is there already. */
  async #linkSluice(): Promise<void> {
    const modules = join(this.directory, 'node_modules');
    const link = join(modules, 'sluice');
    try {
      await lstat(link);
      return;
    } catch {
      // missing: create it
    }
    await mkdir(modules, { recursive: true });
    try {
      await symlink(SLUICE_ROOT, link, 'dir');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** The job module of an extracted npm package: `exports` ('.' / import / default), else `main`, else index.js. */
async function packageModule(extracted: string): Promise<string> {
  let root = extracted;
  try {
    if ((await lstat(join(extracted, 'package'))).isDirectory()) root = join(extracted, 'package');
  } catch {
    // not in npm-pack layout: the package is at the top
  }
  let manifest: { main?: unknown; exports?: unknown };
  try {
    manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as typeof manifest;
  } catch (error) {
    throw new IllegalArgumentError(
      `the uploaded tarball has no readable package.json (${(error as Error).message}); upload the output of \`npm pack\``,
    );
  }
  const entry = exportTarget(manifest.exports) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
  const module = resolve(root, entry);
  if (!module.startsWith(root + sep)) {
    throw new IllegalArgumentError(`package.json names the job module ${JSON.stringify(entry)}, which is outside the package`);
  }
  try {
    if (!(await lstat(module)).isFile()) throw new Error('not a file');
  } catch {
    throw new IllegalArgumentError(
      `package.json names the job module ${JSON.stringify(entry)}, but the tarball has no such file; set "main" or ` +
        `"exports" to the module that exports the job function`,
    );
  }
  return module;
}

function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (exports === null || typeof exports !== 'object') return undefined;
  const record = exports as Record<string, unknown>;
  if ('.' in record) return exportTarget(record['.']);
  for (const condition of ['import', 'node', 'default']) {
    const target = exportTarget(record[condition]);
    if (target !== undefined) return target;
  }
  return undefined;
}

/** Names of exported functions, read from the module's text (nothing of the module runs): `default` first. */
export async function exportedEntries(modulePath: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(modulePath, 'utf8');
  } catch {
    return [];
  }
  const names = new Set<string>();
  if (/\bexport\s+default\b/.test(text) || /\bexport\s*\{[^}]*\bas\s+default\b/.test(text)) names.add('default');
  for (const m of text.matchAll(/\bexport\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  for (const m of text.matchAll(/\bexport\s+(?:const|let)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\(|function|[A-Za-z_$][\w$]*\s*=>)/g)) {
    names.add(m[1]!);
  }
  return [...names];
}
