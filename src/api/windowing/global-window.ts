// GlobalWindow: the one window of GlobalWindows, holding every element of a key; it never ends.

import { MAX_WATERMARK } from '../../core/stream-element.ts';
import { Window } from './window.ts';

/**
 * The single window every element of a key belongs to under `GlobalWindows`. Its `maxTimestamp()` is
 * `MAX_WATERMARK`, so no event-time timer fires for it and the operator never schedules its cleanup; a custom
 * trigger (e.g. `CountTrigger`) decides when it fires.
 *
 * @example
 * GlobalWindow.get().maxTimestamp() === MAX_WATERMARK; // true
 */
export class GlobalWindow extends Window {
  static readonly #instance = new GlobalWindow();

  private constructor() {
    super();
  }

  /** The instance (all GlobalWindows are equal anyway). */
  static get(): GlobalWindow {
    return GlobalWindow.#instance;
  }

  maxTimestamp(): number {
    return MAX_WATERMARK;
  }

  equals(other: Window): boolean {
    return other instanceof GlobalWindow;
  }

  override toString(): string {
    return 'GlobalWindow';
  }
}
