// A TaskManager process's copies of the job bundles the JobManager shipped to it, importable like the originals.

import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IllegalArgumentError } from '../../core/errors.ts';
import type { BundleFile } from '../protocol.ts';

/** The package root of sluice itself, which bundle modules import as 'sluice'. */
const SLUICE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PLAIN_NAME = /^[A-Za-z0-9._-]{1,200}$/;

function checkName(what: string, name: string): void {
  if (!PLAIN_NAME.test(name) || name === '.' || name === '..') {
    throw new IllegalArgumentError(`${what} ${JSON.stringify(name)} is not a plain name`);
  }
}

/**
 * Bundles under `<directory>/<bundle id>/`, written once (atomically: into a staging directory, then renamed) and
 * kept while the process runs; `<directory>/node_modules/sluice` links to this sluice, as the JobManager's upload
 * directory does, so a bundle's `import ... from 'sluice'` resolves.
 *
 * @example
 * const cache = new BundleCache(join(tmpdir(), `sluice-tm-${id}`));
 * await cache.store(bundleId, files);
 * const url = cache.moduleUrl(bundleId, 'job.ts');
 */
export class BundleCache {
  readonly #stored = new Map<string, Promise<void>>();

  constructor(readonly directory: string) {}

  /** Writes a bundle's files (once per id; a later call waits for the first). */
  store(bundleId: string, files: readonly BundleFile[]): Promise<void> {
    try {
      checkName('bundle id', bundleId);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    let stored = this.#stored.get(bundleId);
    if (stored === undefined) {
      stored = this.#write(bundleId, files);
      this.#stored.set(bundleId, stored);
      stored.catch(() => this.#stored.delete(bundleId));
    }
    return stored;
  }

  /** Resolves once bundle `bundleId` is written; rejects if it never was sent. */
  async ready(bundleId: string): Promise<void> {
    const stored = this.#stored.get(bundleId);
    if (stored === undefined) throw new IllegalArgumentError(`bundle ${bundleId} was not shipped to this TaskManager`);
    await stored;
  }

  moduleUrl(bundleId: string, modulePath: string): string {
    checkName('bundle id', bundleId);
    return pathToFileURL(join(this.directory, bundleId, ...segments(modulePath))).href;
  }

  /** Deletes every copy (the process stops). */
  async clear(): Promise<void> {
    this.#stored.clear();
    await rm(this.directory, { recursive: true, force: true });
  }

  async #write(bundleId: string, files: readonly BundleFile[]): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    await this.#linkSluice();
    const target = join(this.directory, bundleId);
    if (await exists(target)) return;
    const staging = join(this.directory, `.incoming-${randomBytes(6).toString('hex')}`);
    try {
      for (const file of files) {
        const path = join(staging, ...segments(file.path));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.data, { flag: 'wx' });
      }
      await mkdir(staging, { recursive: true });
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (!(await exists(target))) throw error;
    }
  }

  async #linkSluice(): Promise<void> {
    const link = join(this.directory, 'node_modules', 'sluice');
    if (await exists(link)) return;
    await mkdir(dirname(link), { recursive: true });
    try {
      await symlink(SLUICE_ROOT, link, 'dir');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** A '/'-separated relative path as checked segments: no empty, '.', '..' or absolute parts. */
function segments(path: string): string[] {
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..' || /[\\\0]/.test(part)) {
      throw new IllegalArgumentError(`bundle file path ${JSON.stringify(path)} is not a plain relative path`);
    }
  }
  return parts;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
