// The JobManager's side of TaskManager processes, against a scripted TaskManager on loopback: registration,
// deployments and their events and results, bundles shipped once before the deployments that import them, and a
// process lost by a closed connection or by missed heartbeats failing its tasks with an error that names it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobModuleRef } from '../../../src/api/executor.ts';
import { readMetricSettings } from '../../../src/config/metric-options.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { StreamGraph } from '../../../src/graph/stream-graph.ts';
import {
  CLUSTER_PROTOCOL_VERSION,
  type JobManagerMessage,
  type TaskManagerMessage,
  type TaskSpec,
} from '../../../src/runtime/protocol.ts';
import { BundleShipper } from '../../../src/runtime/remote/bundle-shipper.ts';
import { DataServer } from '../../../src/runtime/remote/data-server.ts';
import { FrameType } from '../../../src/runtime/remote/frame-codec.ts';
import { connectFramed, FramedConnection } from '../../../src/runtime/remote/framed-connection.ts';
import { JobManagerServer } from '../../../src/runtime/remote/job-manager-server.ts';
import type { RemoteTaskManager } from '../../../src/runtime/remote/remote-task-manager.ts';
import type { TaskEventListener } from '../../../src/runtime/task.ts';

/** A scripted TaskManager process: sends what the test says, records what the JobManager sends. */
class FakeTaskManager {
  readonly received: JobManagerMessage[] = [];
  answerHeartbeats = true;

  private constructor(readonly connection: FramedConnection) {
    connection.onFrame = (type, payload) => {
      if (type !== FrameType.CONTROL) return;
      const message = FramedConnection.decode<JobManagerMessage>(payload);
      if (message.type === 'heartbeat') {
        if (this.answerHeartbeats) this.send({ type: 'heartbeat' });
        return;
      }
      this.received.push(message);
    };
  }

  static async connect(port: number, resourceId: string, protocolVersion = CLUSTER_PROTOCOL_VERSION): Promise<FakeTaskManager> {
    const tm = new FakeTaskManager(await connectFramed('127.0.0.1', port, 5_000));
    tm.send({
      type: 'register',
      protocolVersion,
      resourceId,
      slots: 2,
      dataAddress: { host: '127.0.0.1', port: 40_000 },
      hostname: 'test',
      pid: 1,
    });
    return tm;
  }

  send(message: TaskManagerMessage): void {
    this.connection.send(message);
  }

  async next<T extends JobManagerMessage['type']>(type: T): Promise<Extract<JobManagerMessage, { type: T }>> {
    await vi.waitFor(() => expect(this.received.map((m) => m.type)).toContain(type));
    const index = this.received.findIndex((m) => m.type === type);
    return this.received.splice(index, 1)[0] as Extract<JobManagerMessage, { type: T }>;
  }
}

let server: JobManagerServer;
let registered: RemoteTaskManager[];
let lost: RemoteTaskManager[];
let dir: string;
const fakes: FakeTaskManager[] = [];

const spec = { jobId: 'j'.repeat(32), vertexName: 'Map', subtaskIndex: 0, inputs: [], outputs: [], collect: undefined } as unknown as TaskSpec;
const graph = {} as StreamGraph;

function listener(): TaskEventListener & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    acknowledgeCheckpoint: (id) => calls.push(`ack ${id}`),
    declineCheckpoint: (id, error) => calls.push(`decline ${id}: ${(error as Error).message}`),
    endOfInput: () => calls.push('endOfInput'),
    running: () => calls.push('running'),
  };
}

async function connect(resourceId: string): Promise<{ fake: FakeTaskManager; tm: RemoteTaskManager }> {
  const fake = await FakeTaskManager.connect(server.port, resourceId);
  fakes.push(fake);
  await fake.next('registered');
  await vi.waitFor(() => expect(registered.map((t) => t.id)).toContain(resourceId));
  return { fake, tm: registered.find((t) => t.id === resourceId)! };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-jm-server-'));
  registered = [];
  lost = [];
  server = await JobManagerServer.start({
    bindHost: '127.0.0.1',
    port: 0,
    heartbeat: { intervalMs: 50, timeoutMs: 400 },
    metricSettings: readMetricSettings(new Configuration()),
    metrics: { applyDumps: () => {}, removeSource: () => {} },
    bundles: new BundleShipper(join(dir, 'jars')),
    dataServer: new DataServer(silentLogger),
    registry: { taskManagerRegistered: (tm) => registered.push(tm), taskManagerLost: (tm) => lost.push(tm) },
    logger: silentLogger,
  });
});

