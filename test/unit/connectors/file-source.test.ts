// FileSource: enumeration of files and directories, line splitting at chunk edges, and exact resume by byte offset.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSource, type FileSourceSplit } from '../../../src/connectors/file-source.ts';
import { FILE_SOURCE_CHUNK_SIZE, FileSourceReader } from '../../../src/connectors/file-source-reader.ts';
import { TextLineInputFormat } from '../../../src/connectors/text-line-input-format.ts';
import { IllegalArgumentError } from '../../../src/core/errors.ts';
import { ListOutput, drain, readerContext, tempDir } from './connector-test-utils.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function splitsOf(...paths: string[]): FileSourceSplit[] {
  return FileSource.forRecordStreamFormat(new TextLineInputFormat(), ...paths).build().enumerateSplits();
}

/** Reads splits to the end with a reader of the given chunk size. */
async function readLines(splits: readonly FileSourceSplit[], chunkSize = FILE_SOURCE_CHUNK_SIZE): Promise<string[]> {
  const reader = new FileSourceReader(new TextLineInputFormat(), chunkSize);
  reader.addSplits(splits);
  const out = new ListOutput<string>();
  await drain(reader, out);
  await reader.close();
  return out.records;
}

/** What a text should read as: split on \n, one \r stripped per line, no line after a final \n. */
function referenceLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

describe('FileSource enumeration', () => {
  it('is bounded and makes one split per file at offset 0', () => {
    const a = write('a.txt', 'x\n');
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), a).build();
    expect(source.getBoundedness()).toBe('BOUNDED');
    expect(source.enumerateSplits()).toEqual([{ splitId: '0', path: a, offset: 0 }]);
  });

  it('lists the visible regular files of a directory sorted by name, not recursively', () => {
    write('b.txt', 'b\n');
    write('a.txt', 'a\n');
    write('.part-0-0.inprogress', 'hidden\n');
    write('_SUCCESS', '');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'c.txt'), 'c\n');
    const single = write('z-single.txt', 'z\n');
    fs.symlinkSync(path.join(dir, 'a.txt'), path.join(dir, 'link.txt'));
    const splits = splitsOf(dir, single);
    expect(splits.map((s) => path.basename(s.path))).toEqual(['a.txt', 'b.txt', 'link.txt', 'z-single.txt', 'z-single.txt']);
    expect(splits.map((s) => s.splitId)).toEqual(['0', '1', '2', '3', '4']);
  });

  it('accepts file: URLs and relative paths, resolving them to absolute paths', () => {
    const a = write('a.txt', 'a\n');
    expect(splitsOf(pathToFileURL(a).href)[0]!.path).toBe(a);
    expect(splitsOf(path.relative(process.cwd(), a))[0]!.path).toBe(a);
  });

  it('rejects a missing path with an IllegalArgumentError naming it', () => {
    const missing = path.join(dir, 'nope.txt');
    expect(() => splitsOf(missing)).toThrow(IllegalArgumentError);
    expect(() => splitsOf(missing)).toThrow(missing);
    expect(() => FileSource.forRecordStreamFormat(new TextLineInputFormat()).build()).toThrow(IllegalArgumentError);
  });
});

