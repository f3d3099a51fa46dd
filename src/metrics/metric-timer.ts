// MetricTimer: how the registry runs periodic work (view updates, scheduled reports); injected so tests need no sleeps.

/** Runs tasks periodically. The registry gets one through its constructor. */
export interface MetricTimer {
  /** Runs `task` every `intervalMs`, first after one interval; returns a function that cancels it. */
  schedule(intervalMs: number, task: () => void): () => void;
}

/** A MetricTimer on `setInterval`; its timers are `unref`'d so metrics never keep a process alive. */
export const systemMetricTimer: MetricTimer = Object.freeze({
  schedule(intervalMs: number, task: () => void): () => void {
    const handle = setInterval(task, intervalMs);
    handle.unref();
    return () => clearInterval(handle);
  },
});
