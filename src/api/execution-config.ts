// ExecutionConfig: per-job settings reached through env.getConfig(), backed by the job's Configuration.

import { Configuration } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import { CheckpointingOptions } from '../config/checkpointing-options.ts';
import { IllegalArgumentError } from '../core/errors.ts';

export class ExecutionConfig {
  constructor(private readonly configuration: Configuration) {}

  /** Interval of periodic watermarks in ms; 0 turns them off. */
  setAutoWatermarkInterval(intervalMs: number): this {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new IllegalArgumentError(`auto watermark interval must be >= 0 ms, got ${intervalMs}`);
    }
    this.configuration.set(CoreOptions.AUTO_WATERMARK_INTERVAL, intervalMs);
    return this;
  }

  getAutoWatermarkInterval(): number {
    return this.configuration.get(CoreOptions.AUTO_WATERMARK_INTERVAL);
  }

  /** How often sources emit latency markers (ms); 0 (the default) turns latency tracking off. */
  setLatencyTrackingInterval(intervalMs: number): this {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new IllegalArgumentError(`latency tracking interval must be >= 0 ms, got ${intervalMs}`);
    }
    this.configuration.set(CoreOptions.LATENCY_INTERVAL, intervalMs);
    return this;
  }

  getLatencyTrackingInterval(): number {
    return this.configuration.get(CoreOptions.LATENCY_INTERVAL);
  }

  /** Compress keyed state snapshots (deflate) in checkpoints and savepoints. */
  setUseSnapshotCompression(useSnapshotCompression: boolean): this {
    this.configuration.set(CheckpointingOptions.SNAPSHOT_COMPRESSION, useSnapshotCompression);
    return this;
  }

  isUseSnapshotCompression(): boolean {
    return this.configuration.get(CheckpointingOptions.SNAPSHOT_COMPRESSION);
  }

  getParallelism(): number {
    return this.configuration.get(CoreOptions.DEFAULT_PARALLELISM);
  }

  getMaxParallelism(): number {
    return this.configuration.get(CoreOptions.MAX_PARALLELISM);
  }
}
