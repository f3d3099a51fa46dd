// The default executor: runs each job on a mini cluster of its own, shut down (threads released) when it ends.

import type { Pipeline, PipelineExecutor, SubmittedJob } from '../api/executor.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { componentLogger, type Logger } from '../core/logger.ts';
import { createConsoleLogger } from './console-logger.ts';
import { JobMaster } from './job-master.ts';
import { MiniCluster, miniClusterSpec, resolveRuntimeMode } from './mini-cluster.ts';

export interface EmbeddedExecutorOptions {
  clock?: Clock;
  logger?: Logger;
}

export class EmbeddedExecutor implements PipelineExecutor {
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: EmbeddedExecutorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? createConsoleLogger(process.env['SLUICE_LOG_LEVEL']);
  }

  async submit(pipeline: Pipeline): Promise<SubmittedJob> {
    const mode = resolveRuntimeMode(pipeline.jobGraph, pipeline.configuration, pipeline.jobModule !== undefined);
    const cluster = new MiniCluster(
      miniClusterSpec(pipeline.jobGraph, pipeline.configuration, mode),
      pipeline.configuration,
      this.#clock,
      this.#logger,
    );
    try {
      await cluster.ready();
    } catch (error) {
      await cluster.shutdown();
      throw error;
    }
    const master = new JobMaster(pipeline, cluster, this.#clock, componentLogger(this.#logger, 'sluice.jobmaster'));
    // The job's result is reported only after every thread of its cluster is released.
    const done = master.terminated.then(() => cluster.shutdown());
    try {
      await master.start();
    } catch (error) {
      await done;
      throw error;
    }
    return { client: master.client(done), collected: master.collected };
  }
}
