// Bottleneck attribution: a slow operator shows as busy itself and back-pressured upstream, in one query.
import { describe, expect, it, vi } from 'vitest';
import { DataGeneratorSource, StreamExecutionEnvironment, WatermarkStrategy, type VertexLoad } from 'sluice';

describe('vertex loads', () => {
  it('reports the slow sink busy and its upstream back-pressured', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.getConfiguration().setString('taskmanager.network.memory.buffers-per-channel', '2');
    env
      .fromSource(new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY), WatermarkStrategy.noWatermarks(), 'fast')
      .rebalance()
      .sinkTo({
        createWriter: () => ({
          write() {
            const end = performance.now() + 0.05;
            while (performance.now() < end);
          },
          flush() {},
          close() {},
        }),
      })
      .name('Slow');
    const client = await env.executeAsync('bottleneck');
    try {
      let loads: VertexLoad[] = [];
      await vi.waitFor(
        async () => {
          loads = await client.getVertexLoads();
          const [source, sink] = loads;
          expect(source!.backpressureLevel).toBe('high');
          expect(sink!.busyTimeMsPerSecond).toBeGreaterThan(500);
        },
        { timeout: 20_000, interval: 300 },
      );
      expect(loads.map((l) => l.name)).toEqual(['Source: fast', 'Sink: Slow']);
      expect(loads[1]!.backpressureLevel).toBe('ok');
      expect(loads[0]!.subtasks[0]!.outputQueueLength).toBeGreaterThan(0);
    } finally {
      await client.cancel();
    }
    expect(await client.getVertexLoads()).toEqual([]);
  });
});
