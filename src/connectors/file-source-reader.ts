// The reader of a FileSource subtask: reads its files chunk by chunk with fs.promises and emits their records.

import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { InputStatus, ReaderOutput, SourceReader } from '../api/source.ts';
import type { FileSourceSplit } from './file-source.ts';
import type { StreamFormat, StreamFormatReader } from './stream-format.ts';

/** Bytes asked of the file system per read. */
export const FILE_SOURCE_CHUNK_SIZE = 64 * 1024;
const RECORDS_PER_POLL = 1024;
/** A buffer grown for a long record is given back once it is this many chunks large and empty again. */
const SHRINK_AT_CHUNKS = 16;

/** The file being read: its split, its handle once open, and the offset of the first unconsumed buffered byte. */
interface OpenFile<T> {
  readonly splitId: string;
  readonly path: string;
  /** Byte offset in the file of `buffer[pos]`: the start of the next record. */
  offset: number;
  /** Byte offset in the file of the next read. */
  readPosition: number;
  handle: FileHandle | undefined;
  /** The format's decoder for this file. */
  readonly decoder: StreamFormatReader<T>;
  endOfFile: boolean;
}

/**
 * Reads splits one after another. `pollNext` never waits: it emits the complete records already in the buffer
 * (up to ~1024), and when the buffer runs dry it starts an asynchronous open, read or close and returns
 * NOTHING_AVAILABLE; `isAvailable()` resolves when that operation is done. A failed operation is rethrown by the
 * next `pollNext`.
 */
export class FileSourceReader<T> implements SourceReader<T, FileSourceSplit> {
  readonly #queue: FileSourceSplit[] = [];
  readonly #chunkSize: number;
  #current: OpenFile<T> | undefined;
  #buffer: Buffer;
  /** Unconsumed bytes are `#buffer[#pos, #limit)`. */
  #pos = 0;
  #limit = 0;
  #inFlight: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;

  constructor(
    private readonly format: StreamFormat<T>,
    chunkSize = FILE_SOURCE_CHUNK_SIZE,
  ) {
    this.#chunkSize = chunkSize;
    this.#buffer = Buffer.allocUnsafe(2 * chunkSize);
  }

  addSplits(splits: readonly FileSourceSplit[]): void {
    this.#queue.push(...splits);
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    if (this.#failure !== undefined) {
      const { error } = this.#failure;
      this.#failure = undefined;
      throw error;
    }
    if (this.#inFlight !== undefined) return 'NOTHING_AVAILABLE';
    const file = this.#current;
    if (file === undefined) return this.#openNext();

    let count = 0;
    const emit = (record: T): void => {
      count++;
      output.collect(record);
    };
    const pos = file.decoder.read(this.#buffer, this.#pos, this.#limit, file.endOfFile, RECORDS_PER_POLL, emit);
    file.offset += pos - this.#pos;
    this.#pos = pos;
    if (count >= RECORDS_PER_POLL) return 'MORE_AVAILABLE';
    if (!file.endOfFile) {
      this.#startRead(file);
      return 'NOTHING_AVAILABLE';
    }
    if (this.#pos < this.#limit) {
      throw new Error(
        `FileSource: ${this.#limit - this.#pos} bytes at the end of ${file.path} (offset ${file.offset}) ` +
          `do not form a complete record`,
      );
    }
    this.#current = undefined;
    this.#pos = this.#limit = 0;
    const handle = file.handle;
    file.handle = undefined;
    if (handle !== undefined) this.#track(handle.close());
    return this.#inFlight !== undefined ? 'NOTHING_AVAILABLE' : this.#queue.length > 0 ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
  }

  isAvailable(): Promise<void> {
    return this.#inFlight ?? Promise.resolve();
  }

  /** The file being read at the offset of its next record, then the files not started yet. */
  snapshotState(_checkpointId?: number): FileSourceSplit[] {
    const out: FileSourceSplit[] = [];
    const file = this.#current;
    if (file !== undefined) out.push({ splitId: file.splitId, path: file.path, offset: file.offset });
    for (const s of this.#queue) out.push({ splitId: s.splitId, path: s.path, offset: s.offset });
    return out;
  }

  async close(): Promise<void> {
    await this.#inFlight;
    const handle = this.#current?.handle;
    this.#current = undefined;
    this.#queue.length = 0;
    if (handle !== undefined) await handle.close();
  }

  /** Starts opening the next split's file, or reports the end of input. */
  #openNext(): InputStatus {
    const split = this.#queue.shift();
    if (split === undefined) return 'END_OF_INPUT';
    const file: OpenFile<T> = {
      splitId: split.splitId,
      path: split.path,
      offset: split.offset,
      readPosition: split.offset,
      handle: undefined,
      decoder: this.format.createReader(split.path),
      endOfFile: false,
    };
    this.#current = file;
    this.#pos = this.#limit = 0;
    this.#track(
      open(file.path, 'r').then((handle) => {
        // close() may have run meanwhile; then nobody else will close this handle.
        if (this.#current === file) file.handle = handle;
        else return handle.close();
      }),
    );
    return 'NOTHING_AVAILABLE';
  }

  /** Moves the unconsumed bytes to the front (growing the buffer for a long record) and reads the next chunk. */
  #startRead(file: OpenFile<T>): void {
    const remaining = this.#limit - this.#pos;
    let buffer = this.#buffer;
    if (remaining === 0 && buffer.length >= SHRINK_AT_CHUNKS * this.#chunkSize) {
      buffer = Buffer.allocUnsafe(2 * this.#chunkSize);
    } else if (buffer.length - remaining < this.#chunkSize) {
      const grown = Buffer.allocUnsafe(Math.max(2 * buffer.length, remaining + this.#chunkSize));
      buffer.copy(grown, 0, this.#pos, this.#limit);
      buffer = grown;
    } else if (this.#pos > 0 && remaining > 0) {
      buffer.copy(buffer, 0, this.#pos, this.#limit);
    }
    this.#buffer = buffer;
    this.#pos = 0;
    this.#limit = remaining;
    const handle = file.handle!;
    this.#track(
      handle.read(buffer, remaining, this.#chunkSize, file.readPosition).then(({ bytesRead }) => {
        if (bytesRead === 0) file.endOfFile = true;
        file.readPosition += bytesRead;
        this.#limit += bytesRead;
      }),
    );
  }

  /** Makes `operation` the one in flight; its failure is kept for the next `pollNext`. */
  #track(operation: Promise<unknown>): void {
    const tracked: Promise<void> = operation
      .then(
        () => undefined,
        (error: unknown) => {
          this.#failure = { error };
        },
      )
      .finally(() => {
        if (this.#inFlight === tracked) this.#inFlight = undefined;
      });
    this.#inFlight = tracked;
  }
}
