// View: a metric that recomputes itself on a central timer every 5 seconds (Flink's View), e.g. MeterView.

/** How often the registry's ViewUpdater calls `update()` on every registered View (Flink: 5 s). */
export const UPDATE_INTERVAL_SECONDS = 5;

/** Marks an object as a View; the registry hands such metrics to its ViewUpdater when they are registered. */
export const VIEW: unique symbol = Symbol.for('sluice.metrics.View');

/** A metric whose value is recomputed every `UPDATE_INTERVAL_SECONDS` by the registry, off the hot path. */
export interface View {
  readonly [VIEW]: true;
  /** Called every `UPDATE_INTERVAL_SECONDS` seconds. */
  update(): void;
}

/** Whether a metric is a View. */
export function isView(metric: unknown): metric is View {
  return typeof metric === 'object' && metric !== null && (metric as Partial<View>)[VIEW] === true;
}
