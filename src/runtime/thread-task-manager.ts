// A TaskManager that is one worker thread, run by a piscina pool of exactly one thread. Each deployed subtask is a
// long-running piscina task on that thread (concurrentTasksPerWorker = slots), so piscina owns the thread's life
// cycle, start-up, crash detection and teardown, while subtasks talk to each other over their own MessagePorts.

import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { JobModuleRef } from '../api/executor.ts';
import { SluiceError, serializeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import {
  transferablePorts,
  type ControlMessage,
  type DeployTaskMessage,
  type MetricsMessage,
  type TaskEventMessage,
  type TaskResult,
  type TaskSpec,
} from './protocol.ts';
import type { MetricSettings } from '../config/metric-options.ts';
import type { MetricDump } from '../metrics/metric-dump.ts';
import { controlledTask, type RunningTask, type TaskManager, type TaskReport } from './task-manager.ts';
import type { TaskEventListener } from './task.ts';
import { deliverTaskEvent } from './task-event-delivery.ts';
import type { BridgedTask } from './remote/remote-channels.ts';

const WORKER_URL = new URL('./task-manager-worker.mjs', import.meta.url).href;

/** Where the thread's metric dumps go: mirrored into the main registry (`RemoteMetrics`), or sent on. */
export interface MetricDumpSink {
  applyDumps(source: string, dumps: readonly MetricDump[]): void;
  removeSource(source: string): void;
}

/** Bridges a task's channel ends in other processes to ports before it goes to the thread (`RemoteChannels`). */
export interface TaskChannelBridge {
  bridge(spec: TaskSpec): BridgedTask;
}

export interface ThreadTaskManagerOptions {
  /** Needed once tasks have channels to other processes (a cluster with TaskManager processes). */
  readonly remoteChannels?: TaskChannelBridge;
}

export class ThreadTaskManager implements TaskManager {
  readonly #pool: Piscina;

  constructor(
    readonly id: string,
    readonly numberOfSlots: number,
    private readonly logger: Logger,
    private readonly metricSettings: MetricSettings,
    private readonly remoteMetrics: MetricDumpSink,
    private readonly options: ThreadTaskManagerOptions = {},
  ) {
    this.#pool = new Piscina({
      filename: WORKER_URL,
      minThreads: 1,
      maxThreads: 1,
      concurrentTasksPerWorker: Math.max(1, numberOfSlots) * 64,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Subtasks are long-running and async: the thread's event loop must never block waiting for work.
      atomics: 'disabled',
      execArgv: [],
    });
  }

  deploy(spec: TaskSpec, _graph: StreamGraph, jobModule: JobModuleRef | undefined, events: TaskEventListener): RunningTask {
    if (jobModule === undefined) {
      throw new SluiceError('JOB_MODULE_REQUIRED', 'a worker-thread TaskManager needs the job module to rebuild the job');
    }
    return this.run(spec, jobModule, events);
  }

  /** Starts a subtask on the thread, which rebuilds the job from `jobModule` (no client graph needed). */
  run(planned: TaskSpec, jobModule: JobModuleRef, events: TaskEventListener): RunningTask {
    const bridged = this.options.remoteChannels?.bridge(planned);
    const spec = bridged?.spec ?? planned;
    const control = new MessageChannel();
    control.port1.on('message', (m: MetricsMessage | TaskEventMessage) => {
      if (m.kind === 'metrics') this.remoteMetrics.applyDumps(m.source, m.dumps);
      else deliverTaskEvent(m, events);
    });
    const message: DeployTaskMessage = {
      task: spec,
      jobModule,
      control: control.port2,
      taskManagerId: this.id,
      metricSettings: this.metricSettings,
    };
    const ran = this.#pool.run(message, { transferList: [control.port2, ...transferablePorts(spec)] }) as Promise<TaskResult>;
    const result: Promise<TaskReport> = (
      bridged === undefined
        ? ran
        : Promise.race([
            ran,
            // A channel into another process could not be opened: the task cannot run; stop it and report why.
            bridged.failure.then((error): TaskResult => {
              send({ type: 'cancel' });
              return { status: 'FAILED', error: serializeError(error), operatorName: undefined };
            }),
          ])
    )
      .then((r) => {
        if (r.metrics !== undefined) this.remoteMetrics.applyDumps(r.metrics.source, r.metrics.dumps);
        return r;
      })
      .catch((error: unknown): TaskReport => {
      this.logger.error('TaskManager thread failed', { taskManager: this.id, error: String(error) });
      return {
        status: 'FAILED',
        error: serializeError(
          new SluiceError('TASK_FAILED', `TaskManager thread ${this.id} died: ${(error as Error).message}`, { cause: error }),
        ),
        operatorName: undefined,
      };
    });
    void result.finally(() => {
      control.port1.close();
      bridged?.release();
    });
    let open = true;
    void result.finally(() => (open = false));
    const send = (m: ControlMessage): void => {
      if (open) control.port1.postMessage(m);
    };
    return controlledTask(result, send);
  }

  async shutdown(): Promise<void> {
    this.remoteMetrics.removeSource(this.id);
    await this.#pool.destroy();
  }
}
