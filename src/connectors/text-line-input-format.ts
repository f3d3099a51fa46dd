// TextLineInputFormat (Flink's name): one record per line of text, lines end at '\n' with an optional '\r' before it.

import { IllegalArgumentError } from '../core/errors.ts';
import type { StreamFormat, StreamFormatReader } from './stream-format.ts';

/** Encodings in which the byte 0x0A is always a newline, so lines can be found before decoding. */
export type TextLineCharset = 'utf8' | 'utf-8' | 'UTF-8' | 'latin1' | 'ascii';

const CHARSETS: ReadonlySet<string> = new Set(['utf8', 'utf-8', 'UTF-8', 'latin1', 'ascii']);
const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads a text file as lines: splits on the `\n` byte (safe for UTF-8, where that byte occurs in no other
 * character), strips one trailing `\r`, and decodes each line. A last line without a newline is a line; an empty
 * file has none.
 *
 * @example
 * FileSource.forRecordStreamFormat(new TextLineInputFormat(), 'input.txt').build();
 */
export class TextLineInputFormat implements StreamFormat<string> {
  readonly encoding: BufferEncoding;

  constructor(readonly charset: TextLineCharset = 'UTF-8') {
    if (!CHARSETS.has(charset)) {
      throw new IllegalArgumentError(
        `TextLineInputFormat supports ${[...CHARSETS].join(', ')}; got ${String(charset)}`,
      );
    }
    this.encoding = charset === 'latin1' || charset === 'ascii' ? charset : 'utf8';
  }

  createReader(): StreamFormatReader<string> {
    return new TextLineReader(this.encoding);
  }
}

/** Finds lines with `Buffer.indexOf`; remembers how far a partial line was searched, so a long line costs O(n). */
class TextLineReader implements StreamFormatReader<string> {
  /** Bytes after `start` already searched without finding a newline. */
  #searched = 0;

  constructor(private readonly encoding: BufferEncoding) {}

  read(
    bytes: Buffer,
    start: number,
    end: number,
    endOfFile: boolean,
    maxRecords: number,
    emit: (record: string) => void,
  ): number {
    const encoding = this.encoding;
    let pos = start;
    let count = 0;
    let from = start + this.#searched;
    while (count < maxRecords && pos < end) {
      let nl = from < end ? bytes.indexOf(LF, from) : -1;
      if (nl >= end) nl = -1;
      if (nl < 0) {
        if (!endOfFile) {
          this.#searched = end - pos;
          return pos;
        }
        nl = end; // the last line has no newline
      }
      const lineEnd = nl > pos && bytes[nl - 1] === CR ? nl - 1 : nl;
      emit(bytes.toString(encoding, pos, lineEnd));
      count++;
      pos = nl + 1 > end ? end : nl + 1;
      from = pos;
    }
    this.#searched = 0;
    return pos;
  }
}
