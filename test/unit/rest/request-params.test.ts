// Run requests read Flink's body fields and query parameters and refuse wrong types with 400 naming the field.
import { describe, expect, it } from 'vitest';
import { optionalInt, runRequest, tokenizeArgs } from '../../../src/rest/request-params.ts';
import { RestError } from '../../../src/rest/rest-errors.ts';

function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof RestError ? e.status : -1;
  }
  return undefined;
}

describe('runRequest', () => {
  it('reads flinkConfiguration as strings and refuses a bad value of a known key with 400 naming it', () => {
    expect(runRequest({ flinkConfiguration: { 'execution.checkpointing.interval': '5 s', 'parallelism.default': 2, 'my.own.key': true } }, {})).toEqual({
      configuration: { 'execution.checkpointing.interval': '5 s', 'parallelism.default': '2', 'my.own.key': 'true' },
    });
    expect(status(() => runRequest({ flinkConfiguration: ['parallelism.default=2'] }, {}))).toBe(400);
    expect(status(() => runRequest({ flinkConfiguration: { 'parallelism.default': { n: 2 } } }, {}))).toBe(400);
    expect(() => runRequest({ flinkConfiguration: { 'parallelism.default': 'two' } }, {})).toThrow(/parallelism\.default/);
    expect(status(() => runRequest({ flinkConfiguration: { 'parallelism.default': 'two' } }, {}))).toBe(400);
  });

  it('reads the body, else the query parameters', () => {
    expect(
      runRequest(
        { entryClass: 'quick', programArgsList: ['a', 'b c'], parallelism: 3, savepointPath: '/sp', allowNonRestoredState: true },
        { parallelism: '9' },
      ),
    ).toEqual({ entry: 'quick', args: ['a', 'b c'], parallelism: 3, savepointPath: '/sp', allowNonRestoredState: true });
    expect(runRequest(undefined, { 'entry-class': 'job', programArg: 'x,y', parallelism: '2', allowNonRestoredState: 'false' })).toEqual({
      entry: 'job',
      args: ['x', 'y'],
      parallelism: 2,
      allowNonRestoredState: false,
    });
    expect(runRequest({ programArgs: `--in "my file" 'x y' z` }, {})).toEqual({ args: ['--in', 'my file', 'x y', 'z'] });
    expect(runRequest({ jobId: '0123456789abcdef0123456789abcdef' }, {})).toEqual({ jobId: '0123456789abcdef0123456789abcdef' });
  });

  it('refuses wrong types and values with 400', () => {
    for (const [body, query] of [
      [{ parallelism: 'four' }, {}],
      [{ parallelism: 1.5 }, {}],
      [{ parallelism: 0 }, {}],
      [{}, { parallelism: 'abc' }],
      [{}, { parallelism: ['1', '2'] }],
      [{ programArgsList: [1] }, {}],
      [{ programArgsList: 'x' }, {}],
      [{ entryClass: '../x' }, {}],
      [{ allowNonRestoredState: 'yes' }, {}],
      [{ savepointPath: 3 }, {}],
      [{ jobId: 'x' }, {}],
      [[1, 2], {}],
      ['text', {}],
    ] as const) {
      expect(status(() => runRequest(body, query)), JSON.stringify([body, query])).toBe(400);
    }
  });
});

describe('helpers', () => {
  it('tokenizes program arguments and bounds integers', () => {
    expect(tokenizeArgs('  a  "b \\" c" ')).toEqual(['a', 'b " c']);
    expect(optionalInt('12', 'p')).toBe(12);
    expect(optionalInt(undefined, 'p')).toBeUndefined();
    expect(status(() => optionalInt('40000', 'p'))).toBe(400);
  });
});
