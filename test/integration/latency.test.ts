// Latency tracking: sources emit markers that reach every operator without passing through user functions.
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { DataGeneratorSource, DiscardingSink, RateLimiterStrategy, StreamExecutionEnvironment, WatermarkStrategy } from 'sluice';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const SLOW_MS = 5;

describe('latency tracking', () => {
  it('records marker latency per operator, without the time user functions take', async () => {
    const port = await freePort();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.getConfiguration().setString('metrics.reporters', 'prom').setString('metrics.reporter.prom.port', String(port));
    env.getConfig().setLatencyTrackingInterval(20);
    env
      .fromSource(
        new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY, RateLimiterStrategy.perSecond(50)),
        WatermarkStrategy.noWatermarks(),
        'gen',
      )
      .map((n) => {
        const end = performance.now() + SLOW_MS;
        while (performance.now() < end);
        return n;
      })
      .name('Slow')
      .sinkTo(new DiscardingSink());
    const client = await env.executeAsync('latency job');
    try {
      let lines: string[] = [];
      await vi.waitFor(
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          lines = text.split('\n').filter((l) => l.startsWith('sluice_') && l.includes('latency'));
          const counts = lines.filter((l) => /_count\{/.test(l) && l.includes('operator_name="Slow"'));
          expect(counts.length).toBe(1);
          expect(Number(counts[0]!.split(' ').at(-1))).toBeGreaterThanOrEqual(10);
        },
        { timeout: 20_000, interval: 200 },
      );
      // Histograms exist for the map and the sink, keyed by the source operator (granularity 'operator').
      expect(lines.some((l) => l.includes('source_id=') && l.includes('operator_name="Sink: Unnamed"'))).toBe(true);
      const p99 = lines.find((l) => l.includes('operator_name="Slow"') && l.includes('quantile="0.99"'))!;
      expect(Number(p99.split(' ').at(-1))).toBeLessThan(SLOW_MS);
    } finally {
      await client.cancel();
    }
  });
});