afterEach(async () => {
  for (const fake of fakes.splice(0)) fake.connection.destroy();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('JobManagerServer and RemoteTaskManager', () => {
  it('registers a TaskManager process and relays a deployment, its events and its result', async () => {
    const { fake, tm } = await connect('tm-1');
    expect(tm.numberOfSlots).toBe(2);
    expect(tm.address).toBe('127.0.0.1:40000');
    const events = listener();
    const module: JobModuleRef = { url: 'file:///shared/job.ts', entry: 'default', args: ['x'] };
    const running = tm.deploy(spec, graph, module, events);
    const deploy = await fake.next('deploy');
    expect(deploy.task).toEqual(spec);
    expect(deploy.module).toEqual({ ref: module }); // not in a bundle: passed on as it is
    running.triggerCheckpoint(7, 1000, 'CHECKPOINT', undefined, false);
    expect((await fake.next('control')).message).toEqual({
      type: 'triggerCheckpoint',
      checkpointId: 7,
      timestamp: 1000,
      checkpointType: 'CHECKPOINT',
      targetLocation: undefined,
      final: false,
    });
    fake.send({ type: 'taskEvent', deploymentId: deploy.deploymentId, event: { kind: 'running' } });
    fake.send({ type: 'taskEvent', deploymentId: deploy.deploymentId, event: { kind: 'endOfInput' } });
    fake.send({ type: 'taskResult', deploymentId: deploy.deploymentId, result: { status: 'FINISHED' } });
    expect(await running.result).toEqual({ status: 'FINISHED' });
    expect(events.calls).toEqual(['running', 'endOfInput']);
    expect(tm.runningTasks).toBe(0);
  });

  it('ships a job bundle once per connection, before the first deployment that imports it', async () => {
    const bundleDir = join(dir, 'jars', 'b1_job.ts');
    await mkdir(join(bundleDir, 'lib'), { recursive: true });
    await writeFile(join(bundleDir, 'job.ts'), 'export default () => {}');
    await writeFile(join(bundleDir, 'lib', 'util.ts'), 'export const x = 1;');
    const { fake, tm } = await connect('tm-1');
    const module: JobModuleRef = { url: pathToFileURL(join(bundleDir, 'job.ts')).href, entry: 'default', args: [] };
    tm.deploy(spec, graph, module, listener());
    tm.deploy({ ...spec, subtaskIndex: 1 }, graph, module, listener());
    await vi.waitFor(() => expect(fake.received.filter((m) => m.type === 'deploy')).toHaveLength(2));
    expect(fake.received.map((m) => m.type)).toEqual(['bundle', 'deploy', 'deploy']);
    const bundle = fake.received[0] as Extract<JobManagerMessage, { type: 'bundle' }>;
    expect(bundle.bundleId).toBe('b1_job.ts');
    expect(bundle.files.map((f) => f.path).sort()).toEqual(['job.ts', 'lib/util.ts']);
    expect(Buffer.from(bundle.files.find((f) => f.path === 'job.ts')!.data).toString()).toBe('export default () => {}');
    expect((fake.received[1] as Extract<JobManagerMessage, { type: 'deploy' }>).module.bundle).toEqual({ id: 'b1_job.ts', modulePath: 'job.ts' });
  });

  it('fails the tasks of a TaskManager whose connection closes, naming it, and fails later deployments at once', async () => {
    const { fake, tm } = await connect('tm-1');
    const running = tm.deploy(spec, graph, { url: 'file:///job.ts', entry: 'default', args: [] }, listener());
    await fake.next('deploy');
    fake.connection.destroy();
    const report = await running.result;
    expect(report.status).toBe('FAILED');
    expect(report.status === 'FAILED' && report.error.message).toBe('TaskManager tm-1 at 127.0.0.1:40000 was lost: its connection closed');
    expect(report.status === 'FAILED' && report.error.code).toBe('TASK_FAILED');
    expect(lost).toEqual([tm]);
    const late = await tm.deploy(spec, graph, { url: 'file:///job.ts', entry: 'default', args: [] }, listener()).result;
    expect(late.status === 'FAILED' && late.error.message).toMatch(/^TaskManager tm-1 at .* was lost/);
  });

  it('takes a TaskManager that stops answering heartbeats for lost', async () => {
    const { fake, tm } = await connect('tm-hung');
    const running = tm.deploy(spec, graph, { url: 'file:///job.ts', entry: 'default', args: [] }, listener());
    await fake.next('deploy');
    fake.answerHeartbeats = false;
    const report = await running.result;
    expect(report.status === 'FAILED' && report.error.message).toMatch(
      /^TaskManager tm-hung at 127\.0\.0\.1:40000 was lost: no heartbeat for \d+ ms \(heartbeat\.timeout 400 ms\)$/,
    );
    expect(lost.map((t) => t.id)).toEqual(['tm-hung']);
  });

  it('refuses a TaskManager of another protocol version, saying why', async () => {
    const fake = await FakeTaskManager.connect(server.port, 'tm-old', CLUSTER_PROTOCOL_VERSION + 1);
    fakes.push(fake);
    const refused = await fake.next('refused');
    expect(refused.reason).toMatch(/cluster protocol \d+, this JobManager \d+: run the same sluice version on both/);
    expect(registered).toEqual([]);
  });
});
