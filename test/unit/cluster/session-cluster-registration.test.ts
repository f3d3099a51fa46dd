// TaskManager processes joining and leaving a session cluster (scripted over loopback): a JobManager with no
// threads grows its slot pool as they register, drops a lost one, gives a returning resource id its place back and
// adds a new id, and a job's view deploys a lost TaskManager's share where the slot pool moved it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionCluster } from '../../../src/cluster/session-cluster.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { JobGraph } from '../../../src/graph/job-graph.ts';
import { CLUSTER_PROTOCOL_VERSION, type JobManagerMessage } from '../../../src/runtime/protocol.ts';
import { FrameType } from '../../../src/runtime/remote/frame-codec.ts';
import { connectFramed, FramedConnection } from '../../../src/runtime/remote/framed-connection.ts';

let cluster: SessionCluster;
let port: number;
const connections: FramedConnection[] = [];

/** Registers a scripted TaskManager process and resolves once the JobManager answered. */
async function register(resourceId: string, slots: number, dataPort: number): Promise<FramedConnection> {
  const connection = await connectFramed('127.0.0.1', port, 5_000);
  connections.push(connection);
  const answered = new Promise<void>((resolve) => {
    connection.onFrame = (type, payload) => {
      if (type === FrameType.CONTROL && FramedConnection.decode<JobManagerMessage>(payload).type === 'registered') resolve();
    };
  });
  connection.send({
    type: 'register',
    protocolVersion: CLUSTER_PROTOCOL_VERSION,
    resourceId,
    slots,
    dataAddress: { host: '10.0.0.1', port: dataPort },
    hostname: 'h',
    pid: 1,
  });
  await answered;
  return connection;
}

const graph: JobGraph = {
  jobId: 'a'.repeat(32),
  jobName: 'job',
  vertices: [
    { id: 'v', name: 'v', parallelism: 2, maxParallelism: 128, slotSharingGroup: 'default', isSource: true, operatorIds: [], operators: [], inputs: [] },
  ],
};

const ids = (): string[] => cluster.describeTaskManagers().map((t) => `${t.index}:${t.id}`);

beforeEach(async () => {
  cluster = new SessionCluster(
    new Configuration({ 'cluster.taskmanagers': 0, 'jobmanager.rpc.port': 0, 'jobmanager.rpc.address': '127.0.0.1' }),
    systemClock,
    silentLogger,
  );
  await cluster.ready();
  port = await cluster.listen();
});

afterEach(async () => {
  for (const c of connections.splice(0)) c.destroy();
  await cluster.shutdown();
});

describe('a session cluster with TaskManager processes', () => {
  it('waits with no TaskManagers, grows as they register, and drops a lost one', async () => {
    expect(cluster.taskManagers).toHaveLength(0);
    expect(cluster.slotPool.totalSlots).toBe(0);
    expect(cluster.rpcPort).toBe(port);
    const a = await register('tm-a', 1, 4001);
    await register('tm-b', 2, 4002);
    expect(ids()).toEqual(['0:tm-a', '1:tm-b']);
    expect(cluster.describeTaskManagers()[1]).toMatchObject({ kind: 'process', address: '10.0.0.1:4002', slots: 2, freeSlots: 2 });
    expect(cluster.slotPool.totalSlots).toBe(3);
    a.destroy();
    await vi.waitFor(() => expect(ids()).toEqual(['1:tm-b']));
    expect(cluster.slotPool.totalSlots).toBe(2);
  });

  it('gives a returning resource id its index back and adds a new id', async () => {
    const a = await register('tm-a', 1, 4001);
    await register('tm-b', 1, 4002);
    a.destroy();
    await vi.waitFor(() => expect(ids()).toEqual(['1:tm-b']));
    await register('tm-a', 1, 4011);
    expect(ids()).toEqual(['0:tm-a', '1:tm-b']);
    expect(cluster.describeTaskManagers()[0]!.address).toBe('10.0.0.1:4011');
    await register('tm-c', 1, 4003);
    expect(ids()).toEqual(['0:tm-a', '1:tm-b', '2:tm-c']);
  });

  it('replaces a live registration under the same id (the old connection is closed)', async () => {
    const first = await register('tm-a', 1, 4001);
    await register('tm-a', 1, 4002);
    await first.closed;
    await vi.waitFor(() => expect(cluster.describeTaskManagers().map((t) => t.address)).toEqual(['10.0.0.1:4002']));
  });

  it("shows a job the TaskManager its lost share moved to, in its view's data addresses and channel choice", async () => {
    await register('tm-a', 1, 4001);
    const b = await register('tm-b', 1, 4002);
    const reserved = cluster.slotPool.reserve(graph.jobId, graph);
    const view = cluster.jobView(reserved);
    expect(view.taskManagers.map((t) => t.id)).toEqual(['tm-a', 'tm-b']);
    expect(view.sameProcess!(0, 1)).toBe(false);
    expect(view.dataAddress!(1)).toEqual({ host: '10.0.0.1', port: 4002 });
    expect(view.dataAddress!(-1)).toEqual({ host: '127.0.0.1', port }); // the client: the JobManager's own port
    b.destroy();
    await vi.waitFor(() => expect(ids()).toEqual(['0:tm-a']));
    // No room anywhere: the share waits on the lost TaskManager, where deployments fail at once.
    expect(view.taskManagers[1]!.id).toBe('tm-b');
    await register('tm-c', 1, 4003);
    expect(cluster.slotPool.placementOf(graph.jobId)).toEqual([0, 2]);
    expect(view.taskManagers[1]!.id).toBe('tm-c');
    expect(view.dataAddress!(1)).toEqual({ host: '10.0.0.1', port: 4003 });
    cluster.slotPool.release(graph.jobId);
  });
});
