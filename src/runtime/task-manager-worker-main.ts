// The code of a TaskManager thread: rebuilds the job from its module once per job and runs deployed subtasks.

import type { JobModuleRef } from '../api/executor.ts';
import { systemClock } from '../core/clock.ts';
import { SluiceError, serializeError } from '../core/errors.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import { ThreadChannels } from './channel-endpoints.ts';
import { componentLogger } from '../core/logger.ts';
import { createConsoleLogger } from './console-logger.ts';
import { explainFailure, failedOperatorOf } from './failure-annotation.ts';
import { replayJobModule } from './job-module.ts';
import type { ControlMessage, DeployTaskMessage, MetricsMessage, TaskEventMessage, TaskResult } from './protocol.ts';
import { MetricRegistry } from '../metrics/metric-registry.ts';
import { dumpMetrics } from '../metrics/metric-dumper.ts';
import { TaskManagerMetrics } from './metrics/task-manager-metrics.ts';
import type { MessagePort } from 'node:worker_threads';
import { Task, type TaskEventListener } from './task.ts';

/** This thread's TaskManager state: its channels and the jobs it has rebuilt. */
const channels = new ThreadChannels();
const replays = new Map<string, Promise<StreamGraph>>();
const logger = createConsoleLogger(process.env['SLUICE_LOG_LEVEL']);

/** This thread's metrics; reporters live in the main thread, which mirrors the dumps sent from here. */
let metrics: TaskManagerMetrics | undefined;
const DUMP_INTERVAL_MS = 1000;
const livePorts = new Set<MessagePort>();
let dumper: NodeJS.Timeout | undefined;

function threadMetrics(message: DeployTaskMessage): TaskManagerMetrics {
  if (metrics === undefined) {
    const registry = new MetricRegistry({ ...message.metricSettings, reporters: [] }, systemClock, logger);
    metrics = new TaskManagerMetrics(registry, message.taskManagerId);
  }
  return metrics;
}

function metricsMessage(): MetricsMessage | undefined {
  return metrics === undefined ? undefined : { kind: 'metrics', source: metrics.taskManagerId, dumps: dumpMetrics(metrics.registry) };
}

/** Sends the whole thread's metrics over any live control port, about once a second while tasks run. */
function sendDumps(): void {
  const port = livePorts.values().next().value;
  const message = metricsMessage();
  if (message !== undefined && port !== undefined) port.postMessage(message);
}

function trackPort(port: MessagePort): void {
  livePorts.add(port);
  dumper ??= setInterval(sendDumps, DUMP_INTERVAL_MS);
}

function untrackPort(port: MessagePort): void {
  livePorts.delete(port);
  if (livePorts.size === 0 && dumper !== undefined) {
    clearInterval(dumper);
    dumper = undefined;
  }
}

/**
 * The job's graph for one subtask index, replayed from the module once per (job, subtask index) in this thread:
 * every subtask index gets its own function objects, as Flink's subtasks get theirs by deserialisation, so classes
 * with `#private` fields work however many subtasks of an operator share the thread (copies could not carry them).
 */
function replay(spec: DeployTaskMessage['task'], ref: JobModuleRef): Promise<StreamGraph> {
  const key = `${spec.jobId}#${spec.subtaskIndex}`;
  let graph = replays.get(key);
  if (graph === undefined) {
    graph = replayJobModule(ref, spec.configuration);
    replays.set(key, graph);
    // Keep the most recent ones only.
    if (replays.size > 32) replays.delete(replays.keys().next().value!);
  }
  return graph;
}

export default async function runTask(message: DeployTaskMessage): Promise<TaskResult> {
  const { task: spec, control } = message;
  let task: Task | undefined;
  let cancelled = false;
  control.on('message', (m: ControlMessage) => {
    switch (m.type) {
      case 'cancel':
        cancelled = true;
        task?.cancel();
        break;
      case 'triggerCheckpoint':
        if (task === undefined) events.declineCheckpoint(m.checkpointId, new SluiceError('ILLEGAL_STATE', 'the task is still starting'));
        else task.triggerCheckpoint(m.checkpointId, m.timestamp, m.checkpointType, m.targetLocation, m.final);
        break;
      case 'notifyCheckpointComplete':
        task?.notifyCheckpointComplete(m.checkpointId);
        break;
      case 'notifyCheckpointAborted':
        task?.notifyCheckpointAborted(m.checkpointId);
        break;
      case 'drain':
        task?.drain();
        break;
      case 'finish':
        task?.finishAtEndOfInput();
        break;
    }
  });
  const send = (m: TaskEventMessage): void => {
    try {
      control.postMessage(m);
    } catch {
      // The port closed: the JobManager no longer listens for this task.
    }
  };
  const events: TaskEventListener = {
    acknowledgeCheckpoint: (checkpointId, state) => send({ kind: 'acknowledgeCheckpoint', checkpointId, state }),
    declineCheckpoint: (checkpointId, error) => send({ kind: 'declineCheckpoint', checkpointId, error: serializeError(error) }),
    endOfInput: () => send({ kind: 'endOfInput' }),
    running: () => send({ kind: 'running' }),
  };
  const taskGroup = threadMetrics(message).taskGroup(spec);
  trackPort(control);
  try {
    const graph = await replay(spec, message.jobModule);
    task = new Task(spec, {
      metrics: taskGroup,
      graph,
      openOutput: channels.openOutput,
      openInput: channels.openInput,
      releaseChannels: channels.release,
      clock: systemClock,
      logger: componentLogger(logger, 'sluice.task').child({ task: `${spec.vertexName} (${spec.subtaskIndex + 1}/${spec.parallelism})` }),
      events,
    });
    if (cancelled) task.cancel();
    const status = await task.run();
    return withMetrics({ status });
  } catch (error) {
    return withMetrics({ status: 'FAILED', error: serializeError(explainFailure(error)), operatorName: failedOperatorOf(error) });
  } finally {
    untrackPort(control);
    taskGroup.close();
    control.close();
  }
}

/** The result with the thread's metrics as this task ends (its own included, before its group closes). */
function withMetrics(result: TaskResult): TaskResult {
  const message = metricsMessage();
  return message === undefined ? result : { ...result, metrics: message };
}
