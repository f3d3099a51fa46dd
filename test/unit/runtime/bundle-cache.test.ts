// A TaskManager process's copies of shipped job bundles: written once, importable (with 'sluice' resolving through
// the cache's node_modules link), and refused when a name or path would leave the cache.
import { lstat, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleCache } from '../../../src/runtime/remote/bundle-cache.ts';

let dir: string;
let cache: BundleCache;
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const file = (path: string, text: string) => ({ path, data: new TextEncoder().encode(text) });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-bundle-cache-'));
  cache = new BundleCache(join(dir, 'sluice-tm-x'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('BundleCache', () => {
  it('writes a bundle once and names its module by URL, with node_modules/sluice linked to this runtime', async () => {
    const id = '0b8f2c4e-1111-4222-8333-944455556666_job.ts';
    await cache.store(id, [file('job.ts', 'export default 1;'), file('package.json', '{"type":"module"}'), file('lib/a.ts', 'x')]);
    await cache.store(id, [file('job.ts', 'ignored: already stored')]);
    await cache.ready(id);
    const url = cache.moduleUrl(id, 'job.ts');
    expect(await readFile(fileURLToPath(url), 'utf8')).toBe('export default 1;');
    expect(await readFile(join(cache.directory, id, 'lib', 'a.ts'), 'utf8')).toBe('x');
    const link = join(cache.directory, 'node_modules', 'sluice');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await realpath(link)).toBe(await realpath(REPO));
    await cache.clear();
    await expect(lstat(cache.directory)).rejects.toThrow(/ENOENT/);
  });

  it('refuses bundle ids and file paths that are not plain, and a bundle that was never shipped', async () => {
    await expect(cache.store('../evil', [])).rejects.toThrow(/bundle id "..\/evil" is not a plain name/);
    await expect(cache.store('b1', [file('../escape.ts', 'x')])).rejects.toThrow(/not a plain relative path/);
    await expect(cache.store('b2', [file('/etc/passwd', 'x')])).rejects.toThrow(/not a plain relative path/);
    await expect(cache.ready('b3')).rejects.toThrow(/bundle b3 was not shipped to this TaskManager/);
  });
});
