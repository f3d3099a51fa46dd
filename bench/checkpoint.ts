// Benchmarks of checkpointing, one row per backend (`<benchmark>-<backend>`), each against a baseline of the same run:
//   checkpoint-overhead: a keyed job at full speed with checkpoints every interval vs the same job without.
//   checkpoint-write:    snapshot ~100 MB of heap keyed state (capture, encode, write, fsync) vs writing the same
//                        bytes sequentially with fsync (file backend).
//   incremental-size:    LevelDB state of --keys keys, 1% updated: incremental checkpoint bytes / full bytes.
//   recovery-time:       restore --state-mb of heap state from the local-recovery copy vs the checkpoint storage.
// Parameters (npm run bench -- checkpoint --keys 200000 --interval 500 --backend file):
//   --backend memory|file|leveldb|all   --keys N (1000000)   --records N (keys * 20)   --interval ms (1000)
//   --state-mb N (100, checkpoint-write)

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { alternate } from './lib/alternate.ts';
import { runProbe } from './lib/child.ts';
import { note, report } from './lib/report.ts';
import { formatRate, median } from './lib/stats.ts';
import { REPETITIONS } from './lib/workload.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    backend: { type: 'string', default: 'all' },
    keys: { type: 'string', default: '1000000' },
    records: { type: 'string' },
    interval: { type: 'string', default: '1000' },
    'state-mb': { type: 'string', default: '100' },
  },
  allowPositionals: true,
});
const keys = Number(values.keys);
/** Records per run: enough for ~10 checkpoints at the heap backends' speed; LevelDB (far slower at 1M keys) runs fewer. */
const recordsFor = (backend: string): number => Number(values.records ?? (backend === 'leveldb' ? keys * 2 : keys * 20));
const interval = Number(values.interval);
const backends = values.backend === 'all' ? ['memory', 'file', 'leveldb'] : [values.backend!];

interface JobSample {
  recordsPerSecond: number;
  checkpoints: number;
}

const table: string[][] = [['benchmark', 'backend', 'with', 'without', 'ratio', 'checkpoints']];
for (const backend of backends) {
  const dir = await mkdtemp(join(tmpdir(), `sluice-bench-${backend}-`));
  try {
    const [withCp, without] = await alternate<JobSample & { records: number; ms: number }>(
      [
        { label: `${backend}, checkpoint every ${interval} ms`, script: 'probes/checkpoint-job.ts', args: [backend, 'on', keys, recordsFor(backend), interval, dir] },
        { label: `${backend}, no checkpoints`, script: 'probes/checkpoint-job.ts', args: [backend, 'off', keys, recordsFor(backend), interval, dir] },
      ],
      REPETITIONS,
    );
    const checkpoints = median(withCp!.samples.map((s) => s.checkpoints));
    const ratio = withCp!.median / without!.median;
    report(
      { name: `checkpoint-overhead-${backend}`, value: withCp!.median, unit: 'records/s', baseline: 'same job and backend without checkpoints', baselineValue: without!.median, ratio },
      `${formatRate(withCp!.median)} with checkpoints every ${interval} ms (${checkpoints} completed) vs ${formatRate(without!.median)} ` +
        `without (${keys} keys, ${recordsFor(backend)} records, ValueState per key, in-process; target >= ${backend === 'leveldb' ? 0.8 : 0.9})`,
    );
    table.push(['checkpoint-overhead', backend, formatRate(withCp!.median), formatRate(without!.median), ratio.toFixed(3), String(checkpoints)]);

    if (backend === 'file') {
      const samples: { snapshotMs: number; diskMs: number; bytes: number }[] = [];
      for (let r = 0; r < REPETITIONS; r++) {
        samples.push(await runProbe('probes/checkpoint-write.ts', [backend, values['state-mb']!, dir]));
      }
      const snapshot = median(samples.map((s) => s.snapshotMs));
      const disk = median(samples.map((s) => s.diskMs));
      const bytes = median(samples.map((s) => s.bytes));
      const mbps = (ms: number): number => bytes / 1e6 / (ms / 1000);
      report(
        { name: `checkpoint-write-${backend}`, value: mbps(snapshot), unit: 'MB/s', baseline: 'sequential write + fsync of the same bytes', baselineValue: mbps(disk), ratio: disk / snapshot },
        `snapshot of ${(bytes / 1e6).toFixed(0)} MB in ${snapshot.toFixed(0)} ms (${mbps(snapshot).toFixed(0)} MB/s) vs raw write+fsync ` +
          `${disk.toFixed(0)} ms (${mbps(disk).toFixed(0)} MB/s), measured right before; target >= 0.5 of disk bandwidth`,
      );
      table.push(['checkpoint-write', backend, `${mbps(snapshot).toFixed(0)} MB/s`, `${mbps(disk).toFixed(0)} MB/s`, (disk / snapshot).toFixed(3), '']);

      const restores: { localMs: number; remoteMs: number; bytes: number; used: string }[] = [];
      for (let r = 0; r < REPETITIONS; r++) restores.push(await runProbe('probes/recovery-time.ts', [values['state-mb']!, dir]));
      const localMs = median(restores.map((s) => s.localMs));
      const remoteMs = median(restores.map((s) => s.remoteMs));
      report(
        { name: `recovery-time-${backend}`, value: localMs, unit: 'ms', baseline: 'restore from the checkpoint storage', baselineValue: remoteMs, ratio: localMs / remoteMs },
        `restoring ${(median(restores.map((s) => s.bytes)) / 1e6).toFixed(0)} MB took ${localMs.toFixed(0)} ms from the local copy vs ` +
          `${remoteMs.toFixed(0)} ms from the checkpoint storage (read from ${restores[0]!.used}); both are this machine's disk ` +
          `here, so local recovery pays off only where the checkpoint storage is remote`,
      );
      table.push(['recovery-time', backend, `${localMs.toFixed(0)} ms local`, `${remoteMs.toFixed(0)} ms remote`, (localMs / remoteMs).toFixed(3), '']);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
if (backends.includes('leveldb')) {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-incr-'));
  try {
    const samples: { fullBytes: number; incrementalBytes: number; fullMs: number; incrementalMs: number }[] = [];
    for (let r = 0; r < REPETITIONS; r++) samples.push(await runProbe('probes/incremental-size.ts', [keys, dir]));
    const full = median(samples.map((s) => s.fullBytes));
    const incremental = median(samples.map((s) => s.incrementalBytes));
    report(
      { name: 'incremental-size-leveldb', value: incremental, unit: 'bytes', baseline: 'full checkpoint of the same state', baselineValue: full, ratio: incremental / full },
      `after 1% of ${keys} keys changed, the incremental checkpoint wrote ${(incremental / 1e6).toFixed(2)} MB against ` +
        `${(full / 1e6).toFixed(2)} MB for a full one (${median(samples.map((s) => s.incrementalMs)).toFixed(0)} ms vs ` +
        `${median(samples.map((s) => s.fullMs)).toFixed(0)} ms); target <= 0.05`,
    );
    table.push(['incremental-size', 'leveldb', `${(incremental / 1e6).toFixed(2)} MB`, `${(full / 1e6).toFixed(2)} MB`, (incremental / full).toFixed(3), '']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
note('\n' + table.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n'));
