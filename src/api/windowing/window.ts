// Window: a finite (or, for GlobalWindow, endless) bucket of elements, identified by value; Flink's Window.

/**
 * A grouping of elements into a finite bucket. `maxTimestamp()` is the largest timestamp that still belongs to
 * the window: event-time triggers fire there and the operator cleans the window up once the watermark passes it.
 * Windows are values: two windows with the same bounds are `equals`, whatever their identity, and `toString()`
 * is a stable, unique key for maps.
 */
export abstract class Window {
  /** The largest timestamp that still belongs to this window. */
  abstract maxTimestamp(): number;
  /** Value equality: same kind and same bounds. */
  abstract equals(other: Window): boolean;
  /** A stable string, unique per window value (usable as a Map key; state uses the assigner's WindowSerializer). */
  abstract toString(): string;
}
