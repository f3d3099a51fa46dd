// deploy/Dockerfile and /.dockerignore: Node 20 base, production install, non-root user, exposed ports, health
// check, the CLI as entrypoint with `jobmanager -D rest.address=0.0.0.0`, and a build context that holds every copy.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointingOptions } from '../../../src/config/checkpointing-options.ts';
import { MetricOptions } from '../../../src/config/metric-options.ts';
import { CoreOptions } from '../../../src/config/options.ts';
import { RestOptions } from '../../../src/config/rest-options.ts';
import {
  containerConfiguration,
  dockerfileInstructions,
  dockerignoreMatcher,
  execForm,
  finalStage,
  imageEnv,
  jobModuleLayout,
  localPath,
  parseInvocation,
  readRepoFile,
  REPO,
  type DockerInstruction,
} from './deploy-files.ts';

const instructions = dockerfileInstructions(readRepoFile('deploy/Dockerfile'));
const final = finalStage(instructions);
const excluded = dockerignoreMatcher(readRepoFile('.dockerignore'));

function only(keyword: string, within: readonly DockerInstruction[] = final): DockerInstruction {
  const found = within.filter((i) => i.keyword === keyword);
  expect(found, `exactly one ${keyword} in the final stage`).toHaveLength(1);
  return found[0]!;
}

/** COPY instructions of the final stage from the build context: sources and the destination inside the image. */
function contextCopies(): { sources: string[]; destination: string }[] {
  return final
    .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
    .map((i) => {
      const parts = i.args.split(' ').filter((p) => !p.startsWith('--'));
      return { sources: parts.slice(0, -1), destination: parts.at(-1)! };
    });
}

const workdir = only('WORKDIR').args;
const inImage = (destination: string, source: string): string => {
  const dest = posix.resolve(workdir, destination);
  return destination.endsWith('/') ? posix.join(dest, posix.basename(source)) : dest;
};

/** The build-context file that ends up at `imagePath` (copied itself or inside a copied directory), if any. */
function contextFileAt(imagePath: string): string | undefined {
  let found: string | undefined;
  for (const { sources, destination } of contextCopies()) {
    for (const source of sources) {
      const target = inImage(destination, source);
      if (imagePath === target) found = source;
      else if (imagePath.startsWith(`${target}/`)) found = posix.join(source, imagePath.slice(target.length + 1));
    }
  }
  return found;
}

