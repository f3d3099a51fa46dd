// Probe: the chain workload in RxJS, idiomatically keyed: groupBy(key) + mergeMap(group => group.pipe(scan(+))).

import { filter, groupBy, map, mergeMap, range, scan } from 'rxjs';
import { emitSample } from '../lib/child.ts';
import { double, keep, keyOf, RECORDS, WARMUP_RECORDS } from '../lib/workload.ts';

function run(records: number): { ms: number; outputs: number } {
  let outputs = 0;
  const start = performance.now();
  // range() is synchronous: subscribe returns after the last record.
  range(1, records)
    .pipe(
      map(double),
      filter(keep),
      groupBy(keyOf),
      mergeMap((group) => group.pipe(scan((sum, n) => sum + n))),
    )
    .subscribe(() => outputs++);
  return { ms: performance.now() - start, outputs };
}

const records = Number(process.argv[2] ?? RECORDS);
run(WARMUP_RECORDS);
const { ms, outputs } = run(records);
emitSample(records, ms, { outputs });
