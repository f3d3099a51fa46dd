// deploy/kubernetes/**: the session cluster (ConfigMap, PVC, JobManager and TaskManager Deployments, Service) and the
// application-mode Job, checked for structure, cross-references, security settings and the configuration they load.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointingOptions } from '../../../src/config/checkpointing-options.ts';
import { ClusterOptions } from '../../../src/config/cluster-options.ts';
import { MetricOptions } from '../../../src/config/metric-options.ts';
import { RestOptions } from '../../../src/config/rest-options.ts';
import {
  containerConfiguration,
  image,
  imageEnv,
  isMap,
  jobModuleLayout,
  keyOfVariable,
  list,
  map,
  mountOf,
  NON_KEY_VARIABLES,
  parseInvocation,
  REPO,
  writtenDirectories,
  yamlDocuments,
  type Yaml,
} from './deploy-files.ts';

const execFileAsync = promisify(execFile);
const DIR = 'deploy/kubernetes';
const files = (readdirSync(join(REPO, DIR), { recursive: true }) as string[])
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => posix.join(DIR, f.split('\\').join('/')))
  .sort();

interface Resource {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly doc: Yaml;
}

const resources: Resource[] = files.flatMap((file) =>
  yamlDocuments(file).map((doc) => ({
    file,
    kind: String(doc['kind']),
    name: String(map(doc['metadata'], `${file} metadata`)['name']),
    doc,
  })),
);
const ofKind = (kind: string): Resource[] => resources.filter((r) => r.kind === kind);
const find = (kind: string, name: string): Resource | undefined => ofKind(kind).find((r) => r.name === name);

const API_VERSIONS: Readonly<Record<string, string>> = {
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  Deployment: 'apps/v1',
  Job: 'batch/v1',
};

const imageStage = image();
const IMAGE_UID = Number(imageStage.find((i) => i.keyword === 'USER')!.args.split(':')[0]);
const IMAGE_CONF_DIR = imageEnv(imageStage)['SLUICE_CONF_DIR']!;

/** A workload's pod: its spec, its template labels and its one sluice container. */
interface Pod {
  readonly owner: Resource;
  readonly labels: Yaml;
  readonly spec: Yaml;
  readonly container: Yaml;
  readonly args: string[];
  /** Literal env values (secret references are left out: their values are not in the manifests). */
  readonly env: Record<string, string>;
}

function podOf(owner: Resource): Pod {
  const template = map(map(owner.doc['spec'], `${owner.name} spec`)['template'], `${owner.name} template`);
  const spec = map(template['spec'], `${owner.name} pod spec`);
  const containers = list(spec['containers'], 'containers').map((c) => map(c, 'container'));
  if (containers.length !== 1) throw new Error(`${owner.kind}/${owner.name} must run one container, has ${containers.length}`);
  const container = containers[0]!;
  const env: Record<string, string> = {};
  for (const entry of list(container['env'], 'env').map((e) => map(e, 'env entry'))) {
    if (entry['value'] !== undefined) env[String(entry['name'])] = String(entry['value']);
  }
  return {
    owner,
    labels: map(map(template['metadata'], 'template metadata')['labels'], 'template labels'),
    spec,
    container,
    args: list(container['args'], 'args').map(String),
    env,
  };
}

const workloads = [...ofKind('Deployment'), ...ofKind('Job')].map(podOf);
const deployment = workloads.find((p) => p.owner.kind === 'Deployment' && p.owner.name === 'sluice-jobmanager')!;
const taskManagerDeployment = workloads.find((p) => p.owner.kind === 'Deployment' && p.owner.name === 'sluice-taskmanager')!;

/** What a pod's process is: by its command. */
function roleOf(pod: Pod): 'jobmanager' | 'taskmanager' | 'embedded' {
  const command = parseInvocation(pod.args).command;
  return command === 'jobmanager' || command === 'taskmanager' ? command : 'embedded';
}
const applicationJob = workloads.find((p) => p.owner.kind === 'Job')!;

function volumesOf(pod: Pod): Yaml[] {
  return list(pod.spec['volumes'], 'volumes').map((v) => map(v, 'volume'));
}

