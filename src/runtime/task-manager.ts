// The TaskManager contract: runs subtasks in its slots. One implementation per kind of thread.

import type { JobModuleRef } from '../api/executor.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import type { ControlMessage, TaskResult, TaskSpec } from './protocol.ts';
import type { CheckpointType } from '../core/stream-element.ts';
import type { TaskEventListener } from './task.ts';

/** A task's result; in-process tasks also hand back the original error object. */
export type TaskReport = TaskResult & { readonly original?: unknown };

export interface RunningTask {
  readonly result: Promise<TaskReport>;
  cancel(): void;
  /** `final`: the last checkpoint of a job whose tasks are all at their end (they finish when it completes). */
  triggerCheckpoint(checkpointId: number, timestamp: number, checkpointType: CheckpointType, targetLocation?: string, final?: boolean): void;
  notifyCheckpointComplete(checkpointId: number): void;
  notifyCheckpointAborted(checkpointId: number): void;
  /** A source task ends its input now (stop --drain). */
  drain(): void;
  /** Every task reached its end and needs no final checkpoint: finish. */
  finish(): void;
}

export interface TaskManager {
  readonly id: string;
  readonly numberOfSlots: number;
  /**
   * Starts a subtask. `graph` is the client's stream graph (used by in-process TaskManagers); threads rebuild
   * their own from `jobModule`.
   */
  deploy(spec: TaskSpec, graph: StreamGraph, jobModule: JobModuleRef | undefined, events: TaskEventListener): RunningTask;
  shutdown(): Promise<void>;
}

/** A RunningTask whose calls become control messages through `send` (for tasks in other threads and processes). */
export function controlledTask(result: Promise<TaskReport>, send: (message: ControlMessage) => void): RunningTask {
  return {
    result,
    cancel: () => send({ type: 'cancel' }),
    triggerCheckpoint: (checkpointId, timestamp, checkpointType, targetLocation, final) =>
      send({ type: 'triggerCheckpoint', checkpointId, timestamp, checkpointType, targetLocation, final: final === true }),
    notifyCheckpointComplete: (checkpointId) => send({ type: 'notifyCheckpointComplete', checkpointId }),
    notifyCheckpointAborted: (checkpointId) => send({ type: 'notifyCheckpointAborted', checkpointId }),
    drain: () => send({ type: 'drain' }),
    finish: () => send({ type: 'finish' }),
  };
}
