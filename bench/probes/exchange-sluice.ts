// Probe: the keyed-sum job module with its keyBy between two TaskManager threads; args: parallelism, records.

import { fileURLToPath } from 'node:url';
import { runJobModule } from 'sluice';
import { emitSample } from '../lib/child.ts';
import { RECORDS } from '../lib/workload.ts';

const JOB = fileURLToPath(new URL('../jobs/keyed-sum.ts', import.meta.url));

const parallelism = Number(process.argv[2] ?? 1);
const records = Number(process.argv[3] ?? RECORDS);

async function run(n: number): Promise<{ ms: number; netRuntimeMs: number }> {
  return (await runJobModule(JOB, {
    args: [String(n), String(parallelism)],
    configuration: {
      'execution.runtime': 'threads',
      'minicluster.number-of-taskmanagers': 2,
      // One slot per slot-sharing group per subtask: each group fills one TaskManager.
      'taskmanager.numberOfTaskSlots': parallelism,
    },
  })) as { ms: number; netRuntimeMs: number };
}

// Warm-up: loads the runtime in this thread; a one-record job also shows the fixed cost of a job (threads start,
// import the job module, tear down), which every measured run pays as well.
const fixed = await run(1);
const measured = await run(records);
emitSample(records, measured.ms, { netRuntimeMs: measured.netRuntimeMs, fixedMs: fixed.ms });
