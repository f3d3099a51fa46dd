// The base of state descriptors: a state's name, kind and optional time to live.

import { IllegalArgumentError } from '../core/errors.ts';
import type { State } from './state.ts';
import { StateTtlConfig } from './state-ttl-config.ts';

/** The kinds of keyed state, as written into snapshots. */
export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/**
 * Describes a keyed state by name (unique per operator) and kind; a backend hands out the state object for it.
 * `S` is the state interface the backend returns.
 */
export abstract class StateDescriptor<S extends State> {
  abstract readonly kind: StateKind;
  #ttl: StateTtlConfig | undefined;
  /** Type-level only: the state interface this descriptor yields. */
  declare readonly __state?: S;

  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new IllegalArgumentError(`a state name must be a non-empty string, got ${JSON.stringify(name)}`);
    }
  }

  /** Gives entries of this state a time to live (see StateTtlConfig). */
  enableTimeToLive(ttlConfig: StateTtlConfig): this {
    if (!(ttlConfig instanceof StateTtlConfig)) {
      throw new IllegalArgumentError(`enableTimeToLive takes a StateTtlConfig (StateTtlConfig.newBuilder(...).build())`);
    }
    this.#ttl = ttlConfig;
    return this;
  }

  /** The time-to-live configuration, if enabled. */
  getTtlConfig(): StateTtlConfig | undefined {
    return this.#ttl;
  }

  isTtlEnabled(): boolean {
    return this.#ttl !== undefined;
  }
}
