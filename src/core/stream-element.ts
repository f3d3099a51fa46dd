// The stream element union: what travels in-band through channels, in order, between tasks.

/** Timestamp of a record that carries none (Flink's `hasTimestamp() == false`). */
export const NO_TIMESTAMP = Number.NEGATIVE_INFINITY;
/** The watermark that closes a stream: every event-time timer and window fires before it. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
/** The watermark a task starts with before any input has reported one. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;

/**
 * A batch of records as it travels through a channel: values and, when any record has one, their timestamps
 * (`NO_TIMESTAMP` where a record has none). Records are never wrapped one by one on the hot path.
 */
export interface RecordBatch<T = unknown> {
  readonly kind: 'records';
  readonly values: T[];
  timestamps: number[] | null;
}

export interface Watermark {
  readonly kind: 'watermark';
  readonly timestamp: number;
}

/**
 * A producer's watermark status (Flink's WatermarkStatus): an idle producer holds back no downstream watermark
 * until it is active again.
 */
export interface WatermarkStatus {
  readonly kind: 'status';
  readonly idle: boolean;
}

export type CheckpointType = 'CHECKPOINT' | 'SAVEPOINT';

export interface CheckpointBarrier {
  readonly kind: 'barrier';
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly checkpointType: CheckpointType;
  /** Unaligned delivery (AT_LEAST_ONCE): the barrier does not block its channel. */
  readonly unaligned: boolean;
  /** A savepoint's own directory (its state files go there); undefined: the checkpoint directory. */
  readonly targetLocation?: string;
}

export interface LatencyMarker {
  readonly kind: 'latency';
  readonly markedTime: number;
  readonly operatorId: string;
  readonly subtaskIndex: number;
}

/** The last element a producer subtask sends on a channel. */
export interface EndOfPartition {
  readonly kind: 'end';
}

export type StreamEvent = Watermark | WatermarkStatus | CheckpointBarrier | LatencyMarker | EndOfPartition;
export type ChannelItem<T = unknown> = RecordBatch<T> | StreamEvent;

export const END_OF_PARTITION: EndOfPartition = Object.freeze({ kind: 'end' });

export function watermark(timestamp: number): Watermark {
  return { kind: 'watermark', timestamp };
}

export const WATERMARK_STATUS_IDLE: WatermarkStatus = Object.freeze({ kind: 'status', idle: true });
export const WATERMARK_STATUS_ACTIVE: WatermarkStatus = Object.freeze({ kind: 'status', idle: false });

export function watermarkStatus(idle: boolean): WatermarkStatus {
  return idle ? WATERMARK_STATUS_IDLE : WATERMARK_STATUS_ACTIVE;
}

export function recordBatch<T>(values: T[], timestamps: number[] | null = null): RecordBatch<T> {
  return { kind: 'records', values, timestamps };
}
