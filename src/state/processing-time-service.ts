// Processing-time callbacks as a collaborator: a real one on setTimeout, a manual one for tests.

/** A scheduled callback that can be called off. */
export interface Cancellable {
  cancel(): void;
}

/** Schedules callbacks at processing (wall-clock) times (Flink's `ProcessingTimeService`). */
export interface ProcessingTimeService {
  /** The current processing time, in milliseconds since the epoch. */
  getCurrentProcessingTime(): number;
  /** Calls `callback(timestamp)` once the processing time has reached `timestamp`. */
  registerTimer(timestamp: number, callback: (timestamp: number) => void): Cancellable;
}