describe('deploy/Dockerfile', () => {
  it('builds in stages on node:20-slim and installs production dependencies only in a separate stage', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from.args).toMatch(/^node:20(-slim)?(\s|$)/);
    expect(froms[0]!.args).toMatch(/ AS \w+$/i);
    const install = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args).join(' ');
    expect(install).toContain('npm ci --omit=dev');
    const deps = /AS (\w+)$/i.exec(froms[0]!.args)![1]!;
    expect(final.some((i) => i.keyword === 'COPY' && i.args.startsWith(`--from=${deps} `) && i.args.includes('node_modules'))).toBe(true);
  });

  it('installs every package the runtime imports, because the image omits devDependencies', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { name: string; dependencies: Record<string, string> };
    const files = (readdirSync(join(REPO, 'src'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `src/${f}`)
      .concat('bin/sluice.mjs');
    const missing = new Set<string>();
    const importPattern = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|\)\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g;
    for (const file of files) {
      for (const match of readRepoFile(file).matchAll(importPattern)) {
        if (match[1] !== undefined) continue; // import type: erased
        const specifier = match[2] ?? match[3] ?? match[4]!;
        if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/')) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (name !== pkg.name && pkg.dependencies[name] === undefined) missing.add(`${name} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
    expect(pkg.dependencies['tsx'], 'tsx loads the TypeScript sources at run time').toBeDefined();
  });

  it('runs as a fixed non-root uid', () => {
    const [uid, gid] = only('USER').args.split(':');
    expect(uid).toMatch(/^\d+$/); // numeric, so Kubernetes' runAsNonRoot can check it
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
    const userAt = final.indexOf(only('USER'));
    expect(final.slice(userAt + 1).filter((i) => i.keyword === 'USER')).toEqual([]);
    const created = final.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ');
    expect(created).toContain(`--uid ${uid}`);
  });

  it('exposes the REST port 8081 and the Prometheus port 9249', () => {
    const ports = final.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(' '));
    expect(ports).toEqual(expect.arrayContaining(['8081', '9249']));
  });

  it('runs the sluice CLI under an init as entrypoint, with `jobmanager -D rest.address=0.0.0.0` by default', () => {
    const entrypoint = execForm(only('ENTRYPOINT').args)!;
    const cmd = execForm(only('CMD').args);
    expect(entrypoint).toBeDefined();
    // PID 1 forwards SIGTERM: node itself as PID 1 would ignore it where sluice installs no handler.
    expect(entrypoint[0]).toMatch(/\/tini$/);
    expect(final.some((i) => i.keyword === 'RUN' && /apt-get install .*\btini\b/.test(i.args))).toBe(true);
    const node = entrypoint.indexOf('node');
    expect(node).toBeGreaterThan(0);
    expect(contextFileAt(entrypoint[node + 1]!)).toBe('bin/sluice.mjs');
    expect(cmd).toBeDefined();
    const invocation = parseInvocation([...entrypoint.slice(node + 2), ...cmd!]);
    expect(invocation.command).toBe('jobmanager');
    expect(invocation.options['D']).toContain('rest.address=0.0.0.0');
  });

  it('health-checks GET /v1/overview with the script it copies into the image', () => {
    const healthcheck = only('HEALTHCHECK').args;
    const [, options, command] = /^(.*?)\s*CMD (.*)$/.exec(healthcheck)!;
    expect(options).toMatch(/--interval=\d+s/);
    expect(options).toMatch(/--timeout=\d+s/);
    const argv = execForm(command!)!;
    expect(argv[0]).toBe('node');
    const script = contextFileAt(argv[1]!);
    expect(script).toBe('deploy/healthcheck.mjs');
    expect(readRepoFile(script!)).toContain('/v1/overview');
  });

  it('copies only what exists and what the .dockerignore lets through, and leaves the rest out of the context', () => {
    for (const { sources } of contextCopies()) {
      for (const source of sources) {
        expect(existsSync(join(REPO, source)), `${source} exists`).toBe(true);
        expect(excluded(source), `${source} is in the build context`).toBe(false);
      }
    }
    for (const file of ['src/cli/main.ts', 'src/index.ts', 'bin/sluice.mjs', 'package-lock.json']) expect(excluded(file), file).toBe(false);
    for (const path of ['node_modules', 'node_modules/yaml/package.json', '.git', 'test/unit/core', 'bench', 'src/x/node_modules/y']) {
      expect(excluded(path), path).toBe(true);
    }
  });

  it('points SLUICE_CONF_DIR at the sluice-conf.yaml it copies, and sets no configuration key through ENV', () => {
    const env = imageEnv(final);
    const confDir = env['SLUICE_CONF_DIR'];
    expect(confDir).toBeDefined();
    const source = contextFileAt(posix.join(confDir!, 'sluice-conf.yaml'));
    expect(source).toBe('deploy/conf/sluice-conf.yaml');
    // Environment variables win over the file: an ENV key would override any mounted sluice-conf.yaml.
    const keyVariables = Object.keys(env).filter((name) => name.startsWith('SLUICE_') && name !== 'SLUICE_CONF_DIR');
    expect(keyVariables).toEqual([]);
  });

  it("the image's sluice-conf.yaml loads without warnings and puts state and logs where the image prepares volumes", () => {
    const cmd = execForm(only('CMD').args)!;
    const { configuration, warnings } = containerConfiguration(readRepoFile('deploy/conf/sluice-conf.yaml'), {}, cmd);
    expect(warnings.map((w) => w.message)).toEqual([]);
    expect(configuration.get(RestOptions.ADDRESS)).toBe('0.0.0.0');
    expect(configuration.get(RestOptions.PORT)).toBe(8081);
    expect(configuration.get(MetricOptions.PROMETHEUS_PORT)).toBe('9249');
    expect(configuration.get(MetricOptions.PROMETHEUS_HOST)).toBe('0.0.0.0');
    const prepared = final.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ');
    const owned = /chown -R \S+ ([^&]+)/.exec(prepared)![1]!.trim().split(' ');
    for (const dir of [
      localPath(configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)),
      localPath(configuration.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)),
      configuration.get(CoreOptions.LOG_DIR),
    ]) {
      expect(owned.some((root) => dir === root || dir.startsWith(`${root}/`)), `${dir} is owned by the image's user`).toBe(true);
    }
  });

  it("lets job modules under /opt import 'sluice' as ES modules (the layout the application-mode test mirrors)", () => {
    const layout = jobModuleLayout(final);
    expect(layout.runtime).toBe(workdir);
    expect(layout.link).toBe('/opt/node_modules/sluice');
    expect(JSON.parse(layout.packageJson)).toMatchObject({ type: 'module' });
    // tsx compiles job modules with the tsconfig.json of the working directory (verbatimModuleSyntax keeps imports).
    expect(contextFileAt(posix.join(workdir, 'tsconfig.json'))).toBe('tsconfig.json');
    expect(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))).toMatchObject({ name: 'sluice', type: 'module' });
  });
});
