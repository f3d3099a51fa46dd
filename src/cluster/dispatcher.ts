// The Dispatcher of the session cluster: runs jobs from bundles on the shared TaskManagers, keeps finished jobs,
// and drives savepoints, stop, rescaling and savepoint disposal as asynchronous operations.

import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Pipeline, PipelineExecutor, SubmittedJob } from '../api/executor.ts';
import type { CompletedCheckpoint } from '../checkpoint/checkpoint-coordinator.ts';
import { loadCheckpoint } from '../checkpoint/checkpoint-storage.ts';
import { CheckpointingOptions } from '../config/checkpointing-options.ts';
import { Configuration, type ConfigValue } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import { RestOptions } from '../config/rest-options.ts';
import type { Clock } from '../core/clock.ts';
import { IllegalArgumentError, IllegalStateError, InvalidProgramError, NotEnoughSlotsError, SluiceError } from '../core/errors.ts';
import { isHexId } from '../core/ids.ts';
import { isGloballyTerminal, JobStatus } from '../core/job-status.ts';
import { componentLogger, type Logger } from '../core/logger.ts';
import { requiredSlots } from '../graph/job-graph.ts';
import { dumpMetrics } from '../metrics/metric-dumper.ts';
import { MetricStore } from '../metrics/metric-store.ts';
import { JobMaster } from '../runtime/job-master.ts';
import { runJobModule } from '../runtime/job-module.ts';
import { AsyncOperations, type OperationState } from './async-operations.ts';
import { DispatcherJob, type JobOrigin } from './dispatcher-job.ts';
import type { JobBundle, JobBundles } from './job-bundles.ts';
import { NotFoundError } from './not-found-error.ts';
import type { SessionCluster, TaskManagerDescription } from './session-cluster.ts';
import type { Readable } from 'node:stream';
import type { VertexLoad } from '../api/job-client.ts';
import { vertexLoads } from '../runtime/metrics/vertex-loads.ts';

/** What `POST /jars/:jarid/run` (and `/plan`) asks for, validated. */
export interface RunRequest {
  /** The module's export to run (Flink's entry class); `default` when absent. */
  readonly entry?: string;
  readonly args?: readonly string[];
  readonly parallelism?: number;
  readonly savepointPath?: string;
  readonly allowNonRestoredState?: boolean;
  /** A job id (32 hex) to run the job under instead of a generated one. */
  readonly jobId?: string;
  /** Flink's `flinkConfiguration`: configuration keys for this job (the fields above win over them). */
  readonly configuration?: Readonly<Record<string, string>>;
}

/** The outcome of a rescale: the job continues as a new job, restored from the savepoint. */
export interface RescaleResult {
  readonly jobId: string;
  readonly savepointPath: string;
}

/** Cluster-wide figures for `/overview`. */
export interface ClusterOverview {
  readonly taskManagers: number;
  readonly slotsTotal: number;
  readonly slotsAvailable: number;
  readonly jobsRunning: number;
  readonly jobsFinished: number;
  readonly jobsCancelled: number;
  readonly jobsFailed: number;
}

const DISPOSAL_SCOPE = '';
/** The plan of a bundle is captured, not run: this error ends the job function's execute(). */
class PlanCaptured extends Error {}

/**
 * Runs jobs on a SessionCluster (Flink's Dispatcher): every job is submitted through `executor` (a
 * PipelineExecutor) and gets a JobMaster whose ClusterView offers the slots it reserved from the cluster's pool.
 * Jobs run in worker threads, so they need a module; bundles always have one. Finished jobs are kept (the last
 * `jobstore.max-capacity`) for the job overview.
 *
 * @example
 * const dispatcher = new Dispatcher(cluster, bundles, configuration, systemClock, logger);
 * const jobId = await dispatcher.runBundle(bundle.id, { parallelism: 2 });
 * const triggerId = dispatcher.triggerSavepoint(jobId, '/savepoints', false);
 */
export class Dispatcher {
  readonly #jobs = new Map<string, DispatcherJob>();
  readonly #savepointOps: AsyncOperations<string>;
  readonly #rescaleOps: AsyncOperations<RescaleResult>;
  readonly #disposalOps: AsyncOperations<void>;
  #closing: Promise<void> | undefined;

