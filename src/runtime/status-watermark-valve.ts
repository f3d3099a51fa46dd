// Combines the watermarks and idleness of a task input's channels into one watermark and status (Flink's
// StatusWatermarkValve).

import { MIN_WATERMARK } from '../core/stream-element.ts';

interface ChannelState {
  watermark: number;
  active: boolean;
  /** Counted in the minimum: active, and its watermark caught up with the last one emitted. */
  aligned: boolean;
}

/** Where the valve emits. */
export interface ValveOutput {
  emitWatermark(timestamp: number): void;
  emitWatermarkStatus(idle: boolean): void;
}

/**
 * A task input's watermark is the minimum over its channels, idle channels excluded. A channel that turns active
 * again counts only once its watermark has caught up with the input's (so the watermark never goes back); when
 * every channel is idle the input is idle, after passing on the largest watermark any channel reached.
 */
export class StatusWatermarkValve {
  readonly #channels: ChannelState[];
  #lastWatermark = MIN_WATERMARK;
  #idle = false;

  constructor(
    numChannels: number,
    private readonly output: ValveOutput,
  ) {
    this.#channels = Array.from({ length: numChannels }, () => ({ watermark: MIN_WATERMARK, active: true, aligned: true }));
  }

  get watermark(): number {
    return this.#lastWatermark;
  }

  get idle(): boolean {
    return this.#idle;
  }

  inputWatermark(timestamp: number, channel: number): void {
    const c = this.#channels[channel]!;
    // Flink drops a watermark from an idle channel: idleness ends with a status, not a watermark.
    if (!c.active || timestamp <= c.watermark) return;
    c.watermark = timestamp;
    if (!c.aligned && timestamp >= this.#lastWatermark) c.aligned = true;
    this.#emitMinimum();
  }

  inputWatermarkStatus(idle: boolean, channel: number): void {
    const c = this.#channels[channel]!;
    if (idle === !c.active) return;
    if (idle) {
      c.active = false;
      const wasAligned = c.aligned;
      c.aligned = false;
      if (this.#channels.every((ch) => !ch.active)) {
        // Everything idle: let event time move as far as any channel got, then go idle downstream.
        let max = MIN_WATERMARK;
        for (const ch of this.#channels) if (ch.watermark > max) max = ch.watermark;
        if (max > this.#lastWatermark) {
          this.#lastWatermark = max;
          this.output.emitWatermark(max);
        }
        this.#idle = true;
        this.output.emitWatermarkStatus(true);
      } else if (wasAligned) {
        this.#emitMinimum();
      }
    } else {
      c.active = true;
      if (c.watermark >= this.#lastWatermark) c.aligned = true;
      if (this.#idle) {
        this.#idle = false;
        this.output.emitWatermarkStatus(false);
      }
    }
  }

  /**
   * A channel that ended holds back nothing any more (its producer sent the maximum watermark before it ended).
   * It counts as active at the maximum watermark, so an idle input turns active again before that watermark.
   */
  endOfChannel(channel: number): void {
    const c = this.#channels[channel]!;
    c.watermark = Number.POSITIVE_INFINITY;
    c.active = true;
    c.aligned = true;
    if (this.#idle) {
      this.#idle = false;
      this.output.emitWatermarkStatus(false);
    }
    this.#emitMinimum();
  }

  #emitMinimum(): void {
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    for (const c of this.#channels) {
      if (c.aligned) {
        any = true;
        if (c.watermark < min) min = c.watermark;
      }
    }
    if (any && min > this.#lastWatermark) {
      this.#lastWatermark = min;
      this.output.emitWatermark(min);
    }
  }
}
