// Measures probes in alternation (A B, A B, ...), one fresh process each, so machine drift hits every variant alike.

import { runProbe, type ThroughputSample } from './child.ts';
import { note } from './report.ts';
import { formatRates, median } from './stats.ts';

export interface Variant {
  /** Readable label, e.g. "sluice". */
  readonly label: string;
  readonly script: string;
  readonly args?: readonly (string | number)[];
}

export interface VariantResult<S extends ThroughputSample = ThroughputSample> {
  readonly label: string;
  readonly samples: S[];
  /** Median records per second over the repetitions. */
  readonly median: number;
}

export async function alternate<S extends ThroughputSample = ThroughputSample>(
  variants: readonly Variant[],
  repetitions: number,
): Promise<VariantResult<S>[]> {
  const samples = variants.map((): S[] => []);
  for (let r = 0; r < repetitions; r++) {
    for (const [i, v] of variants.entries()) samples[i]!.push(await runProbe<S>(v.script, v.args ?? []));
  }
  return variants.map((v, i) => {
    const rates = samples[i]!.map((s) => s.recordsPerSecond);
    note(`${v.label}: ${formatRates(rates)} M rec/s`);
    return { label: v.label, samples: samples[i]!, median: median(rates) };
  });
}
