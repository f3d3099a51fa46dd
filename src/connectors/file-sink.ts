// FileSink (Flink's name): row-format part files per subtask, hidden while in progress, visible once finished.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IllegalArgumentError } from '../core/errors.ts';
import type { Sink, WriterInitContext } from '../api/sink.ts';
import { formatRecord } from '../api/sinks/print-sink.ts';
import { commitPendingFiles, FileSinkWriter, type PendingFile } from './file-sink-writer.ts';
import { OutputFileConfig } from './output-file-config.ts';
import { DefaultRollingPolicy, type RollingPolicy } from './rolling-policy.ts';

/** Turns a record into one line of text (without the newline). */
export type Encoder<T> = (value: T) => string;

/**
 * The default encoder: strings as they are, everything else `JSON.stringify`-ed (Map and Set therefore encode as
 * JSON does; pass an encoder for them). What JSON cannot encode (bigint, undefined) is written as `print()`
 * writes it.
 */
export function defaultEncoder(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) return json;
  } catch {
    // bigint somewhere in the value, or a cycle: formatRecord handles the first and falls back to String().
  }
  return formatRecord(value);
}

/**
 * A sink that writes one line per record into part files in a directory. Subtask i writes
 * `<prefix>-<i>-<n><suffix>` (default `part-<i>-<n>`); the part being written is hidden as
 * `.<prefix>-<i>-<n><suffix>.inprogress` and becomes visible when it rolls (rolling policy) or at the end of the
 * input — or, when the job checkpoints, when the checkpoint after it completes (exactly-once: two-phase commit).
 * A writer closed before the end of its input leaves its part hidden. Numbering continues after the
 * highest `n` already in the directory, so a re-run never overwrites a file.
 *
 * @example
 * stream.sinkTo(
 *   FileSink.forRowFormat('/tmp/out', (e: Event) => `${e.id},${e.value}`)
 *     .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(64 * 1024 * 1024).build())
 *     .withOutputFileConfig(OutputFileConfig.builder().withPartSuffix('.csv').build())
 *     .build(),
 * );
 */
export class FileSink<T> implements Sink<T, PendingFile> {
  private constructor(
    readonly directory: string,
    readonly encoder: Encoder<T>,
    readonly rollingPolicy: RollingPolicy,
    readonly outputFileConfig: OutputFileConfig,
  ) {}

  /** Starts a builder for a sink writing lines into `directory` (a path or `file:` URL; created if missing). */
  static forRowFormat<T>(directory: string, encoder: Encoder<T> = defaultEncoder): RowFormatBuilder<T> {
    return new RowFormatBuilder(directory, encoder);
  }

  /** @internal Used by the builder, which validates. */
  static create<T>(
    directory: string,
    encoder: Encoder<T>,
    rollingPolicy: RollingPolicy,
    outputFileConfig: OutputFileConfig,
  ): FileSink<T> {
    return new FileSink(directory, encoder, rollingPolicy, outputFileConfig);
  }

  createWriter(context: WriterInitContext): FileSinkWriter<T> {
    return new FileSinkWriter<T>({
      directory: this.directory,
      subtaskIndex: context.subtaskIndex,
      encoder: this.encoder,
      rollingPolicy: this.rollingPolicy,
      outputFileConfig: this.outputFileConfig,
      clock: context.clock,
      twoPhase: context.checkpointing,
    });
  }

  /** Publishes pending part files (renames them visible); idempotent, as a restore commits again. */
  commit(files: readonly PendingFile[]): void {
    commitPendingFiles(files);
  }
}

/** Builds a row-format FileSink (Flink's `FileSink.RowFormatBuilder`). */
export class RowFormatBuilder<T> {
  #rollingPolicy: RollingPolicy = DefaultRollingPolicy.builder().build();
  #outputFileConfig = OutputFileConfig.defaults();
  readonly #directory: string;

  constructor(
    directory: string,
    private readonly encoder: Encoder<T>,
  ) {
    if (typeof directory !== 'string' || directory.length === 0) {
      throw new IllegalArgumentError(`FileSink needs a directory, got ${JSON.stringify(directory)}`);
    }
    if (typeof encoder !== 'function') {
      throw new IllegalArgumentError(`FileSink encoder must be a function (value) => string, got ${typeof encoder}`);
    }
    this.#directory = path.resolve(directory.startsWith('file:') ? fileURLToPath(directory) : directory);
  }

  /** When part files roll; default `DefaultRollingPolicy` (128 MiB, 60 s, 60 s). */
  withRollingPolicy(policy: RollingPolicy): this {
    this.#rollingPolicy = policy;
    return this;
  }

  /** How part files are named; default prefix `part`, no suffix. */
  withOutputFileConfig(config: OutputFileConfig): this {
    this.#outputFileConfig = config;
    return this;
  }

  build(): FileSink<T> {
    return FileSink.create(this.#directory, this.encoder, this.#rollingPolicy, this.#outputFileConfig);
  }
}
