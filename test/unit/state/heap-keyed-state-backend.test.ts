// HeapKeyedStateBackend: the shared backend contract, plus heap-specific behaviour.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange, assignToKeyGroup } from '../../../src/state/key-group.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';
import { describeKeyedStateBackendContract } from './keyed-state-backend-contract.ts';

describeKeyedStateBackendContract('HeapKeyedStateBackend', (options) => new HeapKeyedStateBackend(options));

describe('HeapKeyedStateBackend', () => {
  const make = () => new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 127), maxParallelism: 128, clock: new ManualClock() });

  it('validates its options', () => {
    expect(() => new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 128), maxParallelism: 128, clock: new ManualClock() })).toThrow(
      /within 0..127/,
    );
    expect(() => new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 1), maxParallelism: 0, clock: new ManualClock() })).toThrow(
      /maxParallelism/,
    );
  });

  it('computes the key group with assignToKeyGroup and reports the current key', () => {
    const backend = make();
    expect(backend.getCurrentKeyGroup()).toBe(-1);
    expect(() => backend.getCurrentKey()).toThrow(expect.objectContaining({ code: 'ILLEGAL_STATE' }));
    for (const key of ['hello', 42, [1, 'a'], new Date(5)]) {
      backend.setCurrentKey(key);
      expect(backend.getCurrentKey()).toBe(key);
      expect(backend.getCurrentKeyGroup()).toBe(assignToKeyGroup(key, 128));
    }
  });

  it('fails clearly when state is used before a key is set', () => {
    const v = make().getPartitionedState(new ValueStateDescriptor<number>('v'));
    expect(() => v.value()).toThrow(/no current key/);
    expect(() => v.update(1)).toThrow(expect.objectContaining({ code: 'ILLEGAL_STATE' }));
  });

  it('a mutated object key is looked up by its new value', () => {
    const backend = make();
    const v = backend.getPartitionedState(new ValueStateDescriptor<string>('v'));
    const key: { id: number } = { id: 1 };
    backend.setCurrentKey(key);
    v.update('one');
    key.id = 2;
    backend.setCurrentKey(key);
    expect(v.value()).toBeUndefined();
    backend.setCurrentKey({ id: 1 });
    expect(v.value()).toBe('one');
  });

  it('keeps restored timers of a service created later, and snapshots them meanwhile', () => {
    const source = make();
    const pts = { getCurrentProcessingTime: () => 0, registerTimer: () => ({ cancel: () => {} }) };
    const timers = source.getTimerService('t', { processingTimeService: pts });
    source.setCurrentKey('k');
    timers.registerEventTimeTimer(null, 5);
    const restored = make();
    restored.restore([source.snapshot()]);
    expect(restored.snapshot().timerServices).toEqual(source.snapshot().timerServices);
    expect(restored.getTimerService('t', { processingTimeService: pts }).numEventTimeTimers()).toBe(1);
  });

  it('dispose drops state and timers', () => {
    const backend = make();
    backend.setCurrentKey(1);
    backend.getPartitionedState(new ValueStateDescriptor<number>('v')).update(1);
    backend.dispose();
    expect(backend.numKeyValueStateEntries()).toBe(0);
  });
});
