// A sink that drops everything (Flink's DiscardingSink): for benchmarks and jobs run for their side effects.

import type { Sink, SinkWriter } from '../sink.ts';

export class DiscardingSink<T> implements Sink<T> {
  createWriter(): SinkWriter<T> {
    return { write() {}, flush() {}, close() {} };
  }
}
