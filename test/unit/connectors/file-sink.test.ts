// FileSink: part file naming and hiding, rolling by size and time, numbering continuation, encoders, commit seam.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSink } from '../../../src/connectors/file-sink.ts';
import { FILE_SINK_BUFFER_SIZE } from '../../../src/connectors/file-sink-writer.ts';
import { OutputFileConfig } from '../../../src/connectors/output-file-config.ts';
import { DefaultRollingPolicy } from '../../../src/connectors/rolling-policy.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import { IllegalArgumentError } from '../../../src/core/errors.ts';
import { tempDir, writerContext } from './connector-test-utils.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const ctx = { currentWatermark: () => Number.NEGATIVE_INFINITY, timestamp: () => null };
const files = (d = dir): string[] => fs.readdirSync(d).sort();
const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

describe('FileSink', () => {
  it('writes one line per record into a hidden part that becomes visible at the end of input', () => {
    const writer = FileSink.forRowFormat<unknown>(dir).build().createWriter(writerContext(0, 1));
    writer.write('plain string', ctx);
    writer.write({ id: 1, name: 'a' }, ctx);
    writer.write(42, ctx);
    writer.write(10n, ctx);
    expect(files()).toEqual(['.part-0-0.inprogress']);
    writer.flush(false);
    expect(read('.part-0-0.inprogress')).toBe('plain string\n{"id":1,"name":"a"}\n42\n10\n');
    writer.flush(true);
    writer.close();
    expect(files()).toEqual(['part-0-0']);
    expect(read('part-0-0')).toBe('plain string\n{"id":1,"name":"a"}\n42\n10\n');
  });

  it('names parts after the subtask and creates no file for a subtask without records', () => {
    const sink = FileSink.forRowFormat<string>(dir).build();
    const idle = sink.createWriter(writerContext(0, 4));
    const busy = sink.createWriter(writerContext(3, 4));
    busy.write('x', ctx);
    idle.flush(true);
    busy.flush(true);
    expect(files()).toEqual(['part-3-0']);
  });

  it('uses a custom encoder and output file config', () => {
    const sink = FileSink.forRowFormat(dir, (e: { id: number; v: string }) => `${e.id},${e.v}`)
      .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix('events').withPartSuffix('.csv').build())
      .build();
    const writer = sink.createWriter(writerContext(1, 2));
    writer.write({ id: 1, v: 'a' }, ctx);
    writer.write({ id: 2, v: 'b' }, ctx);
    writer.flush(false);
    expect(files()).toEqual(['.events-1-0.csv.inprogress']);
    writer.flush(true);
    expect(files()).toEqual(['events-1-0.csv']);
    expect(read('events-1-0.csv')).toBe('1,a\n2,b\n');
  });

  it('leaves the part hidden when closed before the end of input', () => {
    const writer = FileSink.forRowFormat<string>(dir).build().createWriter(writerContext());
    writer.write('a', ctx);
    writer.close();
    expect(files()).toEqual(['.part-0-0.inprogress']);
    expect(read('.part-0-0.inprogress')).toBe('a\n');
    expect(() => writer.write('b', ctx)).toThrow();
  });

  it('creates a missing directory', () => {
    const nested = path.join(dir, 'a', 'b');
    const writer = FileSink.forRowFormat<string>(nested).build().createWriter(writerContext());
    writer.write('x', ctx);
    writer.flush(true);
    expect(files(nested)).toEqual(['part-0-0']);
  });

  it('rolls when a part reaches the maximum size, counting bytes', () => {
    const policy = DefaultRollingPolicy.builder().withMaxPartSize(10).build();
    const writer = FileSink.forRowFormat<string>(dir).withRollingPolicy(policy).build().createWriter(writerContext());
    writer.write('aaaa', ctx);
    writer.write('bbbb', ctx); // 10 bytes: rolls before the next record
    expect(files()).toEqual(['.part-0-0.inprogress']);
    writer.write('éé', ctx); // 5 bytes
    expect(files()).toEqual(['.part-0-1.inprogress', 'part-0-0']);
    expect(read('part-0-0')).toBe('aaaa\nbbbb\n');
    writer.write('éé', ctx); // 10 bytes
    writer.write('c', ctx);
    writer.flush(true);
    expect(files()).toEqual(['part-0-0', 'part-0-1', 'part-0-2']);
    expect(read('part-0-1')).toBe('éé\néé\n');
    expect(read('part-0-2')).toBe('c\n');
  });

  it('rolls after the rollover interval and after inactivity, on the next write', () => {
    const clock = new ManualClock(1_000);
    const policy = DefaultRollingPolicy.builder().withRolloverInterval(1_000).withInactivityInterval(300).build();
    const writer = FileSink.forRowFormat<string>(dir)
      .withRollingPolicy(policy)
      .build()
      .createWriter(writerContext(0, 1, clock));
    writer.write('a', ctx);
    clock.advance(250);
    writer.write('b', ctx);
    clock.advance(250);
    writer.write('c', ctx);
    clock.advance(250);
    writer.write('d', ctx);
    clock.advance(250); // part 0 is 1000 ms old
    writer.write('e', ctx);
    clock.advance(299);
    writer.write('f', ctx);
    clock.advance(300); // 300 ms without a write
    writer.write('g', ctx);
    writer.flush(true);
    expect(files()).toEqual(['part-0-0', 'part-0-1', 'part-0-2']);
    expect([read('part-0-0'), read('part-0-1'), read('part-0-2')]).toEqual(['a\nb\nc\nd\n', 'e\nf\n', 'g\n']);
  });

  it('continues numbering after the highest part of its subtask, hidden or visible', () => {
    const sink = FileSink.forRowFormat<string>(dir).build();
    const first = sink.createWriter(writerContext());
    first.write('run 1', ctx);
    first.flush(true);
    const second = sink.createWriter(writerContext());
    expect(second.nextPartIndex).toBe(1);
    second.write('run 2', ctx);
    second.close(); // crashed run: part 1 stays hidden
    fs.writeFileSync(path.join(dir, 'part-1-9'), 'other subtask\n');
    fs.writeFileSync(path.join(dir, 'part-0-7x'), 'not a part file\n');
    fs.writeFileSync(path.join(dir, 'part-0-4'), 'older\n');
    const third = sink.createWriter(writerContext());
    expect(third.nextPartIndex).toBe(5);
    third.write('run 3', ctx);
    third.flush(true);
    expect(files()).toEqual(['.part-0-1.inprogress', 'part-0-0', 'part-0-4', 'part-0-5', 'part-0-7x', 'part-1-9']);
    expect(read('part-0-0')).toBe('run 1\n');
    expect(read('part-0-5')).toBe('run 3\n');
    expect(sink.createWriter(writerContext(1, 2)).nextPartIndex).toBe(10);
  });

  it('writes the buffer out once it passes 64 KiB, and records larger than the buffer straight through', () => {
    const writer = FileSink.forRowFormat<string>(dir).build().createWriter(writerContext());
    const line = 'y'.repeat(999); // 1000 bytes with the newline
    const inProgress = path.join(dir, '.part-0-0.inprogress');
    for (let i = 0; i < 65; i++) writer.write(line, ctx);
    expect(fs.statSync(inProgress).size).toBe(0); // 65,000 bytes buffered
    writer.write(line, ctx);
    expect(fs.statSync(inProgress).size).toBe(65_000); // the 66th would pass 64 KiB
    const huge = 'z'.repeat(FILE_SINK_BUFFER_SIZE * 2);
    writer.write(huge, ctx);
    writer.write('after', ctx);
    writer.flush(true);
    const text = read('part-0-0').split('\n');
    expect(text.slice(-4)).toEqual([line, huge, 'after', '']);
  });

  it('two-phase commit: prepareCommit rolls and hands over hidden parts, commit makes them visible, idempotently', () => {
    const sink = FileSink.forRowFormat<string>(dir).build();
    const writer = sink.createWriter({ ...writerContext(), checkpointing: true });
    expect(writer.prepareCommit()).toEqual([]); // nothing written since the last checkpoint
    writer.write('a', ctx);
    writer.write('b', ctx);
    const atCheckpoint = writer.prepareCommit(); // the part in progress always rolls at a checkpoint
    expect(atCheckpoint).toEqual([
      { inProgressPath: path.join(dir, '.part-0-0.inprogress'), finalPath: path.join(dir, 'part-0-0'), size: 4 },
    ]);
    writer.write('c', ctx);
    writer.flush(true); // end of input: the part closes but stays hidden until committed
    expect(files()).toEqual(['.part-0-0.inprogress', '.part-0-1.inprogress']);
    const atEnd = writer.prepareCommit();
    expect(atEnd.map((f) => path.basename(f.finalPath))).toEqual(['part-0-1']);
    expect(files()).toEqual(['.part-0-0.inprogress', '.part-0-1.inprogress']);
    sink.commit([...atCheckpoint, ...atEnd]);
    sink.commit(atCheckpoint); // repeated after a recovery: no error
    expect(files()).toEqual(['part-0-0', 'part-0-1']);
    expect(read('part-0-0')).toBe('a\nb\n');
    expect(() => sink.commit([{ ...atEnd[0]!, finalPath: path.join(dir, 'elsewhere') }])).toThrow(/ENOENT/);
  });

  it('validates its builders', () => {
    expect(() => DefaultRollingPolicy.builder().withMaxPartSize(0)).toThrow(IllegalArgumentError);
    expect(() => DefaultRollingPolicy.builder().withRolloverInterval(-1)).toThrow(IllegalArgumentError);
    expect(() => OutputFileConfig.builder().withPartPrefix('.hidden')).toThrow(IllegalArgumentError);
    expect(() => OutputFileConfig.builder().withPartPrefix('a/b')).toThrow(IllegalArgumentError);
    expect(() => OutputFileConfig.builder().withPartSuffix('/x')).toThrow(IllegalArgumentError);
    expect(() => FileSink.forRowFormat('')).toThrow(IllegalArgumentError);
  });
});