  /** Submits pipelines to this cluster (jobs started by a module run elsewhere, without a bundle origin). */
  readonly executor: PipelineExecutor = { submit: (pipeline) => this.#submit(pipeline, undefined) };

  constructor(
    readonly cluster: SessionCluster,
    readonly bundles: JobBundles,
    readonly configuration: Configuration,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    const now = (): number => clock.now();
    this.#savepointOps = new AsyncOperations(1000, now);
    this.#rescaleOps = new AsyncOperations(1000, now);
    this.#disposalOps = new AsyncOperations(1000, now);
  }

  // ---- jobs ----

  /** Every job, running and archived, newest first. */
  jobs(): DispatcherJob[] {
    return [...this.#jobs.values()].reverse();
  }

  /** The job, or a NotFoundError naming the id. */
  job(jobId: string): DispatcherJob {
    const job = this.#jobs.get(jobId);
    if (job === undefined) throw new NotFoundError('job', `Job ${jobId} not found: it never ran here or was dropped from the job store`);
    return job;
  }

  overview(): ClusterOverview {
    let running = 0;
    let finished = 0;
    let cancelled = 0;
    let failed = 0;
    for (const job of this.#jobs.values()) {
      const s = job.status;
      if (s === JobStatus.FINISHED) finished++;
      else if (s === JobStatus.CANCELED) cancelled++;
      else if (s === JobStatus.FAILED) failed++;
      else running++;
    }
    const pool = this.cluster.slotPool;
    return {
      taskManagers: this.cluster.taskManagers.length,
      slotsTotal: pool.totalSlots,
      slotsAvailable: pool.availableSlots,
      jobsRunning: running,
      jobsFinished: finished,
      jobsCancelled: cancelled,
      jobsFailed: failed,
    };
  }

  /** Every metric of the cluster as the REST API reads them; running jobs' I/O counts are refreshed from it. */
  metricStore(): MetricStore {
    const store = new MetricStore();
    store.update(dumpMetrics(this.cluster.metricRegistry));
    for (const job of this.#jobs.values()) if (!isGloballyTerminal(job.status)) job.sampleIo(store);
    return store;
  }

  /** Where the job's vertex spends its time and how back-pressured it is; undefined once the job ended. */
  vertexLoad(jobId: string, vertexId: string): VertexLoad | undefined {
    const job = this.job(jobId);
    if (isGloballyTerminal(job.status)) return undefined;
    return vertexLoads(job.pipeline.jobGraph, this.cluster.metricRegistry).find((v) => v.vertexId === vertexId);
  }

  describeTaskManagers(): TaskManagerDescription[] {
    return this.cluster.describeTaskManagers();
  }

  /** Starts cancelling a running job (it ends CANCELED once every task stopped); refuses a job that already ended. */
  cancel(jobId: string): void {
    const job = this.job(jobId);
    if (isGloballyTerminal(job.status)) {
      throw new IllegalStateError(`Job ${jobId} is already ${job.status}: only a running job can be cancelled`);
    }
    void job.master.cancel();
  }

  // ---- bundles ----

  /** Where uploaded bundles are stored. */
  get uploadDirectory(): string {
    return this.bundles.directory;
  }

  listBundles(): JobBundle[] {
    return this.bundles.list();
  }

  /** Stores an upload (see JobBundles.store). */
  storeBundle(name: string, content: Readable, truncated: () => boolean): Promise<JobBundle> {
    return this.bundles.store(name, content, truncated, this.clock.now());
  }

  bundle(bundleId: string): JobBundle {
    const bundle = this.bundles.get(bundleId);
    if (bundle === undefined) throw new NotFoundError('jar', `Jar file ${bundleId} does not exist: upload it first (POST /jars/upload)`);
    return bundle;
  }

  /**
   * Runs a bundle's job function against this cluster and resolves with the id of the job it submitted
   * (detached: the job keeps running). Rejects when the module fails before it submits a job.
   */
  async runBundle(bundleId: string, request: RunRequest): Promise<string> {
    const bundle = this.bundle(bundleId);
    if (request.jobId !== undefined) {
      if (!isHexId(request.jobId)) throw new IllegalArgumentError(`jobId must be 32 lowercase hex digits, got '${request.jobId}'`);
      if (this.#jobs.has(request.jobId)) throw new IllegalStateError(`a job with id ${request.jobId} already exists`);
    }
    const origin: JobOrigin = {
      bundleId: bundle.id,
      moduleUrl: bundle.moduleUrl,
      entry: request.entry ?? 'default',
      args: [...(request.args ?? [])],
      overrides: overridesOf(request),
    };
    return this.#run(origin, request.jobId);
  }

  /** The plan of a bundle's job as it would run with `request` (its job function runs, nothing is submitted). */
  async planBundle(bundleId: string, request: RunRequest): Promise<Pipeline> {
    const bundle = this.bundle(bundleId);
    return this.#capturePlan(bundle.moduleUrl, request.entry ?? 'default', request.args ?? [], overridesOf(request));
  }

  async deleteBundle(bundleId: string): Promise<void> {
    if (!(await this.bundles.delete(bundleId))) this.bundle(bundleId);
  }

  // ---- savepoints, stop, rescaling, disposal ----

  /** Starts a savepoint (and then cancels the job if `cancelJob`); returns the trigger id to poll. */
  triggerSavepoint(jobId: string, targetDirectory: string | undefined, cancelJob: boolean): string {
    const job = this.#runningJob(jobId, cancelJob ? 'cancelled with a savepoint' : 'savepointed');
    const directory = this.#savepointDirectory(job, targetDirectory);
    const operation = (async () => {
      const savepoint = await job.master.triggerSavepoint(directory);
      job.savepoints.push(savepoint);
      // Cancelled in the same turn the savepoint completed in: no checkpoint can commit output after it.
      if (cancelJob) await job.master.cancel();
      return locationOf(savepoint);
    })();
    return this.#savepointOps.start(jobId, operation);
  }

  /** Stops the job with a savepoint (with `drain`, sources end first and every window fires). */
  stop(jobId: string, targetDirectory: string | undefined, drain: boolean): string {
    const job = this.#runningJob(jobId, 'stopped');
    const directory = this.#savepointDirectory(job, targetDirectory);
    const operation = job.master.stopWithSavepoint(directory, drain).then((savepoint) => {
      job.savepoints.push(savepoint);
      return locationOf(savepoint);
    });
    return this.#savepointOps.start(jobId, operation);
  }

  savepointStatus(jobId: string, triggerId: string): OperationState<string> {
    this.job(jobId);
    return this.#operation(this.#savepointOps.get(jobId, triggerId), triggerId, `savepoint of job ${jobId}`);
  }

  /**
   * Rescales a job to `parallelism`: savepoint, cancel, and run the same bundle, entry and arguments again at
   * the new parallelism (`parallelism.default`) from the savepoint. The job continues under a NEW job id (the
   * operation's result names it). Refused up front when the job has no bundle or the new job would not fit.
   */
  async rescale(jobId: string, parallelism: number): Promise<string> {
    if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 32768) {
      throw new IllegalArgumentError(`parallelism must be a whole number from 1 to 32768, got ${parallelism}`);
    }
    const job = this.#runningJob(jobId, 'rescaled');
    const origin = job.origin;
    if (origin === undefined) {
      throw new IllegalStateError(`Job ${jobId} was not started from an uploaded bundle, so it cannot be started again at another parallelism`);
    }
    const directory = this.#savepointDirectory(job, undefined, join(tmpdir(), 'sluice-savepoints'));
    const overrides: Record<string, ConfigValue> = { ...origin.overrides, [CoreOptions.DEFAULT_PARALLELISM.key]: parallelism };
    delete overrides[CheckpointingOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE.key];
    // Will the job fit at the new parallelism once its own slots are free again?
    const plan = await this.#capturePlan(origin.moduleUrl, origin.entry, origin.args, overrides);
    const needed = requiredSlots(plan.jobGraph).total;
    const own = (this.cluster.slotPool.reservationOf(jobId) ?? []).reduce((a, b) => a + b, 0);
    const free = this.cluster.slotPool.availableSlots + own;
    if (needed > free) {
      throw new NotEnoughSlotsError(needed, free, `rescaling job ${jobId} to parallelism ${parallelism}; the job keeps running`);
    }
    if (isGloballyTerminal(job.status)) throw new IllegalStateError(`Job ${jobId} ended while the rescale was prepared`);
    const operation = (async (): Promise<RescaleResult> => {
      const savepoint = await job.master.triggerSavepoint(directory);
      job.savepoints.push(savepoint);
      await job.master.cancel();
      await job.master.terminated;
      const savepointPath = locationOf(savepoint);
      try {
        const newJobId = await this.#run(
          { ...origin, overrides: { ...overrides, [CheckpointingOptions.SAVEPOINT_PATH.key]: savepointPath } },
          undefined,
        );
        job.rescaledTo = newJobId;
        return { jobId: newJobId, savepointPath };
      } catch (error) {
        throw new SluiceError(
          'ILLEGAL_STATE',
          `Job ${jobId} was stopped with savepoint ${savepointPath}, but starting it again at parallelism ${parallelism} ` +
            `failed: ${(error as Error).message}. Start it from the savepoint yourself (sluice run -s ${savepointPath}).`,
          { cause: error },
        );
      }
    })();
    return this.#rescaleOps.start(jobId, operation);
  }

  rescaleStatus(jobId: string, triggerId: string): OperationState<RescaleResult> {
    this.job(jobId);
    return this.#operation(this.#rescaleOps.get(jobId, triggerId), triggerId, `rescaling of job ${jobId}`);
  }

  /**
   * Deletes a savepoint directory. Only a directory whose `_metadata` is a valid savepoint is deleted, so the
   * path cannot be used to remove anything else.
   */
  disposeSavepoint(path: string): string {
    if (path.trim() === '') throw new IllegalArgumentError('savepoint-path must name a savepoint directory');
    const operation = (async () => {
      const loaded = await loadCheckpoint(path);
      if (loaded.metadata.type !== 'SAVEPOINT') {
        throw new IllegalArgumentError(`${loaded.metadataPath} is a checkpoint, not a savepoint; only savepoints are disposed`);
      }
      await rm(dirname(loaded.metadataPath), { recursive: true, force: true });
      this.logger.info('disposed savepoint', { path: dirname(loaded.metadataPath) });
    })();
    return this.#disposalOps.start(DISPOSAL_SCOPE, operation);
  }

  disposalStatus(triggerId: string): OperationState<void> {
    return this.#operation(this.#disposalOps.get(DISPOSAL_SCOPE, triggerId), triggerId, 'savepoint disposal');
  }

  // ---- lifecycle ----

  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /** Cancels every running job, waits for them to end, and stops the TaskManagers; idempotent. */
  shutdown(): Promise<void> {
    this.#closing ??= (async () => {
      const running = [...this.#jobs.values()].filter((j) => !isGloballyTerminal(j.status));
      await Promise.all(running.map((j) => j.master.cancel().catch(() => {})));
      await Promise.all(running.map((j) => j.master.terminated));
      await this.cluster.shutdown();
    })();
    return this.#closing;
  }

  // ---- internals ----

  async #submit(pipeline: Pipeline, origin: JobOrigin | undefined): Promise<SubmittedJob> {
    if (this.#closing !== undefined) throw new IllegalStateError('the cluster is shutting down and accepts no jobs');
    if (pipeline.jobModule === undefined) {
      throw new SluiceError(
        'JOB_MODULE_REQUIRED',
        `Job '${pipeline.jobGraph.jobName}' has no module: the session cluster runs every job in worker threads, which ` +
          `rebuild the job by importing its module. Upload the job module and run it (POST /jars/upload, /jars/:id/run).`,
      );
    }
    const jobId = pipeline.jobGraph.jobId;
    if (this.#jobs.has(jobId)) throw new IllegalStateError(`a job with id ${jobId} already exists`);
    const pool = this.cluster.slotPool;
    const reserved = pool.reserve(jobId, pipeline.jobGraph);
    let record: DispatcherJob | undefined;
    const view = this.cluster.jobView(reserved, () => {
      if (record !== undefined) record.sampleIo(this.#freshStore());
    });
    const master = new JobMaster(pipeline, view, this.clock, componentLogger(this.logger, 'sluice.jobmaster'));
    record = new DispatcherJob(master, pipeline, origin);
    this.#jobs.set(jobId, record);
    const job = record;
    void master.terminated.then(() => {
      pool.release(jobId);
      job.endTime = this.clock.now();
      this.#trimArchive();
      this.logger.info('job ended', { jobId, status: master.status });
    });
    await master.start();
    this.logger.info('job submitted', { jobId, name: master.jobName });
    return { client: master.client(master.terminated), collected: master.collected };
  }

  /** Runs a job module with this cluster as executor and resolves with the first job id it submits. */
  async #run(origin: JobOrigin, jobId: string | undefined): Promise<string> {
    const configuration = this.configuration.merge(new Configuration(origin.overrides));
    let first = true;
    let resolveSubmitted!: (id: string) => void;
    let rejectSubmitted!: (e: unknown) => void;
    const submitted = new Promise<string>((resolve, reject) => {
      resolveSubmitted = resolve;
      rejectSubmitted = reject;
    });
    const executor: PipelineExecutor = {
      submit: async (pipeline) => {
        let p = pipeline;
        if (first && jobId !== undefined) p = { ...pipeline, jobGraph: { ...pipeline.jobGraph, jobId } };
        first = false;
        try {
          const job = await this.#submit(p, origin);
          resolveSubmitted(p.jobGraph.jobId);
          return job;
        } catch (error) {
          rejectSubmitted(error);
          throw error;
        }
      },
    };
    const run = runJobModule(origin.moduleUrl, { entry: origin.entry, args: origin.args, configuration, executor });
    run.then(
      () => rejectSubmitted(new InvalidProgramError(`the job function '${origin.entry}' of ${origin.bundleId} returned without calling execute()`)),
      (error: unknown) => {
        rejectSubmitted(error);
        this.logger.debug('job function ended with an error', { bundle: origin.bundleId, error: String(error) });
      },
    );
    return submitted;
  }

  /** Runs a module's job function with an executor that captures the pipeline instead of running it. */
  async #capturePlan(
    moduleUrl: string,
    entry: string,
    args: readonly string[],
    overrides: Readonly<Record<string, ConfigValue>>,
  ): Promise<Pipeline> {
    const configuration = this.configuration.merge(new Configuration(overrides));
    let capture!: (p: Pipeline) => void;
    const captured = new Promise<Pipeline>((resolve) => (capture = resolve));
    const executor: PipelineExecutor = {
      submit: async (pipeline) => {
        capture(pipeline);
        throw new PlanCaptured('plan captured');
      },
    };
    const run = runJobModule(moduleUrl, { entry, args, configuration, executor });
    const ended = run.then(
      () => {
        throw new InvalidProgramError(`the job function '${entry}' returned without calling execute()`);
      },
      (error: unknown) => {
        if (error instanceof PlanCaptured) return new Promise<never>(() => {});
        throw error;
      },
    );
    return Promise.race([captured, ended]);
  }

  #freshStore(): MetricStore {
    const store = new MetricStore();
    store.update(dumpMetrics(this.cluster.metricRegistry));
    return store;
  }