function mountsOf(pod: Pod): Yaml[] {
  return list(pod.container['volumeMounts'], 'volumeMounts').map((m) => map(m, 'volumeMount'));
}

/** The ConfigMap key mounted at `path` in the pod's container, if a ConfigMap volume item puts one there. */
function configMapFileAt(pod: Pod, path: string): { configMap: Resource; key: string } | undefined {
  for (const mount of mountsOf(pod)) {
    const volume = volumesOf(pod).find((v) => v['name'] === mount['name']);
    if (volume === undefined || !isMap(volume['configMap'])) continue;
    const configMap = find('ConfigMap', String(volume['configMap']['name']))!;
    const data = map(configMap.doc['data'], `${configMap.name} data`);
    const items = list(volume['configMap']['items'], 'items').map((i) => map(i, 'item'));
    const entries = items.length > 0 ? items.map((i) => [String(i['key']), String(i['path'])]) : Object.keys(data).map((k) => [k, k]);
    for (const [key, file] of entries) if (posix.join(String(mount['mountPath']), file!) === path) return { configMap, key: key! };
  }
  return undefined;
}

/** The configuration the pod's process starts with: the mounted sluice-conf.yaml, its environment and -D flags. */
function configurationOf(pod: Pod) {
  const confDir = pod.env['SLUICE_CONF_DIR'] ?? IMAGE_CONF_DIR;
  const file = configMapFileAt(pod, posix.join(confDir, 'sluice-conf.yaml'));
  expect(file, `${pod.owner.name}: a ConfigMap's sluice-conf.yaml is mounted into ${confDir}`).toBeDefined();
  const yaml = String(map(file!.configMap.doc['data'], 'data')[file!.key]);
  return containerConfiguration(yaml, pod.env, pod.args);
}

/** The container port a probe or Service targetPort names (by name or number). */
function containerPort(pod: Pod, port: unknown): number | undefined {
  const ports = list(pod.container['ports'], 'ports').map((p) => map(p, 'port'));
  const found = ports.find((p) => p['name'] === port || p['containerPort'] === port);
  return found === undefined ? undefined : Number(found['containerPort']);
}

/** Kubernetes CPU quantity in cores ("500m", "2", 1.5). */
function cores(quantity: unknown): number {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

/** Kubernetes memory quantity in bytes ("512Mi", "2Gi"). */
function bytes(quantity: unknown): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity));
  expect(match, `memory quantity ${String(quantity)}`).not.toBeNull();
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(match![1]) * (match![2] === undefined ? 1 : units[match![2]]!);
}

