// deploy/docker-compose.yml: a JobManager service built from deploy/Dockerfile and TaskManager services that register
// with it; their ports, volumes, environment overrides and health checks checked against the configuration they
// start with.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterOptions } from '../../../src/config/cluster-options.ts';
import { MetricOptions } from '../../../src/config/metric-options.ts';
import { TaskManagerOptions } from '../../../src/config/options.ts';
import { RestOptions } from '../../../src/config/rest-options.ts';
import {
  containerConfiguration,
  image,
  imageEnv,
  keyOfVariable,
  list,
  map,
  mountOf,
  NON_KEY_VARIABLES,
  parseInvocation,
  REPO,
  writtenDirectories,
  yamlDocuments,
  type Mount,
  type Yaml,
} from './deploy-files.ts';

const FILE = 'deploy/docker-compose.yml';
const COMPOSE_DIR = dirname(join(REPO, FILE));
const documents = yamlDocuments(FILE);
const compose = documents[0]!;
const services = map(compose['services'], 'services');
const jobmanager = map(services['jobmanager'], 'services.jobmanager');
const taskmanager = map(services['taskmanager'], 'services.taskmanager');
const imageStage = image();

/** Compose's variable interpolation with an empty shell environment: `${X:-default}`, `${X-default}`, `${X}`, `$$`. */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{(\w+)(?::?-([^}]*))?\}/g, (whole, _name: string | undefined, fallback: string | undefined) =>
    whole === '$$' ? '$' : (fallback ?? ''),
  );
}

/** A service's environment (map or KEY=VALUE list), interpolated. */
function environment(service: Yaml): Record<string, string> {
  const raw = service['environment'];
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const entry of raw as string[]) {
      const eq = entry.indexOf('=');
      out[entry.slice(0, eq)] = interpolate(entry.slice(eq + 1));
    }
  } else if (raw !== undefined) {
    for (const [k, v] of Object.entries(map(raw, 'environment'))) out[k] = interpolate(String(v ?? ''));
  }
  return out;
}

/** A short-syntax volume (`source:target[:mode]`): a named volume unless the source is a path. */
function volumes(service: Yaml): { source: string; target: string; readOnly: boolean; named: boolean }[] {
  return list(service['volumes'], 'volumes').map((entry) => {
    const [source, target, mode] = interpolate(String(entry)).split(':');
    return { source: source!, target: target!, readOnly: mode === 'ro', named: !/^[./~]/.test(source!) };
  });
}

function mounts(service: Yaml): Mount[] {
  return [
    ...volumes(service).map((v) => ({ path: v.target, writable: !v.readOnly })),
    ...list(service['tmpfs'], 'tmpfs').map((t) => ({ path: String(t).split(':')[0]!, writable: true })),
  ];
}

function command(service: Yaml): string[] {
  const value = service['command'];
  expect(Array.isArray(value), 'command in exec (list) form').toBe(true);
  return (value as unknown[]).map(String);
}

/** The configuration a service starts with: its mounted sluice-conf.yaml, environment and -D flags. */
function serviceConfiguration(service: Yaml) {
  const confDir = environment(service)['SLUICE_CONF_DIR'] ?? imageEnv(imageStage)['SLUICE_CONF_DIR']!;
  const conf = volumes(service).find((v) => v.target === posix.join(confDir, 'sluice-conf.yaml'));
  expect(conf, `a sluice-conf.yaml mounted into ${confDir}`).toBeDefined();
  const source = resolve(COMPOSE_DIR, conf!.source);
  expect(existsSync(source), `${source} exists`).toBe(true);
  return containerConfiguration(readFileSync(source, 'utf8'), environment(service), command(service));
}

const jobManagerConfiguration = () => serviceConfiguration(jobmanager);
const taskManagerConfiguration = () => serviceConfiguration(taskmanager);

