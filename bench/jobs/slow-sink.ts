// Job module: ~1 KiB records from a source thread into a deliberately slow sink on another thread (backpressure).

import { type Sink, type StreamExecutionEnvironment } from 'sluice';
import { busyWait, kibRecord } from '../lib/kib-record.ts';

/** A sink that spins `micros` per record, standing in for a slow external system. */
class SlowSink implements Sink<string> {
  constructor(private readonly micros: number) {}
  createWriter() {
    const micros = this.micros;
    let bytes = 0;
    return {
      write(record: string): void {
        bytes += record.length;
        busyWait(micros);
      },
      flush(): void {},
      close(): void {
        if (bytes === 0) throw new Error('slow sink saw no records');
      },
    };
  }
}

/** args: [records, sink micros per record]. Resolves with the wall time of `env.execute` in ms. */
export default async function slowSink(env: StreamExecutionEnvironment, args: string[]) {
  const records = Number(args[0]);
  const micros = Number(args[1]);
  env
    .fromSequence(1, records)
    .map(kibRecord)
    .sinkTo(new SlowSink(micros))
    .slotSharingGroup('sink');
  const start = performance.now();
  await env.execute('backpressure-memory');
  return { ms: performance.now() - start };
}