describe('deploy/kubernetes manifests', () => {
  it('are well-formed resources with known kinds, valid names and no namespace', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(new Set(resources.map((r) => r.kind))).toEqual(new Set(['ConfigMap', 'PersistentVolumeClaim', 'Deployment', 'Service', 'Job']));
    for (const r of resources) {
      expect(r.doc['apiVersion'], `${r.file} ${r.kind}`).toBe(API_VERSIONS[r.kind]);
      expect(r.name, r.file).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      const metadata = map(r.doc['metadata'], 'metadata');
      expect(metadata['namespace'], `${r.kind}/${r.name} names no namespace`).toBeUndefined();
      expect(map(metadata['labels'], 'labels')['app.kubernetes.io/name']).toBe('sluice');
    }
    const ids = resources.map((r) => `${r.kind}/${r.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('run the sluice image as the restricted Pod Security Standard asks: non-root, read-only root, no privileges', () => {
    for (const pod of workloads) {
      const what = pod.owner.name;
      expect(String(pod.container['image']), what).toMatch(/^sluice:/);
      const podSecurity = map(pod.spec['securityContext'], `${what} pod securityContext`);
      expect(podSecurity['runAsNonRoot'], what).toBe(true);
      expect(podSecurity['runAsUser'], `${what} runs as the image's user`).toBe(IMAGE_UID);
      expect(Number(podSecurity['runAsUser'])).toBeGreaterThan(0);
      expect(podSecurity['fsGroup'], `${what}: volumes writable by the group`).toBeDefined();
      expect(map(podSecurity['seccompProfile'], 'seccompProfile')['type'], what).toBe('RuntimeDefault');
      const security = map(pod.container['securityContext'], `${what} container securityContext`);
      expect(security['readOnlyRootFilesystem'], what).toBe(true);
      expect(security['allowPrivilegeEscalation'], what).toBe(false);
      expect(map(security['capabilities'], 'capabilities')['drop'], what).toEqual(['ALL']);
      expect(pod.spec['automountServiceAccountToken'], what).toBe(false);
    }
  });

  it('mount only declared volumes, and every ConfigMap and PersistentVolumeClaim they use exists with its keys', () => {
    for (const pod of workloads) {
      const declared = volumesOf(pod).map((v) => String(v['name']));
      expect(new Set(declared).size, `${pod.owner.name}: volume names are unique`).toBe(declared.length);
      for (const mount of mountsOf(pod)) expect(declared, `${pod.owner.name} mounts ${String(mount['name'])}`).toContain(mount['name']);
      const paths = mountsOf(pod).map((m) => String(m['mountPath']));
      expect(new Set(paths).size).toBe(paths.length);
      for (const volume of volumesOf(pod)) {
        if (isMap(volume['configMap'])) {
          const configMap = find('ConfigMap', String(volume['configMap']['name']));
          expect(configMap, `ConfigMap ${String(volume['configMap']['name'])}`).toBeDefined();
          const data = map(configMap!.doc['data'], 'data');
          for (const item of list(volume['configMap']['items'], 'items').map((i) => map(i, 'item'))) {
            expect(Object.keys(data), `${configMap!.name} has key ${String(item['key'])}`).toContain(item['key']);
          }
        }
        if (isMap(volume['persistentVolumeClaim'])) {
          expect(find('PersistentVolumeClaim', String(volume['persistentVolumeClaim']['claimName']))).toBeDefined();
        }
      }
    }
    for (const claim of ofKind('PersistentVolumeClaim')) {
      const spec = map(claim.doc['spec'], 'spec');
      // A claim mounted by several workloads (JobManager and TaskManagers) must be mountable by many nodes at once.
      const users = workloads.filter((pod) => volumesOf(pod).some((v) => isMap(v['persistentVolumeClaim']) && v['persistentVolumeClaim']['claimName'] === claim.name));
      expect(spec['accessModes'], claim.name).toEqual([users.length > 1 ? 'ReadWriteMany' : 'ReadWriteOnce']);
      expect(bytes(map(map(spec['resources'], 'resources')['requests'], 'requests')['storage'])).toBeGreaterThan(0);
    }
  });

  it('load their ConfigMap sluice-conf.yaml from SLUICE_CONF_DIR without errors or unknown-key warnings', () => {
    for (const pod of workloads) {
      const { warnings } = configurationOf(pod);
      expect(warnings.map((w) => w.message), pod.owner.name).toEqual([]);
    }
  });

  it('write checkpoints, savepoints, logs, uploads and tsx output only to writable volumes, state to a PVC', () => {
    for (const pod of workloads) {
      const { configuration } = configurationOf(pod);
      const volumes = volumesOf(pod);
      const mounts = mountsOf(pod).map((m) => ({ path: String(m['mountPath']), writable: m['readOnly'] !== true, name: String(m['name']) }));
      const role = roleOf(pod);
      for (const dir of writtenDirectories(configuration, role)) {
        const mount = mountOf(dir, mounts);
        expect(mount?.writable, `${pod.owner.name}: ${dir} is on a writable volume`).toBe(true);
      }
      for (const dir of writtenDirectories(configuration, role).filter((d) => d.startsWith('/var/lib/sluice'))) {
        const mount = mounts.find((m) => m.path === mountOf(dir, mounts)!.path)!;
        const volume = volumes.find((v) => v['name'] === mount.name)!;
        expect(isMap(volume['persistentVolumeClaim']), `${pod.owner.name}: ${dir} is on a PersistentVolumeClaim`).toBe(true);
      }
    }
  });

  it('set only SLUICE_* variables that are configuration keys, and turn off service links (SLUICE_* names)', () => {
    for (const pod of workloads) {
      for (const entry of list(pod.container['env'], 'env').map((e) => map(e, 'env'))) {
        const variable = String(entry['name']);
        if (!variable.startsWith('SLUICE_')) continue;
        expect(keyOfVariable(variable) !== undefined || NON_KEY_VARIABLES.has(variable), `${pod.owner.name}: ${variable}`).toBe(true);
      }
      expect(pod.spec['enableServiceLinks'], pod.owner.name).toBe(false);
    }
    // Even with service links on, the variables a Service would add must not set configuration keys.
    for (const service of ofKind('Service')) {
      const prefix = service.name.toUpperCase().replace(/-/g, '_');
      const variables = [`${prefix}_SERVICE_HOST`, `${prefix}_SERVICE_PORT`, `${prefix}_PORT`];
      for (const port of list(map(service.doc['spec'], 'spec')['ports'], 'ports').map((p) => map(p, 'port'))) {
        const base = `${prefix}_PORT_${String(port['port'])}_TCP`;
        variables.push(`${prefix}_SERVICE_PORT_${String(port['name']).toUpperCase().replace(/-/g, '_')}`, base, `${base}_PROTO`, `${base}_PORT`, `${base}_ADDR`);
      }
      for (const variable of variables) expect(keyOfVariable(variable), variable).toBeUndefined();
    }
  });

  it('size every container for a 2-core node: requests within limits, at most 2 CPUs', () => {
    for (const pod of workloads) {
      const resources = map(pod.container['resources'], `${pod.owner.name} resources`);
      const requests = map(resources['requests'], 'requests');
      const limits = map(resources['limits'], 'limits');
      expect(cores(requests['cpu'])).toBeGreaterThan(0);
      expect(cores(requests['cpu'])).toBeLessThanOrEqual(cores(limits['cpu']));
      expect(cores(limits['cpu'])).toBeLessThanOrEqual(2);
      expect(bytes(requests['memory'])).toBeLessThanOrEqual(bytes(limits['memory']));
      expect(bytes(limits['memory'])).toBeLessThanOrEqual(4 * 2 ** 30);
    }
  });

  it('start one JobManager Deployment and one TaskManager Deployment', () => {
    expect(workloads.filter((p) => p.owner.kind === 'Deployment').map(roleOf).sort()).toEqual(['jobmanager', 'taskmanager']);
  });
});

