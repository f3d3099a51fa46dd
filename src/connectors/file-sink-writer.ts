// The writer of a FileSink subtask: buffers lines, writes part files, rolls them and makes finished parts visible.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../core/clock.ts';
import { IllegalStateError } from '../core/errors.ts';
import type { SinkWriter, SinkWriterContext } from '../api/sink.ts';
import type { Encoder } from './file-sink.ts';
import type { OutputFileConfig } from './output-file-config.ts';
import type { PartFileInfo, RollingPolicy } from './rolling-policy.ts';

/** Bytes buffered in memory before a synchronous write. */
export const FILE_SINK_BUFFER_SIZE = 64 * 1024;
const NEWLINE = 0x0a;
/** A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * A closed part file waiting to become visible: plain data, so a later two-phase-commit sink can put it into a
 * checkpoint and commit it when the checkpoint completes.
 */
export interface PendingFile {
  /** The hidden file holding the data. */
  readonly inProgressPath: string;
  /** The visible name it gets on commit. */
  readonly finalPath: string;
  /** Its size in bytes. */
  readonly size: number;
}

/** What a FileSinkWriter needs; given by `FileSink.createWriter`. */
export interface FileSinkWriterOptions<T> {
  readonly directory: string;
  readonly subtaskIndex: number;
  readonly encoder: Encoder<T>;
  readonly rollingPolicy: RollingPolicy;
  readonly outputFileConfig: OutputFileConfig;
  readonly clock: Clock;
  /**
   * Two-phase commit (the job checkpoints): finished parts stay hidden until `FileSink.commit` publishes the
   * committables `prepareCommit` handed over; else a part is published as soon as it is finished.
   */
  readonly twoPhase?: boolean;
}

/** The part file being written. */
interface InProgressPart extends PartFileInfo {
  readonly index: number;
  readonly fd: number;
  readonly inProgressPath: string;
  readonly finalPath: string;
  creationTime: number;
  lastUpdateTime: number;
  size: number;
}

/**
 * Writes the records of one subtask. `write` encodes into a 64 KiB buffer and writes it with `fs.writeSync` when
 * full, on roll and on flush. Finishing is split in two steps, `prepareCommit` (close parts, hand them over) and
 * `commit` (rename them visible). Without checkpoints a roll and the end of input run both at once; with them
 * (`twoPhase`) `prepareCommit` runs at each checkpoint and the sink commits when the checkpoint completes.
 *
 * A part file cannot be resumed after a failure, so with checkpoints the part in progress always rolls at a
 * checkpoint (Flink's OnCheckpointRollingPolicy): everything written before a completed checkpoint is in a part
 * that checkpoint commits, and what came after is replayed into new parts.
 */
export class FileSinkWriter<T> implements SinkWriter<T, PendingFile> {
  readonly #options: FileSinkWriterOptions<T>;
  readonly #buffer = Buffer.allocUnsafe(FILE_SINK_BUFFER_SIZE);
  #buffered = 0;
  #part: InProgressPart | undefined;
  /** Parts closed but not yet handed to `commit`. */
  #closedParts: PendingFile[] = [];
  #nextIndex: number;
  #closed = false;

  constructor(options: FileSinkWriterOptions<T>) {
    this.#options = options;
    fs.mkdirSync(options.directory, { recursive: true });
    this.#nextIndex = nextPartIndex(options.directory, options.outputFileConfig, options.subtaskIndex);
  }

  /** The number the next part file gets. */
  get nextPartIndex(): number {
    return this.#nextIndex;
  }

