// The error catalogue: ERROR_CODES and docs/errors.md list the same codes; errors carry codes across threads.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  ERROR_CODES,
  IllegalArgumentError,
  IllegalStateError,
  InvalidProgramError,
  NotEnoughSlotsError,
  RemoteError,
  SluiceError,
  deserializeError,
  serializeError,
} from '../../../src/core/errors.ts';

const DOC = new URL('../../../docs/errors.md', import.meta.url);

/** Rows of the markdown table whose first cell is a `CODE`: [code, meaning, what to do]. */
function documentedCodes(): Map<string, [meaning: string, whatToDo: string]> {
  const rows = new Map<string, [string, string]>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const match = /^\|\s*`([A-Z0-9_]+)`\s*\|(.*)\|(.*)\|\s*$/.exec(line);
    if (match === null) continue;
    expect(rows.has(match[1]!), `${match[1]} documented twice`).toBe(false);
    rows.set(match[1]!, [match[2]!.trim(), match[3]!.trim()]);
  }
  return rows;
}

describe('error catalogue', () => {
  it('every code in ERROR_CODES is documented in docs/errors.md, and every documented code exists', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('every documented code says what it means and what to do', () => {
    for (const [code, [meaning, whatToDo]] of documentedCodes()) {
      expect(meaning.length, `${code}: meaning`).toBeGreaterThan(10);
      expect(whatToDo.length, `${code}: what to do`).toBeGreaterThan(10);
    }
  });

  it('codes are UPPER_SNAKE_CASE with a description', () => {
    for (const [code, description] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(description.length, code).toBeGreaterThan(10);
    }
  });
});

describe('SluiceError and its subclasses', () => {
  it.each([
    [new ConfigurationError('parallelism.default', 'bad'), 'CONFIG_INVALID', 'ConfigurationError'],
    [new ConfigurationError('x.y', 'unknown', 'CONFIG_UNKNOWN_KEY'), 'CONFIG_UNKNOWN_KEY', 'ConfigurationError'],
    [new InvalidProgramError('bad program'), 'INVALID_PROGRAM', 'InvalidProgramError'],
    [new IllegalArgumentError('bad argument'), 'ILLEGAL_ARGUMENT', 'IllegalArgumentError'],
    [new IllegalStateError('bad state'), 'ILLEGAL_STATE', 'IllegalStateError'],
    [new NotEnoughSlotsError(6, 4, 'default: 6'), 'NOT_ENOUGH_SLOTS', 'NotEnoughSlotsError'],
  ] as const)('%s has code %s and is named %s', (error, code, name) => {
    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.retriable).toBe(false);
    expect(Object.keys(ERROR_CODES)).toContain(error.code);
  });

  it('carries retriable and cause', () => {
    const cause = new Error('disk full');
    const error = new SluiceError('TASK_FAILED', 'subtask 2 failed', { cause, retriable: true });
    expect(error.retriable).toBe(true);
    expect(error.cause).toBe(cause);
  });

  it('NotEnoughSlotsError says how many slots and how to get them', () => {
    const error = new NotEnoughSlotsError(6, 4, 'default: 6');
    expect([error.required, error.available]).toEqual([6, 4]);
    expect(error.message).toContain('needs 6 task slots but the cluster has 4');
    expect(error.message).toContain('taskmanager.numberOfTaskSlots');
  });
});

describe('errors across a thread boundary', () => {
  it('serializeError gives plain data that survives structuredClone, with code and cause chain', () => {
    const error = new InvalidProgramError('outer', { cause: new IllegalStateError('inner') });
    const serialized = structuredClone(serializeError(error));
    expect(serialized).toMatchObject({
      name: 'InvalidProgramError',
      message: 'outer',
      code: 'INVALID_PROGRAM',
      cause: { name: 'IllegalStateError', message: 'inner', code: 'ILLEGAL_STATE' },
    });
    const rebuilt = deserializeError(serialized);
    expect(rebuilt).toBeInstanceOf(RemoteError);
    expect(rebuilt.name).toBe('InvalidProgramError');
    expect(rebuilt.message).toBe('outer');
    expect((rebuilt as RemoteError).code).toBe('INVALID_PROGRAM');
    expect(rebuilt.stack).toBe(error.stack);
    expect((rebuilt.cause as RemoteError).code).toBe('ILLEGAL_STATE');
  });

  it('non-errors become plain errors with a message', () => {
    expect(serializeError('boom')).toEqual({ name: 'Error', message: 'boom' });
    expect(serializeError(42)).toEqual({ name: 'Error', message: '42' });
  });

  it('a cause cycle does not recurse forever', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    let depth = 0;
    for (let s: { cause?: unknown } | undefined = serializeError(a); s !== undefined; s = s.cause as typeof s) depth++;
    expect(depth).toBeLessThanOrEqual(6);
  });
});