describe('the JobManager Deployment and Service', () => {
  it('runs one replica of `sluice jobmanager -D rest.address=0.0.0.0`, replaced (not rolled) on updates', () => {
    const spec = map(deployment.owner.doc['spec'], 'spec');
    expect(spec['replicas']).toBe(1);
    expect(map(spec['strategy'], 'strategy')['type']).toBe('Recreate');
    for (const [k, v] of Object.entries(map(map(spec['selector'], 'selector')['matchLabels'], 'matchLabels'))) {
      expect(deployment.labels[k], `template label ${k}`).toBe(v);
    }
    const invocation = parseInvocation(deployment.args);
    expect(invocation.command).toBe('jobmanager');
    expect(invocation.options['D']).toContain('rest.address=0.0.0.0');
  });

  it('declares the REST and Prometheus ports the configuration listens on', () => {
    const { configuration } = configurationOf(deployment);
    expect(configuration.get(RestOptions.ADDRESS)).toBe('0.0.0.0');
    expect(configuration.get(MetricOptions.PROMETHEUS_HOST)).toBe('0.0.0.0');
    expect(containerPort(deployment, 'rest')).toBe(configuration.get(RestOptions.PORT));
    expect(containerPort(deployment, 'metrics')).toBe(Number(configuration.get(MetricOptions.PROMETHEUS_PORT)));
    const exposed = imageStage.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(' ').map(Number));
    for (const p of list(deployment.container['ports'], 'ports').map((p) => map(p, 'port'))) expect(exposed).toContain(p['containerPort']);
  });

  it('probes startup, readiness and liveness with GET /v1/overview on the REST port', () => {
    const { configuration } = configurationOf(deployment);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const httpGet = map(map(deployment.container[probe], probe)['httpGet'], `${probe}.httpGet`);
      expect(httpGet['path'], probe).toBe('/v1/overview');
      expect(containerPort(deployment, httpGet['port']), `${probe} port`).toBe(configuration.get(RestOptions.PORT));
    }
  });

  it('is reached through a Service on 8081, 9249 and 6123 that selects exactly the JobManager pods', () => {
    const services = ofKind('Service');
    expect(services).toHaveLength(1);
    const spec = map(services[0]!.doc['spec'], 'spec');
    const selector = map(spec['selector'], 'selector');
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    const selects = (pod: Pod): boolean => Object.entries(selector).every(([k, v]) => pod.labels[k] === v);
    expect(workloads.filter(selects).map((p) => p.owner.name)).toEqual([deployment.owner.name]);
    const ports = list(spec['ports'], 'ports').map((p) => map(p, 'port'));
    expect(ports.map((p) => p['port'])).toEqual(expect.arrayContaining([8081, 9249, 6123]));
    const { configuration } = configurationOf(deployment);
    const targets = new Map(ports.map((p) => [p['port'], containerPort(deployment, p['targetPort'] ?? p['port'])]));
    for (const [port, target] of targets) expect(target, `Service port ${String(port)} targets a container port`).toBeDefined();
    expect(targets.get(8081)).toBe(configuration.get(RestOptions.PORT));
    expect(targets.get(9249)).toBe(Number(configuration.get(MetricOptions.PROMETHEUS_PORT)));
    expect(targets.get(6123)).toBe(configuration.get(ClusterOptions.RPC_PORT));
  });
});

