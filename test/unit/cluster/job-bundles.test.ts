// Job bundles: upload names are never paths, modules and npm-pack tarballs are stored under generated ids, and
// tarballs with entries outside their directory or links are refused.
import { Readable } from 'node:stream';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportedEntries, JobBundles, sanitizeUploadName, UploadTooLargeError } from '../../../src/cluster/job-bundles.ts';
import { IllegalArgumentError } from '../../../src/core/errors.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-bundles-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sanitizeUploadName', () => {
  it('refuses names that are or encode paths, and other kinds of files', () => {
    for (const name of ['../x.ts', '/etc/x.ts', 'a/b.ts', 'a\\b.ts', '..%2fx.ts', '%2e%2e%2fx.ts', '%252e%252e%252fx.ts', 'x\0.ts', '.x.ts', '', 'x.exe', 'x.jar']) {
      expect(() => sanitizeUploadName(name), name).toThrow(IllegalArgumentError);
    }
  });

  it('keeps plain names and replaces unusual characters', () => {
    expect(sanitizeUploadName('word-count.ts')).toBe('word-count.ts');
    expect(sanitizeUploadName('my job (1).mjs')).toBe('my_job__1_.mjs');
    expect(sanitizeUploadName('pkg-1.0.0.tgz')).toBe('pkg-1.0.0.tgz');
    expect(sanitizeUploadName('pkg.tar.gz')).toBe('pkg.tar.gz');
  });
});

describe('JobBundles', () => {
  it('stores a module under <uuid>_<name> with its entries, finds it after a restart and deletes it', async () => {
    const bundles = await JobBundles.open(join(dir, 'jars'), 1024);
    const source = 'export default async function job(env) {}\nexport async function other(env) {}\nexport const third = (env) => {};\n';
    const bundle = await bundles.store('job.ts', Readable.from([Buffer.from(source)]));
    expect(bundle.id).toMatch(/^[0-9a-f-]{36}_job\.ts$/);
    expect(bundle.entries).toEqual(['default', 'other', 'third']);
    expect(await readFile(fileURLToPath(bundle.moduleUrl), 'utf8')).toBe(source);
    // 'sluice' resolves from uploaded modules.
    expect((await readdir(join(dir, 'jars', 'node_modules'))).includes('sluice')).toBe(true);
    const reopened = await JobBundles.open(join(dir, 'jars'), 1024);
    expect(reopened.get(bundle.id)).toEqual(bundle);
    expect(await reopened.delete(bundle.id)).toBe(true);
    expect(await reopened.delete(bundle.id)).toBe(false);
    expect(reopened.list()).toEqual([]);
  });

  it('refuses an upload over the limit and leaves nothing behind', async () => {
    const bundles = await JobBundles.open(join(dir, 'jars'), 10);
    await expect(bundles.store('job.ts', Readable.from([Buffer.alloc(11)]))).rejects.toBeInstanceOf(UploadTooLargeError);
    await expect(bundles.store('job.ts', Readable.from([Buffer.alloc(5)]), () => true)).rejects.toBeInstanceOf(UploadTooLargeError);
    expect((await readdir(join(dir, 'jars'))).filter((n) => n !== 'node_modules')).toEqual([]);
  });

  it('extracts an npm-pack tarball and finds its module through exports, else main', async () => {
    const pkg = join(dir, 'src', 'package');
    await mkdir(join(pkg, 'lib'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'p', exports: { '.': { import: './lib/job.js' } } }));
    await writeFile(join(pkg, 'lib', 'job.js'), 'export default function job() {}');
    const file = join(dir, 'p.tgz');
    await tar.c({ gzip: true, file, cwd: join(dir, 'src') }, ['package']);
    const bundles = await JobBundles.open(join(dir, 'jars'), 1 << 20);
    const bundle = await bundles.store('p.tgz', Readable.from([await readFile(file)]));
    expect(bundle.moduleUrl).toMatch(/package\/lib\/job\.js$/);
    expect(bundle.entries).toEqual(['default']);
  });

  it('refuses tarballs with entries outside the bundle, links, or no package.json', async () => {
    const bundles = await JobBundles.open(join(dir, 'jars'), 1 << 20);
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await writeFile(join(dir, 'a', 'x.js'), 'x');
    const escaping = join(dir, 'escaping.tgz');
    await tar.c({ gzip: true, file: escaping, cwd: join(dir, 'a', 'b'), preservePaths: true }, ['../x.js']);
    await expect(bundles.store('e.tgz', Readable.from([await readFile(escaping)]))).rejects.toThrow(/outside the bundle/);

    await mkdir(join(dir, 'l', 'package'), { recursive: true });
    await symlink('/etc/passwd', join(dir, 'l', 'package', 'link.js'));
    const linked = join(dir, 'linked.tgz');
    await tar.c({ gzip: true, file: linked, cwd: join(dir, 'l') }, ['package']);
    await expect(bundles.store('l.tgz', Readable.from([await readFile(linked)]))).rejects.toThrow(/SymbolicLink/);

    await mkdir(join(dir, 'n', 'package'), { recursive: true });
    await writeFile(join(dir, 'n', 'package', 'index.js'), 'x');
    const noManifest = join(dir, 'none.tgz');
    await tar.c({ gzip: true, file: noManifest, cwd: join(dir, 'n') }, ['package']);
    await expect(bundles.store('n.tgz', Readable.from([await readFile(noManifest)]))).rejects.toThrow(/package\.json/);

    await expect(bundles.store('bad.tgz', Readable.from([Buffer.from('not gzip')]))).rejects.toThrow();
    expect(bundles.list()).toEqual([]);
    expect((await readdir(join(dir, 'jars'))).filter((n) => n !== 'node_modules')).toEqual([]);
  });

  it('reads entries without running the module', async () => {
    const file = join(dir, 'm.ts');
    await writeFile(file, "throw new Error('never run');\nexport { job as default };\nexport function helper() {}\n");
    expect(await exportedEntries(file)).toEqual(['default', 'helper']);
  });
});
