// Loading job modules: a module Node would load as CommonJS fails with an explanation of why and how to fix it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { JobModuleError } from '../../../src/core/errors.ts';
import { commonJsHint, loadJobFunction } from '../../../src/runtime/job-module.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function dirWith(packageJson: object | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-jobmod-'));
  dirs.push(dir);
  if (packageJson !== undefined) await writeFile(join(dir, 'package.json'), JSON.stringify(packageJson));
  return dir;
}

describe('job modules outside an ES module package', () => {
  it('explains that a .ts or .js module is CommonJS where no package.json says "type": "module"', async () => {
    const commonJs = await dirWith({ name: 'x' });
    expect(commonJsHint(pathToFileURL(join(commonJs, 'job.ts')).href)).toMatch(/package\.json does not say "type": "module".*\.mts/s);
    expect(commonJsHint(pathToFileURL(join(commonJs, 'job.js')).href)).toMatch(/\.mjs/);
    const esm = await dirWith({ type: 'module' });
    expect(commonJsHint(pathToFileURL(join(esm, 'job.ts')).href)).toBe('');
    expect(commonJsHint(pathToFileURL(join(commonJs, 'job.mts')).href)).toBe('');
  });

  it('adds the explanation to the load error of a module that fails to load', async () => {
    const dir = await dirWith({ name: 'cjs-scope' });
    const file = join(dir, 'broken.js');
    await writeFile(file, 'export default function job() {}\nthis is not javascript\n');
    const error = await loadJobFunction({ url: pathToFileURL(file).href, entry: 'default' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobModuleError);
    expect((error as Error).message).toMatch(/cannot load job module .*broken\.js.*is loaded as CommonJS/s);
  });
});