describe('FileSource reading lines', () => {
  it('reads LF and CRLF lines, empty lines and a last line without newline', async () => {
    const file = write('mixed.txt', 'one\r\ntwo\n\nthree\r\n\r\nlast');
    expect(await readLines(splitsOf(file))).toEqual(['one', 'two', '', 'three', '', 'last']);
  });

  it('reads nothing from an empty file and one empty line from a lone newline', async () => {
    const empty = write('empty.txt', '');
    const newline = write('newline.txt', '\n');
    expect(await readLines(splitsOf(empty))).toEqual([]);
    expect(await readLines(splitsOf(newline))).toEqual(['']);
    expect(await readLines(splitsOf(empty, newline, empty))).toEqual(['']);
  });

  it('reads lines longer than a chunk', async () => {
    const long = 'x'.repeat(3 * FILE_SOURCE_CHUNK_SIZE + 17);
    const file = write('long.txt', `a\n${long}\nb\n${long}`);
    expect(await readLines(splitsOf(file))).toEqual(['a', long, 'b', long]);
    expect(await readLines(splitsOf(file), 1000)).toEqual(['a', long, 'b', long]);
  });

  it('decodes multibyte UTF-8 characters that straddle a 64 KiB chunk boundary', async () => {
    // A 4-byte emoji starting 2 bytes before the first boundary, a 3-byte character 1 byte before the second.
    const first = `${'a'.repeat(FILE_SOURCE_CHUNK_SIZE - 2)}😀 tail`;
    const second = `${'b'.repeat(FILE_SOURCE_CHUNK_SIZE - 1 - Buffer.byteLength(`${first}\n`) % FILE_SOURCE_CHUNK_SIZE)}€\r`;
    const text = `${first}\n${second}\nend ü`;
    const file = write('utf8.txt', text);
    expect(await readLines(splitsOf(file))).toEqual([first, second.slice(0, -1), 'end ü']);
  });

  it('decodes multibyte UTF-8 at every position of tiny chunks', async () => {
    const text = 'ä€😀\r\nκόσμε\n\n日本語のテキスト\r\n😀😀\nfin';
    const file = write('tiny.txt', text);
    for (let chunk = 1; chunk <= 9; chunk++) {
      expect(await readLines(splitsOf(file), chunk)).toEqual(referenceLines(text));
    }
  });

  it('skips the \\r only when it ends the line', async () => {
    const file = write('cr.txt', 'a\rb\n\r\n\rc\r\r\n');
    expect(await readLines(splitsOf(file), 2)).toEqual(['a\rb', '', '\rc\r']);
  });

  it('emits at most 1024 lines per poll and reports NOTHING_AVAILABLE while reading', async () => {
    const file = write('many.txt', Array.from({ length: 3000 }, (_, i) => `${i}`).join('\n'));
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), file).build();
    const reader = source.createReader(readerContext());
    reader.addSplits(source.enumerateSplits());
    const out = new ListOutput<string>();
    expect(reader.pollNext(out)).toBe('NOTHING_AVAILABLE'); // opening
    expect(reader.pollNext(out)).toBe('NOTHING_AVAILABLE'); // still opening: no new operation started
    await reader.isAvailable();
    expect(reader.pollNext(out)).toBe('NOTHING_AVAILABLE'); // nothing buffered yet: first read starts
    await reader.isAvailable();
    expect(reader.pollNext(out)).toBe('MORE_AVAILABLE');
    expect(out.records).toHaveLength(1024);
    await drain(reader, out);
    expect(out.records).toEqual(Array.from({ length: 3000 }, (_, i) => `${i}`));
  });

  it('fails on the next poll when a file disappeared after enumeration', async () => {
    const file = write('gone.txt', 'x\n');
    const splits = splitsOf(file);
    fs.rmSync(file);
    await expect(readLines(splits)).rejects.toThrow(/ENOENT/);
  });

  it('rejects charsets in which a newline is not one byte', () => {
    expect(() => new TextLineInputFormat('utf16le' as never)).toThrow(IllegalArgumentError);
    expect(new TextLineInputFormat('latin1').encoding).toBe('latin1');
  });
});

describe('FileSource resume', () => {
  it('snapshots the byte offset of the next line and the files not started', async () => {
    const a = write('a.txt', `${'x'.repeat(1500).split('').map((_, i) => `l${i}`).join('\n')}\n`);
    const b = write('b.txt', 'b\n');
    const reader = new FileSourceReader(new TextLineInputFormat());
    reader.addSplits(splitsOf(a, b));
    const out = new ListOutput<string>();
    while (out.records.length === 0) await drain(reader, out, 1);
    expect(out.records).toHaveLength(1024);
    const consumed = Buffer.byteLength(out.records.map((l) => `${l}\n`).join(''));
    expect(reader.snapshotState(1)).toEqual([
      { splitId: '0', path: a, offset: consumed },
      { splitId: '1', path: b, offset: 0 },
    ]);
    await reader.close();
  });

  it('resumes exactly at the next line from a snapshot taken after any poll', async () => {
    const text = 'α\r\nbeta\n\n😀 gamma\nδέλτα\r\n' + 'line\n'.repeat(5) + 'no newline at end';
    const a = write('a.txt', text);
    const b = write('b.txt', 'b1\nb2\n');
    const expected = [...referenceLines(text), 'b1', 'b2'];
    for (const chunk of [1, 3, 8, 64]) {
      for (let polls = 0; ; polls++) {
        const reader = new FileSourceReader(new TextLineInputFormat(), chunk);
        reader.addSplits(splitsOf(a, b));
        const first = new ListOutput<string>();
        const ended = await drain(reader, first, polls);
        const snapshot = structuredClone(reader.snapshotState(1));
        await reader.close();
        const rest = await readLines(snapshot, chunk);
        expect([...first.records, ...rest], `chunk ${chunk}, stopped after ${polls} polls`).toEqual(expected);
        if (ended) break;
      }
    }
  });

  it('reads any text as the reference line splitter does, at any chunk size (seeded)', async () => {
    const file = path.join(dir, 'prop.txt');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\n', '\r\n', '\r', '😀', '')), {
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 32 }),
        async (parts, chunk) => {
          const text = parts.join('');
          fs.writeFileSync(file, text);
          expect(await readLines(splitsOf(file), chunk)).toEqual(referenceLines(text));
        },
      ),
      { seed: 20240611, numRuns: 150 },
    );
  });
});
