// TriggerResult: what a trigger asks of its window (Flink's enum CONTINUE, FIRE, PURGE, FIRE_AND_PURGE).

/**
 * The answer of every trigger method: whether to evaluate the window function now (`isFire`) and whether to
 * drop the window's contents (`isPurge`). The four values are singletons; compare them with `===`.
 */
export class TriggerResult {
  /** Do nothing. */
  static readonly CONTINUE = new TriggerResult('CONTINUE', false, false);
  /** Evaluate the window function and emit; keep the contents. */
  static readonly FIRE = new TriggerResult('FIRE', true, false);
  /** Drop the contents without evaluating (the window's metadata stays). */
  static readonly PURGE = new TriggerResult('PURGE', false, true);
  /** Evaluate and emit, then drop the contents. */
  static readonly FIRE_AND_PURGE = new TriggerResult('FIRE_AND_PURGE', true, true);

  private constructor(
    readonly name: 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE',
    private readonly fire: boolean,
    private readonly purge: boolean,
  ) {
    Object.freeze(this);
  }

  isFire(): boolean {
    return this.fire;
  }

  isPurge(): boolean {
    return this.purge;
  }

  toString(): string {
    return this.name;
  }
}