describe('the TaskManager Deployment', () => {
  it('runs `sluice taskmanager` against a JobManager that runs no TaskManager threads and listens on every interface', () => {
    expect(parseInvocation(taskManagerDeployment.args).command).toBe('taskmanager');
    expect(Number(map(taskManagerDeployment.owner.doc['spec'], 'spec')['replicas'])).toBeGreaterThanOrEqual(2);
    const jm = configurationOf(deployment).configuration;
    expect(jm.get(RestOptions.CLUSTER_TASK_MANAGERS)).toBe(0);
    // The RPC address is a Service name, which the JobManager cannot bind itself.
    expect(jm.get(ClusterOptions.JOB_MANAGER_BIND_HOST)).toBe('0.0.0.0');
    expect(containerPort(deployment, 'rpc')).toBe(jm.get(ClusterOptions.RPC_PORT));
  });

  it('registers at the Service that selects the JobManager pods, on the port that reaches its RPC port', () => {
    const tm = configurationOf(taskManagerDeployment).configuration;
    const service = find('Service', tm.get(ClusterOptions.RPC_ADDRESS));
    expect(service, `a Service named ${tm.get(ClusterOptions.RPC_ADDRESS)}`).toBeDefined();
    const spec = map(service!.doc['spec'], 'spec');
    const selector = map(spec['selector'], 'selector');
    expect(Object.entries(selector).every(([k, v]) => deployment.labels[k] === v)).toBe(true);
    expect(Object.entries(selector).every(([k, v]) => taskManagerDeployment.labels[k] === v)).toBe(false);
    const port = list(spec['ports'], 'ports').map((p) => map(p, 'port')).find((p) => p['port'] === tm.get(ClusterOptions.RPC_PORT));
    expect(port, `Service port ${tm.get(ClusterOptions.RPC_PORT)}`).toBeDefined();
    expect(containerPort(deployment, port!['targetPort'])).toBe(configurationOf(deployment).configuration.get(ClusterOptions.RPC_PORT));
  });

  it('declares its data port, probes it, and shares the checkpoint volume with the JobManager', () => {
    const tm = configurationOf(taskManagerDeployment).configuration;
    expect(containerPort(taskManagerDeployment, 'data')).toBe(tm.get(ClusterOptions.DATA_PORT));
    expect(tm.get(ClusterOptions.TASK_MANAGER_BIND_HOST)).toBe('0.0.0.0');
    const probe = map(map(taskManagerDeployment.container['livenessProbe'], 'livenessProbe')['tcpSocket'], 'tcpSocket');
    expect(containerPort(taskManagerDeployment, probe['port'])).toBe(tm.get(ClusterOptions.DATA_PORT));
    const claimAt = (pod: Pod, path: string): unknown => {
      const mount = mountsOf(pod).find((m) => m['mountPath'] === path)!;
      const volume = volumesOf(pod).find((v) => v['name'] === mount['name'])!;
      return map(volume['persistentVolumeClaim'], 'persistentVolumeClaim')['claimName'];
    };
    expect(claimAt(taskManagerDeployment, '/var/lib/sluice')).toBe(claimAt(deployment, '/var/lib/sluice'));
    expect(tm.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).toBe(configurationOf(deployment).configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
  });
});

describe('the application-mode Job', () => {
  const tmp: string[] = [];
  afterAll(() => {
    for (const dir of tmp.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('runs `sluice run <job module>` embedded (no -m), retried a bounded number of times', () => {
    const spec = map(applicationJob.owner.doc['spec'], 'spec');
    expect(['Never', 'OnFailure']).toContain(applicationJob.spec['restartPolicy']);
    expect(typeof spec['backoffLimit']).toBe('number');
    const invocation = parseInvocation(applicationJob.args);
    expect(invocation.command).toBe('run');
    expect(invocation.options['jobmanager']).toBeUndefined();
    expect(invocation.operands[0]).toBe('/opt/job/job.ts');
    expect(configMapFileAt(applicationJob, invocation.operands[0]!)?.key).toBe('job.ts');
  });

  it("builds its job module's plan where the image puts it (/opt/job, importing 'sluice' through /opt/node_modules)", async () => {
    const invocation = parseInvocation(applicationJob.args);
    const file = configMapFileAt(applicationJob, invocation.operands[0]!)!;
    const source = String(map(file.configMap.doc['data'], 'data')[file.key]);
    const conf = configMapFileAt(applicationJob, posix.join(applicationJob.env['SLUICE_CONF_DIR'] ?? IMAGE_CONF_DIR, 'sluice-conf.yaml'))!;
    // The image's layout (jobModuleLayout: /opt/package.json, /opt/node_modules/sluice -> the runtime) under a
    // temporary root standing for /opt.
    const layout = jobModuleLayout(imageStage);
    const root = mkdtempSync(join(tmpdir(), 'sluice-deploy-opt-'));
    tmp.push(root);
    const inRoot = (path: string): string => join(root, posix.relative('/opt', path));
    mkdirSync(posix.dirname(inRoot(invocation.operands[0]!)), { recursive: true });
    mkdirSync(posix.dirname(inRoot(layout.link)), { recursive: true });
    writeFileSync(join(root, 'package.json'), layout.packageJson);
    symlinkSync(REPO, inRoot(layout.link), 'dir');
    const jobFile = inRoot(invocation.operands[0]!);
    writeFileSync(jobFile, source);
    const confDir = join(root, 'conf');
    mkdirSync(confDir);
    writeFileSync(join(confDir, 'sluice-conf.yaml'), String(map(conf.configMap.doc['data'], 'data')[conf.key]));

    // A separate `node bin/sluice.mjs` process, as in the pod: module resolution and format are Node's own here,
    // and tsx compiles with the runtime's tsconfig.json from the working directory (the image's WORKDIR).
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [join(REPO, 'bin/sluice.mjs'), 'info', jobFile, ...invocation.operands.slice(1)],
      { cwd: REPO, env: { PATH: process.env['PATH'] ?? '', SLUICE_CONF_DIR: confDir }, timeout: 20_000 },
    );
    expect(stderr).toBe('');
    const plan = JSON.parse(stdout) as { nodes: { type: string; parallelism: number }[] };
    expect(plan.nodes.length).toBeGreaterThan(1);
    expect(plan.nodes.some((n) => n.parallelism === Number(invocation.operands[1] ?? 1))).toBe(true);
  });
});