  #runningJob(jobId: string, what: string): DispatcherJob {
    const job = this.job(jobId);
    if (job.status !== JobStatus.RUNNING) {
      throw new IllegalStateError(`Job ${jobId} is ${job.status}: only a RUNNING job can be ${what}`);
    }
    return job;
  }

  #savepointDirectory(job: DispatcherJob, requested: string | undefined, fallback?: string): string {
    if (requested !== undefined && requested.trim() !== '') return requested;
    const fromJob = job.pipeline.configuration.get(CheckpointingOptions.SAVEPOINT_DIRECTORY);
    if (fromJob !== '') return fromJob;
    const fromCluster = this.configuration.get(CheckpointingOptions.SAVEPOINT_DIRECTORY);
    if (fromCluster !== '') return fromCluster;
    if (fallback !== undefined) return fallback;
    throw new IllegalArgumentError(
      'Config key [state.savepoints.dir] is not set. Property [target-directory] must be provided ' +
        '(sluice savepoint <jobId> <targetDirectory>).',
    );
  }

  #operation<R>(state: OperationState<R> | undefined, triggerId: string, what: string): OperationState<R> {
    if (state === undefined) throw new NotFoundError('trigger', `There is no ${what} with trigger id ${triggerId}`);
    return state;
  }

  /** Drops the oldest finished jobs beyond `jobstore.max-capacity`. */
  #trimArchive(): void {
    const capacity = this.configuration.get(RestOptions.JOBSTORE_MAX_CAPACITY);
    const finished = [...this.#jobs.values()].filter((j) => isGloballyTerminal(j.status));
    for (const job of finished.slice(0, Math.max(0, finished.length - capacity))) this.#jobs.delete(job.jobId);
  }
}

/** The configuration a run request overrides. */
function overridesOf(request: RunRequest): Record<string, ConfigValue> {
  const overrides: Record<string, ConfigValue> = { ...request.configuration };
  if (request.parallelism !== undefined) overrides[CoreOptions.DEFAULT_PARALLELISM.key] = request.parallelism;
  if (request.savepointPath !== undefined && request.savepointPath !== '') {
    overrides[CheckpointingOptions.SAVEPOINT_PATH.key] = request.savepointPath;
  }
  if (request.allowNonRestoredState === true) overrides[CheckpointingOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE.key] = true;
  return overrides;
}

/** A savepoint's directory (`.../savepoint-<jobid6>-<hex>`), as Flink reports its location. */
function locationOf(savepoint: CompletedCheckpoint): string {
  return dirname(savepoint.externalPath!);
}
