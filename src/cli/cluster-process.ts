// The detached JobManager process of `sluice cluster start|stop`: its pid file, its REST address file, liveness.

import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The files `cluster start` keeps in the log directory (`env.log.dir`). */
export interface ClusterFiles {
  /** The JobManager's pid, one line (as Flink's pid files). */
  readonly pidFile: string;
  /** The REST address it listens at, so `cluster stop` finds it even when it was started on port 0. */
  readonly restFile: string;
  /** Its stdout and stderr. */
  readonly outFile: string;
}

export function clusterFiles(logDir: string): ClusterFiles {
  return {
    pidFile: join(logDir, 'sluice-jobmanager.pid'),
    restFile: join(logDir, 'sluice-jobmanager.rest'),
    outFile: join(logDir, `sluice-jobmanager-${hostname()}.out`),
  };
}

export async function readPid(files: ClusterFiles): Promise<number | undefined> {
  const text = await readFile(files.pidFile, 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function readRestUrl(files: ClusterFiles): Promise<string | undefined> {
  const text = (await readFile(files.restFile, 'utf8').catch(() => ''))?.trim();
  return text === '' ? undefined : text;
}

export async function writeClusterFiles(files: ClusterFiles, pid: number, restUrl: string | undefined): Promise<void> {
  await writeFile(files.pidFile, `${pid}\n`);
  if (restUrl !== undefined) await writeFile(files.restFile, `${restUrl}\n`);
}

export async function removeClusterFiles(files: ClusterFiles): Promise<void> {
  await rm(files.pidFile, { force: true });
  await rm(files.restFile, { force: true });
}

/**
 * Whether `pid` is a live sluice JobManager. Where /proc exists, a zombie counts as ended and a process whose
 * command line is not `... jobmanager` as not ours (the pid was reused), so it is never signalled.
 */
export function isJobManagerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProc(pid, 'stat');
  if (stat !== undefined && /^\d+ \(.*\) Z/.test(stat)) return false;
  const cmdline = readProc(pid, 'cmdline');
  if (cmdline !== undefined && !cmdline.split('\0').includes('jobmanager')) return false;
  return true;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Polls until the process ended; resolves false if it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isJobManagerAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** The last `n` lines of a file, for an error message. */
export async function tail(file: string, n: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
