// Counter, Gauge, Histogram (HDR and windowed) and MeterView: semantics as in Flink, rates on a manual clock.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DescriptiveStatisticsHistogram } from '../../../src/metrics/descriptive-statistics-histogram.ts';
import { gaugeOf } from '../../../src/metrics/gauge.ts';
import { HdrHistogram } from '../../../src/metrics/hdr-histogram.ts';
import { MeterView } from '../../../src/metrics/meter-view.ts';
import { metricTypeOf } from '../../../src/metrics/metric.ts';
import { SimpleCounter } from '../../../src/metrics/simple-counter.ts';
import { TaskManagerMetricGroup } from '../../../src/metrics/task-manager-metric-group.ts';
import { isView } from '../../../src/metrics/view.ts';
import { testRegistry } from './helpers.ts';

describe('SimpleCounter', () => {
  it('counts up and down by one or n', () => {
    const c = new SimpleCounter();
    c.inc();
    c.inc(5);
    c.dec();
    c.dec(2);
    expect(c.getCount()).toBe(3);
  });
});

describe('metricTypeOf', () => {
  it('tells the four kinds apart by their methods', () => {
    expect(metricTypeOf(new SimpleCounter())).toBe('counter');
    expect(metricTypeOf(gaugeOf(() => 1))).toBe('gauge');
    expect(metricTypeOf(new MeterView(60))).toBe('meter');
    expect(metricTypeOf(new HdrHistogram())).toBe('histogram');
    expect(isView(new MeterView(60))).toBe(true);
    expect(isView(new HdrHistogram())).toBe(false);
  });
});

describe('HdrHistogram', () => {
  it('gives exact quantiles, min, max and mean of 1..100', () => {
    const h = new HdrHistogram();
    for (let i = 1; i <= 100; i++) h.update(i);
    const s = h.getStatistics();
    expect(h.getCount()).toBe(100);
    expect(s.size()).toBe(100);
    expect(s.getQuantile(0.5)).toBe(50);
    expect(s.getQuantile(0.75)).toBe(75);
    expect(s.getQuantile(0.95)).toBe(95);
    expect(s.getQuantile(0.99)).toBe(99);
    expect(s.getQuantile(0.999)).toBe(100);
    expect(s.getMin()).toBe(1);
    expect(s.getMax()).toBe(100);
    expect(s.getMean()).toBeCloseTo(50.5, 6);
    expect(s.getStdDev()).toBeCloseTo(28.866, 2); // population standard deviation
    expect(s.getValues()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('keeps quantiles of large values within 0.1% and takes a snapshot', () => {
    const h = new HdrHistogram();
    for (let i = 1; i <= 10_000; i++) h.update(i * 1000);
    const s = h.getStatistics();
    h.update(1e12);
    expect(Math.abs(s.getQuantile(0.5) - 5_000_000) / 5_000_000).toBeLessThan(0.001);
    expect(s.getMax()).toBeLessThan(1e8);
    expect(h.getStatistics().getMax()).toBeGreaterThan(0.999e12);
  });

  it('reads 0 everywhere when empty and records negatives as 0', () => {
    const h = new HdrHistogram();
    const s = h.getStatistics();
    expect([s.getQuantile(0.5), s.getMin(), s.getMax(), s.getMean(), s.getStdDev(), s.size()]).toEqual([0, 0, 0, 0, 0, 0]);
    h.update(-5);
    h.update(0);
    expect(h.getStatistics().getMin()).toBe(0);
    expect(h.getStatistics().getMax()).toBe(0);
  });

  it('rejects a precision outside 1-5 digits', () => {
    expect(() => new HdrHistogram({ significantDigits: 6 })).toThrow(/significantDigits/);
  });

  it('quantiles never leave [min, max] and grow with q (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 200 }), (values) => {
        const h = new HdrHistogram();
        for (const v of values) h.update(v);
        const s = h.getStatistics();
        let last = -Infinity;
        for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
          const v = s.getQuantile(q);
          expect(v).toBeGreaterThanOrEqual(last);
          expect(v).toBeGreaterThanOrEqual(s.getMin());
          expect(v).toBeLessThanOrEqual(s.getMax());
          last = v;
        }
        expect(s.getMax()).toBeGreaterThanOrEqual(Math.max(...values));
        expect(s.getMax()).toBeLessThanOrEqual(Math.max(...values) * 1.001 + 1);
      }),
      { seed: 42 },
    );
  });
});

describe('DescriptiveStatisticsHistogram', () => {
  it('keeps only the last windowSize values, with exact statistics', () => {
    const h = new DescriptiveStatisticsHistogram(10);
    for (let i = 1; i <= 15; i++) h.update(i);
    const s = h.getStatistics();
    expect(h.getCount()).toBe(15);
    expect(s.size()).toBe(10);
    expect(s.getMin()).toBe(6);
    expect(s.getMax()).toBe(15);
    expect(s.getMean()).toBe(10.5);
    expect(s.getQuantile(0.5)).toBe(10.5); // legacy estimate: pos = 0.5 * 11 = 5.5 -> between 10 and 11
    expect(s.getStdDev()).toBeCloseTo(3.02765, 4); // sample standard deviation
  });
});

describe('MeterView', () => {
  it('rounds the time span to a multiple of 5 s, at least 5 s', () => {
    expect(new MeterView(60).timeSpanSeconds).toBe(60);
    expect(new MeterView(62).timeSpanSeconds).toBe(60);
    expect(new MeterView(3).timeSpanSeconds).toBe(5);
  });

  it('reports the rate over its span, updated every 5 s by the registry timer (no sleeping)', () => {
    const { registry, timer } = testRegistry();
    const group = new TaskManagerMetricGroup(registry, 'localhost', 'tm-1');
    const counter = group.counter('numRecordsIn');
    const meter = group.meter('numRecordsInPerSecond', new MeterView(counter, 10));
    expect(meter.getRate()).toBe(0);
    counter.inc(50);
    timer.advance(5_000);
    expect(meter.getRate()).toBe(5); // 50 events over a 10 s span
    counter.inc(100);
    timer.advance(5_000);
    expect(meter.getRate()).toBe(15); // 150 in the last 10 s
    timer.advance(5_000);
    expect(meter.getRate()).toBe(10); // 100 in the last 10 s
    timer.advance(5_000);
    expect(meter.getRate()).toBe(0);
    meter.markEvent();
    meter.markEvent(4);
    expect(meter.getCount()).toBe(155);
    expect(counter.getCount()).toBe(155);
  });

  it('stops updating once its group is closed', () => {
    const { registry, timer } = testRegistry();
    const group = new TaskManagerMetricGroup(registry, 'localhost', 'tm-1');
    const meter = group.meter('m', new MeterView(5));
    meter.markEvent(10);
    group.close();
    timer.advance(5_000);
    expect(meter.getRate()).toBe(0);
  });
});
