// The counts a task keeps as it runs: plain fields bumped on the hot path, read by metrics off it.

import { MIN_WATERMARK, type LatencyMarker } from '../../core/stream-element.ts';

/**
 * One operator's input and output. When an operator's only output is the next operator of its chain, its output
 * is that operator's input: `sameAs` points there and nothing is counted twice on the hot path.
 */
export class OperatorIOMetrics {
  recordsIn = 0;
  inputWatermark = MIN_WATERMARK;
  #recordsOut = 0;
  #outputWatermark = MIN_WATERMARK;
  /** The downstream operator whose input is this operator's output, if that is all it emits to. */
  outputIsInputOf: OperatorIOMetrics | undefined = undefined;

  get recordsOut(): number {
    return this.outputIsInputOf !== undefined ? this.outputIsInputOf.recordsIn : this.#recordsOut;
  }
  set recordsOut(n: number) {
    this.#recordsOut = n;
  }
  get outputWatermark(): number {
    return this.outputIsInputOf !== undefined ? this.outputIsInputOf.inputWatermark : this.#outputWatermark;
  }
  set outputWatermark(t: number) {
    this.#outputWatermark = t;
  }
  /** Set when latency tracking is on: records how long a marker took to reach this operator. */
  onLatencyMarker: ((marker: LatencyMarker) => void) | undefined = undefined;
  constructor(
    readonly operatorId: string,
    readonly operatorName: string,
  ) {}
}

/** Where a task's time goes, for busy / idle / back-pressured time per second. */
export class TaskTimeAccounting {
  idleMs = 0;
  backPressuredMs = 0;
  /** True while the task waits for output credit. */
  backPressured = false;
  readonly #startedAt: number;
  #last: { at: number; idle: number; backPressured: number };

  constructor(now: number) {
    this.#startedAt = now;
    this.#last = { at: now, idle: 0, backPressured: 0 };
  }

  /** Milliseconds per second of each kind since the previous sample (Flink's *TimeMsPerSecond). */
  sample(now: number): { busy: number; idle: number; backPressured: number } {
    const elapsed = now - this.#last.at;
    if (elapsed <= 0) return { busy: 0, idle: 0, backPressured: 0 };
    const idle = ((this.idleMs - this.#last.idle) * 1000) / elapsed;
    const backPressured = ((this.backPressuredMs - this.#last.backPressured) * 1000) / elapsed;
    this.#last = { at: now, idle: this.idleMs, backPressured: this.backPressuredMs };
    const busy = Math.max(0, 1000 - idle - backPressured);
    return { busy: Math.round(busy), idle: Math.round(idle), backPressured: Math.round(backPressured) };
  }

  get startedAt(): number {
    return this.#startedAt;
  }
}
