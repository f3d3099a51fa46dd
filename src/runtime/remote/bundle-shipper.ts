// The JobManager's side of job bundles on TaskManager processes: finds the bundle a job module lies in and reads
// its files, so they can be sent to a TaskManager that has no access to the JobManager's upload directory.

import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleFile } from '../protocol.ts';

/** A job module inside a bundle: the bundle's id (its directory's name), directory, and the module's path in it. */
export interface LocatedBundle {
  readonly id: string;
  readonly directory: string;
  /** '/'-separated, relative to `directory`. */
  readonly modulePath: string;
}

/**
 * Bundles live as `<upload dir>/<bundle id>/...` (see the cluster's `JobBundles`); a module URL inside one is
 * shipped, any other URL is passed on as it is.
 *
 * @example
 * const shipper = new BundleShipper('/tmp/sluice-jars');
 * const bundle = shipper.locate(jobModule.url);
 * if (bundle !== undefined) send({ type: 'bundle', bundleId: bundle.id, files: await shipper.files(bundle) });
 */
export class BundleShipper {
  readonly #root: string | undefined;

  constructor(uploadDirectory: string | undefined) {
    this.#root = uploadDirectory === undefined ? undefined : resolve(uploadDirectory);
  }

  locate(moduleUrl: string): LocatedBundle | undefined {
    if (this.#root === undefined || !moduleUrl.startsWith('file:')) return undefined;
    const path = resolve(fileURLToPath(moduleUrl));
    if (!path.startsWith(this.#root + sep)) return undefined;
    const [id, ...rest] = relative(this.#root, path).split(sep);
    if (id === undefined || rest.length === 0 || id.startsWith('.') || id === 'node_modules') return undefined;
    return { id, directory: join(this.#root, id), modulePath: rest.join('/') };
  }

  /** Every regular file of the bundle (links and anything else are left out). */
  async files(bundle: LocatedBundle): Promise<BundleFile[]> {
    const out: BundleFile[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
        if (entry.isDirectory()) await walk(join(dir, entry.name), path);
        else if (entry.isFile()) out.push({ path, data: await readFile(join(dir, entry.name)) });
      }
    };
    await walk(bundle.directory, '');
    return out;
  }
}
