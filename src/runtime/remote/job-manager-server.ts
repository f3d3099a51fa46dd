// The JobManager's one TCP port (jobmanager.rpc.port): TaskManager processes register and are watched by
// heartbeats there, and producers in other processes open data channels into the JobManager's process there.

import type { HeartbeatSettings } from '../../config/cluster-options.ts';
import type { MetricSettings } from '../../config/metric-options.ts';
import { IllegalArgumentError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { CLUSTER_PROTOCOL_VERSION, type JobManagerMessage, type TaskManagerMessage } from '../protocol.ts';
import type { MetricDumpSink } from '../thread-task-manager.ts';
import type { BundleShipper } from './bundle-shipper.ts';
import type { DataServer } from './data-server.ts';
import { FrameType } from './frame-codec.ts';
import { FramedConnection, listenFramed, type FramedListener } from './framed-connection.ts';
import { RemoteTaskManager } from './remote-task-manager.ts';

/** Who keeps the TaskManagers: told when one registers and when one is lost (before its tasks fail). */
export interface TaskManagerRegistry {
  taskManagerRegistered(taskManager: RemoteTaskManager): void;
  taskManagerLost(taskManager: RemoteTaskManager): void;
}

export interface JobManagerServerOptions {
  readonly bindHost: string;
  readonly port: number;
  readonly heartbeat: HeartbeatSettings;
  /** Sent to each TaskManager process: its threads' metric scopes. */
  readonly metricSettings: MetricSettings;
  readonly metrics: MetricDumpSink;
  readonly bundles: BundleShipper;
  /** Where data connections into this process go. */
  readonly dataServer: DataServer;
  readonly registry: TaskManagerRegistry;
  readonly logger: Logger;
  readonly clock?: () => number;
}

const MAX_RESOURCE_ID = 200;

/**
 * Accepts connections on the JobManager's port; the first frame decides what a connection is: an OPEN frame
 * makes it a data channel (handed to the data server), a `register` message a TaskManager process's control
 * connection. A registered process gets a heartbeat every `heartbeat.interval` and must answer: after
 * `heartbeat.timeout` of silence, or when its connection closes, it is lost.
 *
 * @example
 * const server = await JobManagerServer.start({ bindHost: '0.0.0.0', port: 6123, registry: cluster, ... });
 * server.port; // the port bound (useful with port 0)
 */
export class JobManagerServer {
  readonly #connections = new Set<FramedConnection>();
  #listener!: FramedListener;

  private constructor(private readonly options: JobManagerServerOptions) {}

  static async start(options: JobManagerServerOptions): Promise<JobManagerServer> {
    const server = new JobManagerServer(options);
    server.#listener = await listenFramed(
      options.bindHost,
      options.port,
      (connection, type, payload) => server.#accept(connection, type, payload),
      options.logger,
      options.heartbeat.timeoutMs,
    );
    return server;
  }

  get port(): number {
    return this.#listener.port;
  }

  /** Stops listening and closes every connection (TaskManagers still connected are lost). */
  async close(): Promise<void> {
    for (const connection of this.#connections) connection.destroy();
    await this.#listener.close();
  }

  #accept(connection: FramedConnection, type: number, payload: Buffer): void {
    if (type === FrameType.OPEN) {
      this.options.dataServer.adopt(connection, payload);
      return;
    }
    if (type !== FrameType.CONTROL) throw new IllegalArgumentError(`a connection opened with frame type ${type}`);
    const message = FramedConnection.decode<TaskManagerMessage>(payload);
    if (message.type !== 'register') throw new IllegalArgumentError(`a connection opened with a '${message.type}' message`);
    const refusal = refusalOf(message);
    if (refusal !== undefined) {
      this.options.logger.warn('refused a TaskManager', { peer: connection.peer, reason: refusal });
      connection.send({ type: 'refused', reason: refusal } satisfies JobManagerMessage);
      connection.end();
      return;
    }
    this.#serve(connection, message);
  }

  #serve(connection: FramedConnection, registration: Extract<TaskManagerMessage, { type: 'register' }>): void {
    const { logger, heartbeat } = this.options;
    const now = this.options.clock ?? Date.now;
    const taskManager = new RemoteTaskManager({
      id: registration.resourceId,
      slots: registration.slots,
      dataAddress: registration.dataAddress,
      connection,
      metrics: this.options.metrics,
      bundles: this.options.bundles,
      logger,
    });
    this.#connections.add(connection);
    let lastHeard = now();
    let silence: string | undefined;
    connection.onFrame = (type, payload) => {
      if (type !== FrameType.CONTROL) {
        connection.destroy(new IllegalArgumentError(`frame type ${type} on a control connection`));
        return;
      }
      lastHeard = now();
      taskManager.receive(FramedConnection.decode<TaskManagerMessage>(payload));
    };
    const heartbeats = setInterval(() => {
      if (now() - lastHeard > heartbeat.timeoutMs) {
        silence = `no heartbeat for ${now() - lastHeard} ms (heartbeat.timeout ${heartbeat.timeoutMs} ms)`;
        connection.destroy();
        return;
      }
      connection.send({ type: 'heartbeat' } satisfies JobManagerMessage);
    }, heartbeat.intervalMs);
    heartbeats.unref();
    void connection.closed.then((error) => {
      clearInterval(heartbeats);
      this.#connections.delete(connection);
      const reason = silence ?? (error !== undefined ? `its connection failed (${error.message})` : 'its connection closed');
      const fields = { taskManager: taskManager.id, address: taskManager.address, reason };
      if (taskManager.shuttingDown) logger.info('TaskManager stopped', fields);
      else logger.warn('TaskManager disconnected', fields);
      this.options.registry.taskManagerLost(taskManager);
      taskManager.markLost(reason);
    });
    connection.send({
      type: 'registered',
      taskManagerId: taskManager.id,
      heartbeatIntervalMs: heartbeat.intervalMs,
      heartbeatTimeoutMs: heartbeat.timeoutMs,
      metricSettings: this.options.metricSettings,
    } satisfies JobManagerMessage);
    logger.info('TaskManager registered', { taskManager: taskManager.id, address: taskManager.address, slots: taskManager.numberOfSlots });
    this.options.registry.taskManagerRegistered(taskManager);
  }
}

/** Why a registration is refused, or undefined when it is fine. */
function refusalOf(m: Extract<TaskManagerMessage, { type: 'register' }>): string | undefined {
  if (m.protocolVersion !== CLUSTER_PROTOCOL_VERSION) {
    return `the TaskManager speaks cluster protocol ${String(m.protocolVersion)}, this JobManager ${CLUSTER_PROTOCOL_VERSION}: run the same sluice version on both`;
  }
  if (typeof m.resourceId !== 'string' || m.resourceId.trim() === '' || m.resourceId.length > MAX_RESOURCE_ID || /[\s/\\]/.test(m.resourceId)) {
    return `taskmanager.resource-id must be 1 to ${MAX_RESOURCE_ID} characters without spaces or slashes, got ${JSON.stringify(m.resourceId)}`;
  }
  if (!Number.isInteger(m.slots) || m.slots < 1) return `taskmanager.numberOfTaskSlots must be a whole number >= 1, got ${String(m.slots)}`;
  const address = m.dataAddress as { host?: unknown; port?: unknown } | undefined;
  if (typeof address?.host !== 'string' || address.host === '' || !Number.isInteger(address.port) || (address.port as number) < 1) {
    return `the TaskManager registered no usable data address (${JSON.stringify(m.dataAddress)})`;
  }
  return undefined;
}
