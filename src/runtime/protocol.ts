// Everything that crosses from the JobManager to a TaskManager thread or process and back: plain, typed data only.

import type { MessagePort } from 'node:worker_threads';
import type { JobModuleRef } from '../api/executor.ts';
import type { SourceSplit } from '../api/source.ts';
import type { ConfigValue } from '../config/configuration.ts';
import type { SerializedError } from '../core/errors.ts';
import type { ChainedOperator } from '../graph/job-graph.ts';
import type { ShipStrategy } from '../graph/stream-graph.ts';
import type { MetricSettings } from '../config/metric-options.ts';
import type { MetricDump } from '../metrics/metric-dump.ts';
import type { TaskStateSnapshot } from '../checkpoint/checkpoint-coordinator.ts';
import type { CheckpointType } from '../core/stream-element.ts';
import type { KeyedStateHandle, StreamStateHandle } from '../state/state-handle.ts';

/** Where a process accepts data channels from other processes (its data server). */
export interface DataAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * A channel end whose other end is in another process (framed TCP). The producer's end carries `connect`, the
 * consumer's process's data address; the consumer's end has none and is met there by `id`. The main thread of
 * each process bridges it to a MessageChannel, so a worker thread only ever sees `port` ends.
 */
export interface RemoteChannelEndpoint {
  readonly kind: 'remote';
  readonly id: string;
  readonly capacity: number;
  readonly connect?: DataAddress;
}

/**
 * One end of a channel: met by id in the same thread, a transferred MessagePort across threads, or framed TCP
 * across processes.
 */
export type ChannelEndpoint =
  | { readonly kind: 'local'; readonly id: string; readonly capacity: number }
  | { readonly kind: 'port'; readonly port: MessagePort; readonly capacity: number }
  | RemoteChannelEndpoint;

export interface OutputEdgeSpec {
  readonly edgeId: string;
  /** The operator in this task's chain that writes to the edge. */
  readonly operatorId: string;
  readonly shipStrategy: ShipStrategy;
  readonly consumerMaxParallelism: number;
  /** In channel order: by consumer subtask (all-to-all) or the connected consumers in order (pointwise). */
  readonly channels: ChannelEndpoint[];
}

export interface InputChannelSpec {
  readonly edgeId: string;
  readonly inputIndex: number;
  readonly producerSubtask: number;
  readonly channel: ChannelEndpoint;
}

/** How a task takes part in checkpoints (absent: checkpointing is off). */
export interface TaskCheckpointSettings {
  /** EXACTLY_ONCE aligns barriers; AT_LEAST_ONCE does not block channels. */
  readonly aligned: boolean;
  /** The job's checkpoint directory (`<dir>/<jobId>`), or undefined for JobManager (memory) storage. */
  readonly rootDir: string | undefined;
  readonly compression: boolean;
  readonly inlineLimitBytes: number;
  /** Parts up to this size are inlined into a savepoint's `_metadata` (the fs memory threshold). */
  readonly savepointInlineLimitBytes: number;
  /** `state.backend.async` (FsStateBackend's asynchronousSnapshots): false writes the snapshot before records flow on. */
  readonly asyncSnapshots: boolean;
  /** Local recovery (`state.backend.local-recovery`): this task's directory of local state copies. */
  readonly localRecoveryDir?: string;
  /**
   * At end of input the task reports it and waits for the JobManager: once every task reached its end, the
   * JobManager either lets them finish or (checkpointing on, or a stop with --drain) takes a final checkpoint
   * or savepoint of them all (no barriers: nothing flows any more); a task finishes when that is complete, so
   * two-phase-commit sinks publish their last output exactly once even if something fails after.
   */
  readonly awaitEndOfInput: boolean;
}

/** State one operator of the task restores from. */
export interface OperatorRestoreSpec {
  /** Keyed handles of the old subtasks whose key groups overlap this subtask's. */
  readonly keyed: readonly KeyedStateHandle[];
  /** Operator-state handles of every old subtask, by old subtask index (undefined where it had none). */
  readonly operatorState: readonly (StreamStateHandle | undefined)[];
}

/** What a task restores from: a completed checkpoint or savepoint. */
export interface TaskRestoreSpec {
  readonly checkpointId: number;
  /** Resolves the handles' file paths. */
  readonly rootDir: string | undefined;
  readonly operators: Readonly<Record<string, OperatorRestoreSpec>>;
}

/** Everything a TaskManager needs to run one subtask, apart from the user functions it gets by replay. */
export interface TaskSpec {
  readonly jobId: string;
  readonly jobName: string;
  readonly vertexId: string;
  readonly vertexName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly attemptNumber: number;
  readonly operators: ChainedOperator[];
  readonly inputs: InputChannelSpec[];
  readonly outputs: OutputEdgeSpec[];
  /** The channel to the client, when this chain holds executeAndCollect's sink. */
  readonly collect: { readonly operatorId: string; readonly channel: ChannelEndpoint } | undefined;
  readonly splits: SourceSplit[];
  readonly configuration: Record<string, ConfigValue>;
  readonly checkpointing?: TaskCheckpointSettings;
  readonly restore?: TaskRestoreSpec;
}

