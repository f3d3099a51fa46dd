// The JobManager's log files for `/jobmanager/logs`: a listing of the log directory, and one file found by name in it.

import { createReadStream, type ReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { badRequest, notFound } from './rest-errors.ts';

export interface LogFileInfo {
  readonly name: string;
  readonly size: number;
  readonly mtime: number;
}

/** Regular files directly in `directory` (an absent directory has none), newest first. */
export async function listLogFiles(directory: string): Promise<LogFileInfo[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const out: LogFileInfo[] = [];
  for (const name of names) {
    try {
      const s = await stat(join(directory, name));
      if (s.isFile()) out.push({ name, size: s.size, mtime: s.mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  return out.sort((a, b) => b.mtime - a.mtime);
}

/**
 * Opens the log file `name` of `directory`. The name is never joined into a path as given: it must equal the
 * name of a file in the directory's listing, and anything that is or encodes a path (separators, `..`, `%`
 * escapes left after decoding, as in Flink's CVE-2020-17519) is refused with 400.
 */
export async function openLogFile(directory: string, name: string): Promise<{ info: LogFileInfo; stream: ReadStream }> {
  if (name === '' || /[/\\\0%]/.test(name) || name.includes('..') || name.length > 255) {
    throw badRequest(`log file name ${JSON.stringify(name)} is not a plain file name`);
  }
  const info = (await listLogFiles(directory)).find((f) => f.name === name);
  if (info === undefined) throw notFound(`There is no log file named ${JSON.stringify(name)}; GET /jobmanager/logs lists them`);
  return { info, stream: createReadStream(join(directory, info.name), { encoding: 'utf8' }) };
}
