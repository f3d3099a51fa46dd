// Asynchronous operations are found by trigger id within their scope, report progress and outcome, and are bounded.
import { describe, expect, it } from 'vitest';
import { AsyncOperations } from '../../../src/cluster/async-operations.ts';

describe('AsyncOperations', () => {
  it('reports IN_PROGRESS, then the result or the error, only within the scope', async () => {
    const ops = new AsyncOperations<string>();
    let finish!: (v: string) => void;
    const id = ops.start('job-a', new Promise<string>((resolve) => (finish = resolve)));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(ops.get('job-a', id)).toEqual({ status: 'IN_PROGRESS' });
    expect(ops.get('job-b', id)).toBeUndefined();
    expect(ops.inProgress).toBe(1);
    finish('/savepoints/savepoint-1');
    await Promise.resolve();
    await Promise.resolve();
    expect(ops.get('job-a', id)).toEqual({ status: 'COMPLETED', result: '/savepoints/savepoint-1' });

    const failing = ops.start('job-a', Promise.reject(new Error('declined')));
    await new Promise((r) => setTimeout(r, 0));
    const state = ops.get('job-a', failing);
    expect(state?.status).toBe('COMPLETED');
    expect(state && 'error' in state ? state.error.message : '').toBe('declined');
  });

  it('keeps at most its capacity, dropping finished operations first', async () => {
    const ops = new AsyncOperations<number>(2);
    const running = ops.start('', new Promise<number>(() => {}));
    const done = ops.start('', Promise.resolve(1));
    await new Promise((r) => setTimeout(r, 0));
    const third = ops.start('', new Promise<number>(() => {}));
    expect(ops.get('', done)).toBeUndefined();
    expect(ops.get('', running)).toEqual({ status: 'IN_PROGRESS' });
    expect(ops.get('', third)).toEqual({ status: 'IN_PROGRESS' });
  });
});
