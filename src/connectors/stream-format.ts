// StreamFormat (Flink's name): how a FileSource turns the bytes of a file into records, chunk by chunk.

/**
 * Decodes the records of one file. The file reader owns the I/O and the position; the format only finds record
 * boundaries, so a position is always a byte offset at the start of a record.
 */
export interface StreamFormatReader<T> {
  /**
   * Decodes complete records from `bytes[start, end)`, passing each to `emit`, at most `maxRecords` of them, and
   * returns the index just past the last byte consumed (`start` when no complete record is there). When
   * `endOfFile` is true, the bytes up to `end` are the rest of the file and a final record without a terminator
   * is complete. Between calls, the bytes from `start` are the unconsumed bytes of the previous call followed by
   * newly read ones, so a reader may remember how far it has already searched.
   */
  read(
    bytes: Buffer,
    start: number,
    end: number,
    endOfFile: boolean,
    maxRecords: number,
    emit: (record: T) => void,
  ): number;
}

/**
 * A record format over a byte stream, for `FileSource.forRecordStreamFormat`.
 *
 * @example
 * FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data/in').build();
 */
export interface StreamFormat<T> {
  /** A reader for one file, positioned at a record boundary. */
  createReader(path: string): StreamFormatReader<T>;
}
