// print() / printToErr(): one line per record, prefixed "N> " (subtask index + 1) when the sink is parallel.

import type { Sink, SinkWriter, WriterInitContext } from '../sink.ts';

export class PrintSink<T> implements Sink<T> {
  constructor(
    readonly stdErr = false,
    readonly sinkIdentifier?: string,
  ) {}

  createWriter(context: WriterInitContext): SinkWriter<T> {
    const stream = this.stdErr ? process.stderr : process.stdout;
    const parts: string[] = [];
    if (this.sinkIdentifier !== undefined) parts.push(this.sinkIdentifier);
    if (context.parallelism > 1) parts.push(String(context.subtaskIndex + 1));
    const prefix = parts.length > 0 ? `${parts.join(':')}> ` : '';
    return new PrintWriter<T>(stream, prefix);
  }
}

class PrintWriter<T> implements SinkWriter<T> {
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly prefix: string,
  ) {}

  write(element: T): void {
    this.stream.write(`${this.prefix}${formatRecord(element)}\n`);
  }

  async flush(): Promise<void> {
    // Wait until the stream took the text, so a worker thread's output is not lost when it stops.
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
  }

  async close(): Promise<void> {
    await this.flush();
  }
}

/** How a record prints: strings as they are, everything else as JSON (bigint and Map/Set readably). */
export function formatRecord(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v,
    );
  } catch {
    return String(value);
  }
}
