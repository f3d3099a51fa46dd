// Probe: 1 KiB records into a slow sink across two threads, sampling the whole process's RSS every 50 ms.
// args: records, sink busy-wait per record (µs).

import { fileURLToPath } from 'node:url';
import { runJobModule } from 'sluice';
import { RssSampler } from '../lib/rss-sampler.ts';

const JOB = fileURLToPath(new URL('../jobs/slow-sink.ts', import.meta.url));
const records = Number(process.argv[2] ?? 2_000_000);
const sinkMicros = Number(process.argv[3] ?? 15);

async function run(n: number): Promise<{ ms: number; peakMB: number; meanMB: number; samples: number }> {
  const sampler = new RssSampler(50).start();
  const { ms } = (await runJobModule(JOB, {
    args: [String(n), String(sinkMicros)],
    configuration: {
      'execution.runtime': 'threads',
      'minicluster.number-of-taskmanagers': 2,
      'taskmanager.numberOfTaskSlots': 1,
    },
  })) as { ms: number };
  return { ms, ...sampler.stop() };
}

const idleRssMB = process.memoryUsage.rss() / 2 ** 20;
// The same job with 1,000 records: what two TaskManager threads with the job loaded cost before any backlog.
const floor = await run(1000);
const measured = await run(records);
process.stdout.write(
  `${JSON.stringify({
    records,
    ms: measured.ms,
    recordsPerSecond: records / (measured.ms / 1000),
    peakRssMB: measured.peakMB,
    meanRssMB: measured.meanMB,
    rssSamples: measured.samples,
    idleRssMB,
    floorPeakRssMB: floor.peakMB,
  })}\n`,
);
