// How a FileSink names its part files (Flink's OutputFileConfig): `<prefix>-<subtask>-<n><suffix>`.

import { IllegalArgumentError } from '../core/errors.ts';

/**
 * The prefix and suffix of part file names. Defaults: `part` and no suffix, so files are `part-<subtask>-<n>`.
 *
 * @example
 * OutputFileConfig.builder().withPartPrefix('events').withPartSuffix('.jsonl').build(); // events-0-0.jsonl
 */
export class OutputFileConfig {
  private constructor(
    readonly partPrefix: string,
    readonly partSuffix: string,
  ) {
    Object.freeze(this);
  }

  /** A builder starting from the defaults. */
  static builder(): OutputFileConfigBuilder {
    return new OutputFileConfigBuilder();
  }

  /** The defaults: prefix `part`, no suffix. */
  static defaults(): OutputFileConfig {
    return new OutputFileConfig('part', '');
  }

  /** @internal Used by the builder, which validates. */
  static create(partPrefix: string, partSuffix: string): OutputFileConfig {
    return new OutputFileConfig(partPrefix, partSuffix);
  }
}

/** Builds an OutputFileConfig; prefix and suffix may not contain path separators. */
export class OutputFileConfigBuilder {
  #prefix = 'part';
  #suffix = '';

  /** The start of every part file name; non-empty, and not starting with `.` or `_` (that would hide the files). */
  withPartPrefix(prefix: string): this {
    if (typeof prefix !== 'string' || prefix.length === 0 || /[\\/]/.test(prefix) || /^[._]/.test(prefix)) {
      throw new IllegalArgumentError(
        `OutputFileConfig part prefix must be a non-empty file name part not starting with '.' or '_', got ${JSON.stringify(prefix)}`,
      );
    }
    this.#prefix = prefix;
    return this;
  }

  /** The end of every part file name, such as `.jsonl`; may be empty. */
  withPartSuffix(suffix: string): this {
    if (typeof suffix !== 'string' || /[\\/]/.test(suffix)) {
      throw new IllegalArgumentError(`OutputFileConfig part suffix may not contain path separators, got ${JSON.stringify(suffix)}`);
    }
    this.#suffix = suffix;
    return this;
  }

  build(): OutputFileConfig {
    return OutputFileConfig.create(this.#prefix, this.#suffix);
  }
}
