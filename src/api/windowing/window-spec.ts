// WindowSpec: an assigner with the trigger and evictor it runs with, as keyBy(...).window(...).trigger(...).evictor(...) builds it.

import type { Evictor } from './evictor.ts';
import type { Trigger } from './trigger.ts';
import type { WindowAssigner } from './window-assigner.ts';
import type { Window } from './window.ts';

/** What a window operator is built from: assigner, trigger (the assigner's default unless set) and evictor. */
export interface WindowSpec<T, W extends Window> {
  readonly assigner: WindowAssigner<T, W>;
  readonly trigger: Trigger<T, W>;
  /** With an evictor the operator keeps every element (Flink's EvictingWindowOperator). */
  readonly evictor: Evictor<T, W> | null;
}

/** The spec of `window(assigner)` alone: its default trigger, no evictor. */
export function windowSpec<T, W extends Window>(assigner: WindowAssigner<T, W>): WindowSpec<T, W> {
  return { assigner, trigger: assigner.getDefaultTrigger(), evictor: null };
}