/** What the JobManager sends a TaskManager thread to start a subtask. */
export interface DeployTaskMessage {
  readonly task: TaskSpec;
  readonly jobModule: JobModuleRef;
  /** Control messages for this subtask (cancel); the thread's metric dumps travel back on it. */
  readonly control: MessagePort;
  readonly taskManagerId: string;
  /** Metric scopes and settings (plain data from `readMetricSettings`). */
  readonly metricSettings: MetricSettings;
}

/** A TaskManager thread's metrics, all of them, sent about once a second. */
export interface MetricsMessage {
  readonly kind: 'metrics';
  readonly source: string;
  readonly dumps: MetricDump[];
}

/** JobManager -> task. */
export type ControlMessage =
  | { readonly type: 'cancel' }
  | {
      readonly type: 'triggerCheckpoint';
      readonly checkpointId: number;
      readonly timestamp: number;
      readonly checkpointType: CheckpointType;
      readonly targetLocation: string | undefined;
      readonly final: boolean;
    }
  | { readonly type: 'notifyCheckpointComplete'; readonly checkpointId: number }
  | { readonly type: 'notifyCheckpointAborted'; readonly checkpointId: number }
  /** Stop reading: a source ends its input now (stop --drain). */
  | { readonly type: 'drain' }
  /** Every task is at its end and no final checkpoint is needed: finish. */
  | { readonly type: 'finish' };

/** Task -> JobManager, besides metrics. */
export type TaskEventMessage =
  | { readonly kind: 'acknowledgeCheckpoint'; readonly checkpointId: number; readonly state: TaskStateSnapshot }
  | { readonly kind: 'declineCheckpoint'; readonly checkpointId: number; readonly error: SerializedError }
  | { readonly kind: 'endOfInput' }
  | { readonly kind: 'running' };

/**
 * How a subtask ended. A thread's last metric dump rides on the result: results and control-port messages do
 * not order against each other, so a dump sent on the port could arrive after the port is closed.
 */
export type TaskResult = (
  | { readonly status: 'FINISHED' }
  | { readonly status: 'CANCELED' }
  | { readonly status: 'FAILED'; readonly error: SerializedError; readonly operatorName: string | undefined }
) & { readonly metrics?: MetricsMessage };

/** Every MessagePort inside a task spec, for the transfer list. */
export function transferablePorts(spec: TaskSpec): MessagePort[] {
  const ports: MessagePort[] = [];
  const add = (e: ChannelEndpoint): void => {
    if (e.kind === 'port') ports.push(e.port);
  };
  for (const input of spec.inputs) add(input.channel);
  for (const output of spec.outputs) output.channels.forEach(add);
  if (spec.collect !== undefined) add(spec.collect.channel);
  return ports;
}

// ---- JobManager <-> TaskManager process (control connection; msgpackr over framed TCP) ----

/** Bumped whenever a message below changes shape: a JobManager refuses a TaskManager of another version. */
export const CLUSTER_PROTOCOL_VERSION = 1;

/** The job module a TaskManager process imports: a bundle shipped to it, or a URL it must be able to read. */
export interface DeployedJobModule {
  readonly ref: JobModuleRef;
  /** Set when the module lies in a job bundle: the TaskManager imports its own copy of the bundle. */
  readonly bundle?: { readonly id: string; readonly modulePath: string };
}

/** One file of a job bundle, by its path relative to the bundle's directory ('/'-separated). */
export interface BundleFile {
  readonly path: string;
  readonly data: Uint8Array;
}

/** TaskManager process -> JobManager. */
export type TaskManagerMessage =
  | {
      readonly type: 'register';
      readonly protocolVersion: number;
      readonly resourceId: string;
      readonly slots: number;
      readonly dataAddress: DataAddress;
      readonly hostname: string;
      readonly pid: number;
    }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'taskEvent'; readonly deploymentId: number; readonly event: TaskEventMessage }
  | { readonly type: 'taskResult'; readonly deploymentId: number; readonly result: TaskResult }
  | { readonly type: 'metrics'; readonly metrics: MetricsMessage };

/** JobManager -> TaskManager process. */
export type JobManagerMessage =
  | {
      readonly type: 'registered';
      readonly taskManagerId: string;
      readonly heartbeatIntervalMs: number;
      readonly heartbeatTimeoutMs: number;
      readonly metricSettings: MetricSettings;
    }
  | { readonly type: 'refused'; readonly reason: string }
  | { readonly type: 'heartbeat' }
  /** A job bundle's files, sent once per connection before the first deployment that imports it. */
  | { readonly type: 'bundle'; readonly bundleId: string; readonly files: readonly BundleFile[] }
  | { readonly type: 'deploy'; readonly deploymentId: number; readonly task: TaskSpec; readonly module: DeployedJobModule }
  | { readonly type: 'control'; readonly deploymentId: number; readonly message: ControlMessage }
  /** The cluster shuts down (DELETE /cluster): the TaskManager process cancels its tasks and exits. */
  | { readonly type: 'shutdown' };
