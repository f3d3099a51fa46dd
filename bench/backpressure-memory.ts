// Benchmark backpressure-memory: peak RSS, 2M distinct 1 KiB records into a ~10x slower sink on another thread.

import { runProbe, type ThroughputSample } from './lib/child.ts';
import { note, report } from './lib/report.ts';

const BUDGET_MB = 300;
const RECORDS = 2_000_000;
const SLOWDOWN = 10;
/** Longest sink-bound run we accept on 2 cores; beyond it the sink's delay is sized down (and reported). */
const MAX_RUN_SECONDS = 90;

interface Calibration {
  /** Source cost per record: build a 1 KiB string, encode it for the other thread (µs). */
  readonly sourceMicros: number;
  readonly target: number;
  /** What to ask busyWait for so that it takes `target`. */
  readonly request: number;
  readonly actual: number;
}

interface BackpressureSample extends ThroughputSample {
  readonly peakRssMB: number;
  readonly meanRssMB: number;
  readonly rssSamples: number;
  readonly idleRssMB: number;
  readonly floorPeakRssMB: number;
}

const cal = await runProbe<Calibration>('probes/backpressure-calibrate.ts', [SLOWDOWN]);
let request = cal.request;
let sinkMicros = cal.actual;
const capMicros = (MAX_RUN_SECONDS * 1e6) / RECORDS;
const capped = sinkMicros > capMicros;
if (capped) {
  request = request * (capMicros / sinkMicros);
  sinkMicros = capMicros;
}
note(`source ~${cal.sourceMicros.toFixed(2)} µs/record; sink busy-wait ${sinkMicros.toFixed(2)} µs/record`);

const s = await runProbe<BackpressureSample>('probes/backpressure.ts', [RECORDS, request], { timeoutMs: 300_000 });
const slowdown = sinkMicros / cal.sourceMicros;
report(
  {
    name: 'backpressure-memory',
    value: s.peakRssMB,
    unit: 'MB',
    baseline: 'budget',
    baselineValue: BUDGET_MB,
    ratio: s.peakRssMB / BUDGET_MB,
  },
  `peak RSS ${s.peakRssMB.toFixed(0)} MB of the whole process (mean ${s.meanRssMB.toFixed(0)} MB over ` +
    `${s.rssSamples} samples every 50 ms; ${s.idleRssMB.toFixed(0)} MB before any job, ${s.floorPeakRssMB.toFixed(0)} MB ` +
    `peak for the same job with 1,000 records; 1 MB = 2^20 bytes) vs the ${BUDGET_MB} MB budget. ` +
    `${RECORDS / 1e6}M distinct 1 KiB strings; source ~${cal.sourceMicros.toFixed(2)} µs/record (build + encode), ` +
    `sink busy-waits ${sinkMicros.toFixed(2)} µs/record = ${slowdown.toFixed(1)}x slower` +
    `${capped ? ` (sized down from ${SLOWDOWN}x to keep the run under ${MAX_RUN_SECONDS} s)` : ''}; ` +
    `the run took ${(s.ms / 1000).toFixed(1)} s (${(s.recordsPerSecond / 1e3).toFixed(0)} k records/s, set by the sink)`,
);
