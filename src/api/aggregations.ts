// sum/min/max/minBy/maxBy on keyed streams as reduce functions with Flink's semantics:
// sum/min/max keep the other fields of the first element; minBy/maxBy return a whole element (the first on ties
// unless `first` is false).

import { IllegalArgumentError } from '../core/errors.ts';

/** Which field to aggregate: none for a stream of numbers, a property name, or a tuple position. */
export type AggregationField<T> = T extends number ? undefined : T extends readonly unknown[] ? number : keyof T & string;

type Accessor<T> = { get(value: T): number; set(value: T, field: number): T };

function accessor<T>(field: string | number | undefined): Accessor<T> {
  if (field === undefined) {
    return {
      get: (v) => assertNumber(v, 'the element'),
      set: (_v, x) => x as T,
    };
  }
  if (typeof field === 'number') {
    return {
      get: (v) => assertNumber((v as unknown as unknown[])[field], `position ${field}`),
      set: (v, x) => {
        const copy = [...(v as unknown as unknown[])];
        copy[field] = x;
        return copy as T;
      },
    };
  }
  return {
    get: (v) => assertNumber((v as Record<string, unknown>)[field], `field '${field}'`),
    set: (v, x) => ({ ...(v as object), [field]: x }) as T,
  };
}

function assertNumber(value: unknown, what: string): number {
  if (typeof value !== 'number') {
    throw new IllegalArgumentError(`aggregation expects ${what} to be a number, got ${typeof value}`);
  }
  return value;
}

const addNumbers = (a: number, b: number): number => {
  if (typeof b !== 'number' || typeof a !== 'number') assertNumber(typeof a !== 'number' ? a : b, 'the element');
  return a + b;
};

export function sumReducer<T>(field: string | number | undefined): (a: T, b: T) => T {
  // A stream of numbers sums them directly: this runs once per record.
  if (field === undefined) return addNumbers as unknown as (a: T, b: T) => T;
  const f = accessor<T>(field);
  return (a, b) => f.set(a, f.get(a) + f.get(b));
}

export function minReducer<T>(field: string | number | undefined): (a: T, b: T) => T {
  const f = accessor<T>(field);
  return (a, b) => {
    const x = f.get(a);
    const y = f.get(b);
    return y < x ? f.set(a, y) : a;
  };
}

export function maxReducer<T>(field: string | number | undefined): (a: T, b: T) => T {
  const f = accessor<T>(field);
  return (a, b) => {
    const x = f.get(a);
    const y = f.get(b);
    return y > x ? f.set(a, y) : a;
  };
}

export function minByReducer<T>(field: string | number | undefined, first = true): (a: T, b: T) => T {
  const f = accessor<T>(field);
  return (a, b) => {
    const x = f.get(a);
    const y = f.get(b);
    if (y < x) return b;
    if (y === x && !first) return b;
    return a;
  };
}

export function maxByReducer<T>(field: string | number | undefined, first = true): (a: T, b: T) => T {
  const f = accessor<T>(field);
  return (a, b) => {
    const x = f.get(a);
    const y = f.get(b);
    if (y > x) return b;
    if (y === x && !first) return b;
    return a;
  };
}
