// Runs every benchmark (or those whose names contain a CLI argument) in a fresh process; JSON lines on stdout.
//
//   npm run bench                 # everything (~2 minutes on 2 cores)
//   npm run bench -- chain        # chain-throughput, chain-vs-node-streams, chain-vs-rxjs
//   BENCH_REPETITIONS=3 npm run bench -- rxjs

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Benchmark {
  readonly file: string;
  /** The result lines the file prints. */
  readonly names: readonly string[];
}

const BENCHMARKS: readonly Benchmark[] = [
  { file: 'chain-throughput.ts', names: ['chain-throughput'] },
  { file: 'chain-vs-node-streams.ts', names: ['chain-vs-node-streams'] },
  { file: 'chain-vs-rxjs.ts', names: ['chain-vs-rxjs'] },
  { file: 'exchange-throughput.ts', names: ['exchange-throughput', 'exchange-throughput-p2'] },
  { file: 'backpressure-memory.ts', names: ['backpressure-memory'] },
  { file: 'metrics-overhead.ts', names: ['metrics-overhead'] },
  { file: 'keyed-state-throughput.ts', names: ['keyed-state-throughput', 'keyed-state-job'] },
  { file: 'window-throughput.ts', names: ['window-tumbling', 'window-sliding', 'window-sliding-vs-tumbling'] },
  {
    file: 'checkpoint.ts',
    names: [
      'checkpoint-overhead-memory',
      'checkpoint-overhead-file',
      'checkpoint-overhead-leveldb',
      'checkpoint-write-file',
      'incremental-size-leveldb',
      'recovery-time-file',
    ],
  },
];

// Names select benchmarks; `--flag value` pairs after them are passed to the benchmark files (e.g. checkpoint's).
const argv = process.argv.slice(2);
const firstFlag = argv.findIndex((a) => a.startsWith('--'));
const filters = firstFlag < 0 ? argv : argv.slice(0, firstFlag);
const passThrough = firstFlag < 0 ? [] : argv.slice(firstFlag);
const selected = BENCHMARKS.filter((b) => filters.length === 0 || b.names.some((n) => filters.some((f) => n.includes(f))));
if (selected.length === 0) {
  process.stderr.write(`no benchmark matches ${filters.join(' ')}; known: ${BENCHMARKS.flatMap((b) => b.names).join(', ')}\n`);
  process.exit(2);
}

function runFile(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...passThrough], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const started = performance.now();
let failures = 0;
for (const b of selected) {
  process.stderr.write(`# ${b.names.join(', ')}\n`);
  const code = await runFile(b.file);
  if (code !== 0) {
    failures++;
    process.stderr.write(`# ${b.file} failed (exit ${code})\n`);
  }
}
process.stderr.write(`# done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
process.exitCode = failures > 0 ? 1 : 0;
