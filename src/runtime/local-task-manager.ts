// A TaskManager whose slots run in this thread: every closure works, nothing is serialised.

import type { JobModuleRef } from '../api/executor.ts';
import type { Clock } from '../core/clock.ts';
import { serializeError } from '../core/errors.ts';
import { componentLogger, type Logger } from '../core/logger.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import type { ThreadChannels } from './channel-endpoints.ts';
import { explainFailure, failedOperatorOf } from './failure-annotation.ts';
import type { TaskSpec } from './protocol.ts';
import { Task, type TaskEventListener } from './task.ts';
import type { TaskManagerMetrics } from './metrics/task-manager-metrics.ts';
import type { RunningTask, TaskManager, TaskReport } from './task-manager.ts';

export class LocalTaskManager implements TaskManager {
  constructor(
    readonly id: string,
    readonly numberOfSlots: number,
    private readonly channels: ThreadChannels,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: TaskManagerMetrics,
  ) {}

  deploy(spec: TaskSpec, graph: StreamGraph, _jobModule: JobModuleRef | undefined, events: TaskEventListener): RunningTask {
    const taskGroup = this.metrics.taskGroup(spec);
    const task = new Task(spec, {
      metrics: taskGroup,
      graph,
      openOutput: this.channels.openOutput,
      openInput: this.channels.openInput,
      releaseChannels: this.channels.release,
      clock: this.clock,
      logger: componentLogger(this.logger, 'sluice.task').child({ task: `${spec.vertexName} (${spec.subtaskIndex + 1}/${spec.parallelism})` }),
      events,
    });
    const result: Promise<TaskReport> = task
      .run()
      .then(
        (status): TaskReport => ({ status }),
        (error: unknown): TaskReport => ({ status: 'FAILED', error: serializeError(explainFailure(error)), operatorName: failedOperatorOf(error), original: error }),
      )
      .finally(() => taskGroup.close());
    return {
      result,
      cancel: () => task.cancel(),
      triggerCheckpoint: (id, ts, type, target, final) => task.triggerCheckpoint(id, ts, type, target, final),
      notifyCheckpointComplete: (id) => task.notifyCheckpointComplete(id),
      notifyCheckpointAborted: (id) => task.notifyCheckpointAborted(id),
      drain: () => task.drain(),
      finish: () => task.finishAtEndOfInput(),
    };
  }

  async shutdown(): Promise<void> {
    this.metrics.close();
  }
}
