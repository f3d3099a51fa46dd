// The JobManager's handle on a TaskManager process: deploys subtasks and sends control messages over its
// connection, and turns the events, results and metric dumps coming back into what a thread TaskManager gives.

import type { JobModuleRef } from '../../api/executor.ts';
import { SluiceError, serializeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { StreamGraph } from '../../graph/stream-graph.ts';
import type {
  ControlMessage,
  DataAddress,
  DeployedJobModule,
  JobManagerMessage,
  TaskManagerMessage,
  TaskResult,
  TaskSpec,
} from '../protocol.ts';
import { controlledTask, type RunningTask, type TaskManager, type TaskReport } from '../task-manager.ts';
import type { TaskEventListener } from '../task.ts';
import { deliverTaskEvent } from '../task-event-delivery.ts';
import type { MetricDumpSink } from '../thread-task-manager.ts';
import type { BundleShipper } from './bundle-shipper.ts';
import type { FramedConnection } from './framed-connection.ts';

export interface RemoteTaskManagerOptions {
  readonly id: string;
  readonly slots: number;
  readonly dataAddress: DataAddress;
  readonly connection: FramedConnection;
  /** Where the process's metric dumps are mirrored (the cluster's `RemoteMetrics`). */
  readonly metrics: MetricDumpSink;
  readonly bundles: BundleShipper;
  readonly logger: Logger;
  /** How long `shutdown()` waits for the process to close its connection. */
  readonly shutdownTimeoutMs?: number;
}

interface Deployment {
  readonly events: TaskEventListener;
  readonly resolve: (report: TaskReport) => void;
}

/**
 * A TaskManager process as the JobMaster sees it. Deployments are numbered per connection; each one's messages go
 * out in order (a bundle the module lies in first, once per connection). When the process is lost (its
 * connection closed or its heartbeats stopped) every task running on it fails with an error naming it, and
 * deploying to it fails at once.
 */
export class RemoteTaskManager implements TaskManager {
  readonly id: string;
  readonly numberOfSlots: number;
  readonly dataAddress: DataAddress;
  readonly #connection: FramedConnection;
  readonly #options: RemoteTaskManagerOptions;
  readonly #deployments = new Map<number, Deployment>();
  readonly #shipped = new Map<string, Promise<void>>();
  #nextDeployment = 1;
  #lost: SluiceError | undefined;
  #shuttingDown = false;

  constructor(options: RemoteTaskManagerOptions) {
    this.#options = options;
    this.id = options.id;
    this.numberOfSlots = options.slots;
    this.dataAddress = options.dataAddress;
    this.#connection = options.connection;
  }

  /** `host:port` of the process's data server, as it registered. */
  get address(): string {
    const { host, port } = this.dataAddress;
    return `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  get lost(): boolean {
    return this.#lost !== undefined;
  }

  /** `shutdown()` was called: its connection is expected to close. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Subtasks deployed and not ended. */
  get runningTasks(): number {
    return this.#deployments.size;
  }

  deploy(spec: TaskSpec, _graph: StreamGraph, jobModule: JobModuleRef | undefined, events: TaskEventListener): RunningTask {
    if (jobModule === undefined) {
      throw new SluiceError('JOB_MODULE_REQUIRED', `TaskManager ${this.id} runs tasks in another process and needs the job module to rebuild the job`);
    }
    let resolve!: (report: TaskReport) => void;
    const result = new Promise<TaskReport>((r) => (resolve = r));
    if (this.#lost !== undefined) {
      resolve(failed(this.#lost));
      return finishedTask(result);
    }
    const deploymentId = this.#nextDeployment++;
    this.#deployments.set(deploymentId, { events, resolve });
    const sent = this.#module(jobModule).then(
      (module) => this.#send({ type: 'deploy', deploymentId, task: spec, module }),
      (error: unknown) =>
        this.#settle(
          deploymentId,
          failed(new SluiceError('TASK_FAILED', `cannot ship the job bundle to TaskManager ${this.id}: ${(error as Error).message}`, { cause: error })),
        ),
    );
    const control = (message: ControlMessage): void => {
      void sent.then(() => {
        if (this.#deployments.has(deploymentId)) this.#send({ type: 'control', deploymentId, message });
      });
    };
    return controlledTask(result, control);
  }

  /** A message from the process (heartbeats are the server's). */
  receive(message: TaskManagerMessage): void {
    switch (message.type) {
      case 'metrics':
        this.#options.metrics.applyDumps(message.metrics.source, message.metrics.dumps);
        break;
      case 'taskResult':
        if (message.result.metrics !== undefined) this.#options.metrics.applyDumps(message.result.metrics.source, message.result.metrics.dumps);
        this.#settle(message.deploymentId, message.result);
        break;
      case 'taskEvent': {
        const events = this.#deployments.get(message.deploymentId)?.events;
        if (events === undefined) break;
        deliverTaskEvent(message.event, events);
        break;
      }
      case 'register':
      case 'heartbeat':
        break;
    }
  }

  /** The process is gone: every task on it fails with an error that names it; later deployments fail at once. */
  markLost(reason: string): void {
    if (this.#lost !== undefined) return;
    this.#lost = new SluiceError('TASK_FAILED', `TaskManager ${this.id} at ${this.address} was lost: ${reason}`);
    if (this.#deployments.size > 0) {
      this.#options.logger.warn('TaskManager lost; failing its tasks', { taskManager: this.id, address: this.address, tasks: this.#deployments.size, reason });
    }
    for (const id of [...this.#deployments.keys()]) this.#settle(id, failed(this.#lost));
    this.#options.metrics.removeSource(this.id);
  }

  /** Closes the connection (the process registered again, or heartbeats stopped); the server then marks it lost. */
  disconnect(): void {
    this.#connection.destroy();
  }

  /** Tells the process to shut down (it cancels its tasks and exits) and waits until it closed its connection. */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true;
    if (this.#connection.open) {
      this.#send({ type: 'shutdown' });
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.#options.shutdownTimeoutMs ?? 10_000).unref());
      await Promise.race([this.#connection.closed, timeout]);
      this.#connection.destroy();
    }
    this.markLost('the cluster shut down');
  }

  #send(message: JobManagerMessage): void {
    this.#connection.send(message);
  }

  #settle(deploymentId: number, report: TaskResult): void {
    const deployment = this.#deployments.get(deploymentId);
    if (deployment === undefined) return;
    this.#deployments.delete(deploymentId);
    deployment.resolve(report);
  }

  /** The module as the process imports it: a bundle's copy (shipped first, once per connection), else the URL. */
  async #module(ref: JobModuleRef): Promise<DeployedJobModule> {
    const bundles = this.#options.bundles;
    const bundle = bundles.locate(ref.url);
    if (bundle === undefined) return { ref };
    let shipped = this.#shipped.get(bundle.id);
    if (shipped === undefined) {
      shipped = bundles.files(bundle).then((files) => this.#send({ type: 'bundle', bundleId: bundle.id, files }));
      this.#shipped.set(bundle.id, shipped);
      shipped.catch(() => this.#shipped.delete(bundle.id));
    }
    await shipped;
    return { ref, bundle: { id: bundle.id, modulePath: bundle.modulePath } };
  }
}

function failed(error: Error): TaskResult {
  return { status: 'FAILED', error: serializeError(error), operatorName: undefined };
}

/** A task that never ran: its result is settled; controls do nothing. */
function finishedTask(result: Promise<TaskReport>): RunningTask {
  const nothing = (): void => {};
  return {
    result,
    cancel: nothing,
    triggerCheckpoint: nothing,
    notifyCheckpointComplete: nothing,
    notifyCheckpointAborted: nothing,
    drain: nothing,
    finish: nothing,
  };
}
