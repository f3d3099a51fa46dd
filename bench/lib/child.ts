// Runs a probe script in a fresh `node --import tsx` process (fresh JIT state) and returns its JSON result.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The bench/ directory. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface ChildOptions {
  /** Extra flags for node, before the script (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[];
  /** Kill the child after this long. */
  readonly timeoutMs?: number;
}

/**
 * Runs `node --import tsx <script> ...args` with the repository as working directory (so `sluice` resolves by
 * self-reference), forwards the child's stderr, and parses the last stdout line as JSON.
 */
export function runProbe<T>(script: string, args: readonly (string | number)[], options: ChildOptions = {}): Promise<T> {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', path, ...args.map(String)], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${script} ${args.join(' ')} timed out after ${options.timeoutMs} ms`));
          }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited with ${code ?? signal}`));
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result; stdout was: ${stdout.slice(0, 500)}`));
      }
    });
  });
}

/** What a probe prints: how many records it pushed and how long the measured part took. */
export interface ThroughputSample {
  readonly records: number;
  readonly ms: number;
  readonly recordsPerSecond: number;
}

/** Prints a probe's result (its only stdout line). */
export function emitSample(records: number, ms: number, extra: Record<string, unknown> = {}): void {
  const sample: ThroughputSample = { records, ms, recordsPerSecond: records / (ms / 1000) };
  process.stdout.write(`${JSON.stringify({ ...sample, ...extra })}\n`);
}
