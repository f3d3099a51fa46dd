// ViewUpdater: calls update() on every registered View every 5 seconds, from one timer (Flink's ViewUpdater).

import type { Logger } from '../core/logger.ts';
import type { MetricTimer } from './metric-timer.ts';
import { UPDATE_INTERVAL_SECONDS, type View } from './view.ts';

/** Keeps the Views of one registry up to date; its timer starts with the first View and stops at `close()`. */
export class ViewUpdater {
  readonly #views = new Set<View>();
  readonly #timer: MetricTimer;
  readonly #logger: Logger;
  #cancel: (() => void) | undefined;
  #closed = false;

  constructor(timer: MetricTimer, logger: Logger) {
    this.#timer = timer;
    this.#logger = logger;
  }

  notifyOfAddedView(view: View): void {
    if (this.#closed) return;
    this.#views.add(view);
    this.#cancel ??= this.#timer.schedule(UPDATE_INTERVAL_SECONDS * 1000, () => this.updateAll());
  }

  notifyOfRemovedView(view: View): void {
    this.#views.delete(view);
  }

  /** Updates every View now (the timer calls this). A View that throws is logged and skipped. */
  updateAll(): void {
    for (const view of this.#views) {
      try {
        view.update();
      } catch (error) {
        this.#logger.warn('metric view failed to update', { error });
      }
    }
  }

  get viewCount(): number {
    return this.#views.size;
  }

  close(): void {
    this.#closed = true;
    this.#cancel?.();
    this.#cancel = undefined;
    this.#views.clear();
  }
}