  write(element: T, _context?: SinkWriterContext): void {
    if (this.#closed) throw new IllegalStateError('FileSinkWriter.write after close');
    const { clock, rollingPolicy, encoder } = this.#options;
    const now = clock.now();
    let part = this.#part;
    if (
      part !== undefined &&
      (rollingPolicy.shouldRollOnProcessingTime(part, now) || rollingPolicy.shouldRollOnEvent(part))
    ) {
      this.#roll();
      part = undefined;
    }
    if (part === undefined) part = this.#openPart(now);

    const text = encoder(element);
    // Cheap bound first; the exact byte length only when the bound says the buffer might overflow.
    if (this.#buffered + text.length * MAX_UTF8_BYTES_PER_UNIT + 1 > this.#buffer.length) {
      const bytes = Buffer.byteLength(text, 'utf8') + 1;
      if (this.#buffered + bytes > this.#buffer.length) {
        this.#writeBuffer();
        if (bytes > this.#buffer.length) {
          // Larger than the buffer: write it straight through.
          const encoded = Buffer.from(`${text}\n`, 'utf8');
          writeFully(part.fd, encoded, encoded.length);
          part.size += encoded.length;
          part.lastUpdateTime = now;
          return;
        }
      }
    }
    const n = this.#buffer.write(text, this.#buffered, 'utf8');
    this.#buffer[this.#buffered + n] = NEWLINE;
    this.#buffered += n + 1;
    part.size += n + 1;
    part.lastUpdateTime = now;
  }

  /**
   * Writes the buffer out; at the end of input also finishes the part (made visible at once without two-phase
   * commit, handed to the next `prepareCommit` with it).
   */
  flush(endOfInput: boolean): void {
    if (this.#closed) return;
    this.#writeBuffer();
    if (!endOfInput) return;
    if (this.#part !== undefined) this.#closePart();
    if (!this.#options.twoPhase) this.commit(this.prepareCommit());
  }

  /**
   * Phase one of finishing: closes the part in progress (a checkpoint, or the end of input) and returns every
   * closed part not handed over yet, still hidden.
   */
  prepareCommit(): PendingFile[] {
    if (this.#part !== undefined) this.#closePart();
    const pending = this.#closedParts;
    this.#closedParts = [];
    return pending;
  }

  /**
   * Phase two: renames each pending file to its visible name. Idempotent: a file already renamed (a commit
   * repeated after recovery) is skipped.
   */
  commit(files: readonly PendingFile[]): void {
    commitPendingFiles(files);
  }

  /** Writes out the buffer and closes the file; a part not finished stays hidden. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const part = this.#part;
    this.#part = undefined;
    if (part === undefined) return;
    try {
      this.#writeBuffer(part);
    } finally {
      fs.closeSync(part.fd);
    }
  }

  #openPart(now: number): InProgressPart {
    const { directory, outputFileConfig, subtaskIndex } = this.#options;
    const index = this.#nextIndex++;
    const name = `${outputFileConfig.partPrefix}-${subtaskIndex}-${index}${outputFileConfig.partSuffix}`;
    const inProgressPath = path.join(directory, `.${name}.inprogress`);
    // 'wx': fail rather than overwrite, should another writer have taken the same name.
    const fd = fs.openSync(inProgressPath, 'wx');
    const part: InProgressPart = {
      index,
      fd,
      inProgressPath,
      finalPath: path.join(directory, name),
      creationTime: now,
      lastUpdateTime: now,
      size: 0,
    };
    this.#part = part;
    return part;
  }

  /** Writes out, syncs and closes the in-progress part; it joins the closed parts. */
  #closePart(): void {
    const part = this.#part!;
    this.#part = undefined;
    try {
      this.#writeBuffer(part);
      fs.fsyncSync(part.fd);
    } finally {
      fs.closeSync(part.fd);
    }
    this.#closedParts.push({ inProgressPath: part.inProgressPath, finalPath: part.finalPath, size: part.size });
  }

  #roll(): void {
    this.#closePart();
    // Without checkpoints a rolled part is finished at once; with them, at the next checkpoint's completion.
    if (!this.#options.twoPhase) this.commit(this.prepareCommit());
  }

  #writeBuffer(part: InProgressPart | undefined = this.#part): void {
    if (this.#buffered === 0 || part === undefined) return;
    writeFully(part.fd, this.#buffer, this.#buffered);
    this.#buffered = 0;
  }
}

function writeFully(fd: number, bytes: Buffer, length: number): void {
  let offset = 0;
  while (offset < length) offset += fs.writeSync(fd, bytes, offset, length - offset);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One past the highest part number of this subtask in the directory, visible or hidden (in progress, pending). */
function nextPartIndex(directory: string, config: OutputFileConfig, subtaskIndex: number): number {
  const base = `${escapeRegExp(config.partPrefix)}-${subtaskIndex}-(\\d+)${escapeRegExp(config.partSuffix)}`;
  const pattern = new RegExp(`^(?:${base}|\\.${base}\\.[a-z]+)$`);
  let next = 0;
  for (const name of fs.readdirSync(directory)) {
    const m = pattern.exec(name);
    if (m === null) continue;
    const n = Number(m[1] ?? m[2]);
    if (Number.isSafeInteger(n) && n >= next) next = n + 1;
  }
  return next;
}

/** Renames each pending file to its visible name; a file already renamed (a repeated commit) is skipped. */
export function commitPendingFiles(files: readonly PendingFile[]): void {
  for (const file of files) {
    try {
      fs.renameSync(file.inProgressPath, file.finalPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(file.finalPath)) continue;
      throw error;
    }
  }
}