describe('deploy/docker-compose.yml', () => {
  it('is one Compose document without the obsolete version key, whose named volumes are all declared', () => {
    expect(documents).toHaveLength(1);
    expect(compose['version']).toBeUndefined();
    const declared = Object.keys(map(compose['volumes'], 'volumes'));
    for (const [name, service] of Object.entries(services)) {
      for (const volume of volumes(map(service, name)).filter((v) => v.named)) expect(declared, `${name}: ${volume.source}`).toContain(volume.source);
    }
  });

  it('builds the JobManager image from deploy/Dockerfile with the repository as context', () => {
    const build = map(jobmanager['build'], 'build');
    const context = resolve(COMPOSE_DIR, String(build['context']));
    expect(context).toBe(resolve(REPO));
    expect(existsSync(join(context, String(build['dockerfile'])))).toBe(true);
    for (const [name, service] of Object.entries(services)) expect(map(service, name)['image'], name).toBe(jobmanager['image']);
  });

  it('runs `sluice jobmanager -D rest.address=0.0.0.0` in exactly one service and `sluice taskmanager` in a replicated one', () => {
    const invocation = parseInvocation(command(jobmanager));
    expect(invocation.command).toBe('jobmanager');
    expect(invocation.options['D']).toContain('rest.address=0.0.0.0');
    const commands = Object.entries(services).map(([name, s]) => parseInvocation(command(map(s, name))).command);
    expect(commands.filter((c) => c === 'jobmanager')).toHaveLength(1);
    expect(commands.filter((c) => c === 'taskmanager')).toHaveLength(1);
    expect(parseInvocation(command(taskmanager)).command).toBe('taskmanager');
    expect(Number(map(taskmanager['deploy'], 'deploy')['replicas'])).toBeGreaterThanOrEqual(2);
  });

  it('starts with configurations that load without warnings: a JobManager with no threads, listening on 0.0.0.0', () => {
    const { configuration, warnings } = jobManagerConfiguration();
    expect(warnings.map((w) => w.message)).toEqual([]);
    expect(configuration.get(RestOptions.ADDRESS)).toBe('0.0.0.0');
    expect(configuration.get(MetricOptions.PROMETHEUS_HOST)).toBe('0.0.0.0');
    expect(configuration.get(RestOptions.CLUSTER_TASK_MANAGERS)).toBe(0);
    expect(configuration.get(ClusterOptions.JOB_MANAGER_BIND_HOST)).toBe('0.0.0.0');
    expect(taskManagerConfiguration().warnings.map((w) => w.message)).toEqual([]);
  });

  it('lets the TaskManagers reach the JobManager service at its RPC port, and each other at their data port', () => {
    const jm = jobManagerConfiguration().configuration;
    const tm = taskManagerConfiguration().configuration;
    // The JobManager names itself by the same address (its data address for channels into its process).
    expect(tm.get(ClusterOptions.RPC_ADDRESS)).toBe('jobmanager');
    expect(jm.get(ClusterOptions.RPC_ADDRESS)).toBe('jobmanager');
    expect(tm.get(ClusterOptions.RPC_PORT)).toBe(jm.get(ClusterOptions.RPC_PORT));
    expect(list(jobmanager['expose'], 'expose').map(Number)).toContain(jm.get(ClusterOptions.RPC_PORT));
    expect(list(taskmanager['expose'], 'expose').map(Number)).toContain(tm.get(ClusterOptions.DATA_PORT));
    expect(tm.get(ClusterOptions.TASK_MANAGER_BIND_HOST)).toBe('0.0.0.0');
    expect(tm.get(TaskManagerOptions.NUM_TASK_SLOTS)).toBeGreaterThanOrEqual(1);
    const exposed = imageStage.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(' ').map(Number));
    expect(exposed).toEqual(expect.arrayContaining([jm.get(ClusterOptions.RPC_PORT), tm.get(ClusterOptions.DATA_PORT)]));
  });

  it('mounts the checkpoint volume into the JobManager and the TaskManagers alike, and checks no REST on TaskManagers', () => {
    const state = (service: Yaml) => volumes(service).find((v) => v.target === '/var/lib/sluice');
    expect(state(taskmanager)?.source).toBe(state(jobmanager)?.source);
    expect(state(taskmanager)?.named).toBe(true);
    expect(map(taskmanager['healthcheck'], 'healthcheck')['disable']).toBe(true);
    expect(list(taskmanager['depends_on'], 'depends_on')).toContain('jobmanager');
  });

  it('sets only environment variables that are configuration keys (or SLUICE_CONF_DIR)', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const variable of Object.keys(environment(map(service, name))).filter((v) => v.startsWith('SLUICE_'))) {
        expect(keyOfVariable(variable) !== undefined || NON_KEY_VARIABLES.has(variable), `${name}: ${variable}`).toBe(true);
      }
    }
  });

  it('publishes the REST and Prometheus ports the configuration listens on, and the image exposes', () => {
    const { configuration } = jobManagerConfiguration();
    const published = list(jobmanager['ports'], 'ports').map((p) => {
      const [host, container] = String(p).split('/')[0]!.split(':').slice(-2);
      return { host: Number(host), container: Number(container) };
    });
    const containerPorts = published.map((p) => p.container);
    expect(containerPorts).toContain(configuration.get(RestOptions.PORT));
    expect(containerPorts).toContain(Number(configuration.get(MetricOptions.PROMETHEUS_PORT)));
    expect(published).toContainEqual({ host: 8081, container: 8081 });
    const exposed = imageStage.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(' ').map(Number));
    for (const port of containerPorts) expect(exposed).toContain(port);
  });

  it('keeps checkpoints, savepoints and logs on volumes, with read-only root file systems', () => {
    for (const [service, role, conf] of [
      [jobmanager, 'jobmanager', jobManagerConfiguration()],
      [taskmanager, 'taskmanager', taskManagerConfiguration()],
    ] as const) {
      const { configuration } = conf;
      expect(service['read_only'], role).toBe(true);
      const all = mounts(service);
      for (const dir of writtenDirectories(configuration, role)) {
        expect(mountOf(dir, all)?.writable, `${role}: ${dir} is on a writable volume`).toBe(true);
      }
      const named = volumes(service).filter((v) => v.named).map((v) => v.target);
      for (const dir of writtenDirectories(configuration, role).filter((d) => !d.startsWith('/tmp'))) {
        expect(named.some((t) => dir === t || dir.startsWith(`${t}/`)), `${role}: ${dir} survives the container`).toBe(true);
      }
    }
  });

  it('health-checks GET /v1/overview on the configured REST port with the image script', () => {
    const { configuration } = jobManagerConfiguration();
    const healthcheck = map(jobmanager['healthcheck'], 'healthcheck');
    const test = list(healthcheck['test'], 'healthcheck.test').map(String);
    expect(test[0]).toBe('CMD');
    const imageCheck = imageStage.find((i) => i.keyword === 'HEALTHCHECK')!.args;
    expect(imageCheck).toContain(test.slice(1, 3).map((t) => JSON.stringify(t)).join(', '));
    expect(test[3]).toBe(`http://127.0.0.1:${configuration.get(RestOptions.PORT)}/v1/overview`);
    for (const key of ['interval', 'timeout', 'retries', 'start_period']) expect(healthcheck[key], key).toBeDefined();
  });

  it('has a CLI client that talks to the JobManager service once it is healthy, and is not started by `up`', () => {
    const client = map(services['client'], 'services.client');
    expect(list(client['profiles'], 'profiles').length).toBeGreaterThan(0);
    expect(map(map(client['depends_on'], 'depends_on')['jobmanager'], 'depends_on.jobmanager')['condition']).toBe('service_healthy');
    const invocation = parseInvocation(command(client));
    const { configuration } = jobManagerConfiguration();
    expect(invocation.options['jobmanager']).toBe(`http://jobmanager:${configuration.get(RestOptions.PORT)}`);
  });
});
