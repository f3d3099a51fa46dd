// The result line every benchmark prints: one JSON object on stdout, a readable sentence on stderr.

export interface BenchResult {
  /** Benchmark name, as `npm run bench -- <name>` selects it. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What the value is compared with (another implementation measured in the same run, or a budget). */
  readonly baseline: string;
  readonly baselineValue: number;
  /** value / baselineValue. */
  readonly ratio: number;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** Prints the JSON line (stdout) and the readable line (stderr). */
export function report(result: BenchResult, readable: string): void {
  const line: BenchResult = {
    name: result.name,
    value: round(result.value, 0),
    unit: result.unit,
    baseline: result.baseline,
    baselineValue: round(result.baselineValue, 0),
    ratio: round(result.ratio, 3),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.stderr.write(`${result.name}: ${readable}\n`);
}

/** Writes a progress note to stderr (stdout carries only result lines). */
export function note(text: string): void {
  process.stderr.write(`  ${text}\n`);
}
