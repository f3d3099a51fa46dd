// Helpers for driving source readers and sink writers directly in connector unit tests.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ReaderOutput, SourceReader, SourceReaderContext, SourceSplit } from '../../../src/api/source.ts';
import type { WriterInitContext } from '../../../src/api/sink.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { ManualClock, type Clock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';

/** A reader context for subtask `subtaskIndex` of `parallelism`. */
export function readerContext(subtaskIndex = 0, parallelism = 1, clock: Clock = new ManualClock()): SourceReaderContext {
  return { subtaskIndex, parallelism, config: new Configuration(), clock, logger: silentLogger };
}

/** A writer context for subtask `subtaskIndex` of `parallelism`. */
export function writerContext(subtaskIndex = 0, parallelism = 1, clock: Clock = new ManualClock()): WriterInitContext {
  return { subtaskIndex, parallelism, attemptNumber: 0, jobId: 'job', clock, logger: silentLogger, checkpointing: false };
}

/** A ReaderOutput that keeps what it is given. */
export class ListOutput<T> implements ReaderOutput<T> {
  readonly records: T[] = [];
  collect(record: T): void {
    this.records.push(record);
  }
}

/**
 * Polls until END_OF_INPUT (awaiting isAvailable on NOTHING_AVAILABLE), or until `maxPolls` polls have returned,
 * and reports whether the input ended.
 */
export async function drain<T, S extends SourceSplit>(
  reader: SourceReader<T, S>,
  output: ReaderOutput<T>,
  maxPolls = Infinity,
): Promise<boolean> {
  for (let polls = 0; polls < maxPolls; polls++) {
    const status = reader.pollNext(output);
    if (status === 'END_OF_INPUT') return true;
    if (status === 'NOTHING_AVAILABLE') await reader.isAvailable();
    if (polls > 10_000_000) throw new Error('reader never ended');
  }
  return false;
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
