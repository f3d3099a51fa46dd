// DeltaFunction: the distance between two elements, as DeltaEvictor (and delta triggers) measure it.

/** How far apart two data points are: a function, or an object with Flink's `getDelta`. */
export type DeltaFunction<T> = ((oldDataPoint: T, newDataPoint: T) => number) | { getDelta(oldDataPoint: T, newDataPoint: T): number };

export function toDeltaFn<T>(fn: DeltaFunction<T>): (oldDataPoint: T, newDataPoint: T) => number {
  return typeof fn === 'function' ? fn : (a, b) => fn.getDelta(a, b);
}
