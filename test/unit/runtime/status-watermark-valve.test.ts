// StatusWatermarkValve: a task input's watermark and idleness from those of its channels.
import { describe, expect, it } from 'vitest';
import { StatusWatermarkValve } from '../../../src/runtime/status-watermark-valve.ts';

function valveOf(channels: number) {
  const out: (number | 'idle' | 'active')[] = [];
  const valve = new StatusWatermarkValve(channels, {
    emitWatermark: (ts) => out.push(ts),
    emitWatermarkStatus: (idle) => out.push(idle ? 'idle' : 'active'),
  });
  return { valve, out };
}

describe('StatusWatermarkValve', () => {
  it('emits the minimum over its channels, only when it advances', () => {
    const { valve, out } = valveOf(3);
    valve.inputWatermark(10, 0);
    valve.inputWatermark(20, 1);
    expect(out).toEqual([]); // channel 2 has not said anything yet
    valve.inputWatermark(5, 2);
    valve.inputWatermark(30, 2); // minimum is now channel 0's 10
    valve.inputWatermark(15, 0); // 15
    valve.inputWatermark(12, 0); // a channel's watermark never goes back: ignored
    valve.inputWatermark(40, 0); // 20 (channel 1)
    expect(out).toEqual([5, 10, 15, 20]);
    expect(valve.watermark).toBe(20);
  });

  it('excludes idle channels from the minimum and drops their watermarks', () => {
    const { valve, out } = valveOf(2);
    valve.inputWatermark(100, 0);
    valve.inputWatermark(10, 1);
    valve.inputWatermarkStatus(true, 1); // the slow channel goes idle: channel 0 alone counts
    valve.inputWatermark(50, 1); // from an idle channel: dropped
    valve.inputWatermark(120, 0);
    expect(out).toEqual([10, 100, 120]);
    expect(valve.idle).toBe(false);
  });

  it('when every channel is idle, passes on the largest watermark seen, then goes idle', () => {
    const { valve, out } = valveOf(3);
    valve.inputWatermark(30, 0);
    valve.inputWatermark(70, 1);
    valve.inputWatermark(50, 2);
    valve.inputWatermarkStatus(true, 0); // min over 1 and 2: 50
    valve.inputWatermarkStatus(true, 2); // min over 1: 70
    valve.inputWatermarkStatus(true, 1);
    expect(out).toEqual([30, 50, 70, 'idle']);
    expect(valve.idle).toBe(true);
    valve.inputWatermarkStatus(true, 1); // repeated status: nothing
    expect(out).toEqual([30, 50, 70, 'idle']);
  });

  it('flushes the largest watermark of channels that went idle earlier when the last one goes idle', () => {
    const { valve, out } = valveOf(2);
    valve.inputWatermark(100, 0);
    valve.inputWatermarkStatus(true, 0);
    valve.inputWatermark(40, 1);
    valve.inputWatermarkStatus(true, 1);
    expect(out).toEqual([40, 100, 'idle']);
  });

  it('a channel active again counts only once its watermark caught up with the input watermark', () => {
    const { valve, out } = valveOf(2);
    valve.inputWatermark(10, 0);
    valve.inputWatermark(10, 1);
    valve.inputWatermarkStatus(true, 1);
    valve.inputWatermark(100, 0); // channel 1 idle: 100
    valve.inputWatermarkStatus(false, 1); // back, but at 10 < 100: not aligned, holds back nothing
    valve.inputWatermark(120, 0); // 120
    valve.inputWatermark(60, 1); // still behind: the input watermark never goes back
    valve.inputWatermark(130, 1); // caught up (>= 120): counts again; min(120, 130) = 120, no change
    valve.inputWatermark(200, 0); // 130: channel 1 now holds back
    expect(out).toEqual([10, 100, 120, 130]);
  });

  it('turns active again when a channel of an idle input turns active', () => {
    const { valve, out } = valveOf(2);
    valve.inputWatermarkStatus(true, 0);
    valve.inputWatermarkStatus(true, 1);
    valve.inputWatermarkStatus(false, 0);
    valve.inputWatermark(5, 0);
    expect(out).toEqual(['idle', 'active', 5]);
    expect(valve.idle).toBe(false);
  });

  it('an ended channel holds back nothing', () => {
    const { valve, out } = valveOf(2);
    valve.inputWatermark(10, 0);
    valve.inputWatermark(20, 1);
    valve.endOfChannel(0); // min over channel 1: 20
    valve.inputWatermark(25, 1);
    valve.endOfChannel(1); // everything ended: the end of event time
    expect(out).toEqual([10, 20, 25, Number.POSITIVE_INFINITY]);
  });

  it('an ended channel of an idle input makes the input active before the maximum watermark', () => {
    const { valve, out } = valveOf(2);
    valve.inputWatermark(10, 0);
    valve.inputWatermark(10, 1);
    valve.inputWatermarkStatus(true, 0);
    valve.inputWatermarkStatus(true, 1);
    valve.endOfChannel(0); // channel 1 is idle: it holds back nothing either
    expect(out).toEqual([10, 'idle', 'active', Number.POSITIVE_INFINITY]);
    expect(valve.idle).toBe(false);
  });
});
