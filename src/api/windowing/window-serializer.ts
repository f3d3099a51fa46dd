// WindowSerializer: how a window becomes the namespace of its keyed state and timers, and back (Flink's window TypeSerializer).

import { IllegalArgumentError, IllegalStateError } from '../../core/errors.ts';
import type { Namespace } from '../../state/state.ts';
import { GlobalWindow } from './global-window.ts';
import { TimeWindow } from './time-window.ts';
import type { Window } from './window.ts';

/**
 * Turns a window into the namespace its contents, trigger state, per-window state and timers are stored under,
 * and a namespace back into the window (timers and snapshots hold only the namespace). Namespaces are plain data
 * compared by value, so they survive snapshots and threads; equal windows must give equal namespaces.
 *
 * @example
 * const ns = TIME_WINDOW_SERIALIZER.toNamespace(new TimeWindow(0, 1_000)); // '0:1000'
 * TIME_WINDOW_SERIALIZER.fromNamespace(ns).equals(new TimeWindow(0, 1_000)); // true
 */
export interface WindowSerializer<W extends Window> {
  toNamespace(window: W): Namespace;
  fromNamespace(namespace: Namespace): W;
}

/** TimeWindow <-> `'start:end'`. */
export const TIME_WINDOW_SERIALIZER: WindowSerializer<TimeWindow> = Object.freeze({
  toNamespace(window: TimeWindow): Namespace {
    return `${window.start}:${window.end}`;
  },
  fromNamespace(namespace: Namespace): TimeWindow {
    const s = namespace as string;
    const colon = typeof s === 'string' ? s.indexOf(':', 1) : -1;
    if (colon < 0) throw new IllegalStateError(`not a TimeWindow namespace: ${String(namespace)}`);
    return new TimeWindow(Number(s.slice(0, colon)), Number(s.slice(colon + 1)));
  },
});

const GLOBAL_NAMESPACE = 'GlobalWindow';

/** GlobalWindow <-> `'GlobalWindow'`. */
export const GLOBAL_WINDOW_SERIALIZER: WindowSerializer<GlobalWindow> = Object.freeze({
  toNamespace(): Namespace {
    return GLOBAL_NAMESPACE;
  },
  fromNamespace(): GlobalWindow {
    return GlobalWindow.get();
  },
});

/**
 * The serializer assigners use unless they override `getWindowSerializer()`: TimeWindow and GlobalWindow. A
 * custom Window class needs its own serializer.
 */
export const DEFAULT_WINDOW_SERIALIZER: WindowSerializer<Window> = Object.freeze({
  toNamespace(window: Window): Namespace {
    if (window instanceof TimeWindow) return TIME_WINDOW_SERIALIZER.toNamespace(window);
    if (window instanceof GlobalWindow) return GLOBAL_NAMESPACE;
    throw new IllegalArgumentError(
      `window ${String(window)} (${window?.constructor?.name ?? typeof window}) has no namespace form: a WindowAssigner of ` +
        `a custom Window class must override getWindowSerializer() to say how its windows are stored`,
    );
  },
  fromNamespace(namespace: Namespace): Window {
    return namespace === GLOBAL_NAMESPACE ? GlobalWindow.get() : TIME_WINDOW_SERIALIZER.fromNamespace(namespace);
  },
});
