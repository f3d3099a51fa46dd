// The context environment: while a job module runs under `sluice run` or is replayed in a worker,
// StreamExecutionEnvironment.getExecutionEnvironment() returns the environment prepared for it (Flink's
// context environment), scoped to that call by AsyncLocalStorage rather than a global.

import { AsyncLocalStorage } from 'node:async_hooks';
import type { StreamExecutionEnvironment } from './environment.ts';

const storage = new AsyncLocalStorage<StreamExecutionEnvironment>();

export function runWithContextEnvironment<R>(env: StreamExecutionEnvironment, fn: () => R): R {
  return storage.run(env, fn);
}

export function contextEnvironment(): StreamExecutionEnvironment | undefined {
  return storage.getStore();
}
