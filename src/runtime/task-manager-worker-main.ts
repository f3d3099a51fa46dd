// The code of a TaskManager thread: rebuilds the job from its module once per job and runs deployed subtasks.

import type { JobModuleRef } from '../api/executor.ts';
import { systemClock } from '../core/clock.ts';
import { serializeError } from '../core/errors.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import { ThreadChannels } from './channel-endpoints.ts';
import { createConsoleLogger } from './console-logger.ts';
import { failedOperatorOf } from './failure-annotation.ts';
import { replayJobModule } from './job-module.ts';
import type { ControlMessage, DeployTaskMessage, TaskResult } from './protocol.ts';
import { Task } from './task.ts';

/** This thread's TaskManager state: its channels and the jobs it has rebuilt. */
const channels = new ThreadChannels();
const replays = new Map<string, Promise<StreamGraph>>();
const logger = createConsoleLogger(process.env['SLUICE_LOG_LEVEL']);

function replay(jobId: string, ref: JobModuleRef, configuration: DeployTaskMessage['task']['configuration']): Promise<StreamGraph> {
  let graph = replays.get(jobId);
  if (graph === undefined) {
    graph = replayJobModule(ref, configuration);
    replays.set(jobId, graph);
    // Keep the few most recent jobs only.
    if (replays.size > 8) replays.delete(replays.keys().next().value!);
  }
  return graph;
}

export default async function runTask(message: DeployTaskMessage): Promise<TaskResult> {
  const { task: spec, control } = message;
  let task: Task | undefined;
  let cancelled = false;
  control.on('message', (m: ControlMessage) => {
    if (m.type === 'cancel') {
      cancelled = true;
      task?.cancel();
    }
  });
  try {
    const graph = await replay(spec.jobId, message.jobModule, spec.configuration);
    task = new Task(spec, {
      graph,
      openOutput: channels.openOutput,
      openInput: channels.openInput,
      releaseChannels: channels.release,
      clock: systemClock,
      logger: logger.child({ task: `${spec.vertexName} (${spec.subtaskIndex + 1}/${spec.parallelism})` }),
    });
    if (cancelled) task.cancel();
    const status = await task.run();
    return { status };
  } catch (error) {
    return { status: 'FAILED', error: serializeError(error), operatorName: failedOperatorOf(error) };
  } finally {
    control.close();
  }
}
