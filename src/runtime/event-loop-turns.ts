// When tasks give their thread's event loop a turn: every MAX_SLICE_MS, counted per thread and across waits.

/** How long a task may keep its thread before it lets timers, messages and other tasks run. */
const MAX_SLICE_MS = 5;

/**
 * When this thread last gave the event loop a turn. Shared by every task of the thread: tasks that wait on each
 * other (a full local channel, an empty one) hand over through promises alone, which never lets timers, I/O or
 * messages run, so the turn is taken by time, whoever happens to be running.
 */
let lastEventLoopTurn = performance.now();

export const yieldThread = (): Promise<void> =>
  new Promise((resolve) =>
    setImmediate(() => {
      lastEventLoopTurn = performance.now();
      resolve();
    }),
  );

/** Gives the event loop a turn when this thread has not had one for MAX_SLICE_MS (timers, messages, I/O). */
export function eventLoopTurnDue(): boolean {
  return performance.now() - lastEventLoopTurn >= MAX_SLICE_MS;
}
