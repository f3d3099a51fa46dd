// How an environment hands a finished program to a runtime: the PipelineExecutor contract.

import type { Configuration } from '../config/configuration.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import type { JobClient } from './job-client.ts';

/** Where worker threads find the job: a module URL, the export to call, and the job's arguments. */
export interface JobModuleRef {
  readonly url: string;
  readonly entry: string;
  readonly args: readonly string[];
}

export interface Pipeline {
  readonly streamGraph: StreamGraph;
  readonly jobGraph: JobGraph;
  readonly configuration: Configuration;
  readonly jobModule: JobModuleRef | undefined;
  /** Operator id of executeAndCollect's sink, when the client reads the job's output. */
  readonly collectOperatorId: string | undefined;
}

export interface SubmittedJob {
  readonly client: JobClient;
  /** The job's output when collecting; its `return()` cancels a job still running. */
  readonly collected: AsyncIterableIterator<unknown> | undefined;
}

export interface PipelineExecutor {
  submit(pipeline: Pipeline): Promise<SubmittedJob>;
}

export type PipelineExecutorFactory = () => PipelineExecutor;

/**
 * The executor environments use when none is given. The public entry point installs the embedded mini cluster
 * here (as Flink finds its executors through a service loader), which keeps the API layer free of the runtime.
 */
const defaultExecutor: { factory: PipelineExecutorFactory | undefined } = { factory: undefined };

export function setDefaultExecutorFactory(factory: PipelineExecutorFactory): void {
  defaultExecutor.factory = factory;
}

export function getDefaultExecutorFactory(): PipelineExecutorFactory | undefined {
  return defaultExecutor.factory;
}
