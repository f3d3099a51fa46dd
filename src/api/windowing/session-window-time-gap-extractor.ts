// SessionWindowTimeGapExtractor: the per-element session gap of dynamic session windows.

/** The session gap in milliseconds for an element: a function, or an object with Flink's `extract`. */
export type SessionWindowTimeGapExtractor<T> = ((element: T) => number) | { extract(element: T): number };

export function toGapExtractor<T>(extractor: SessionWindowTimeGapExtractor<T>): (element: T) => number {
  return typeof extractor === 'function' ? extractor : (element) => extractor.extract(element);
}
