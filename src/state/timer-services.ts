// The named timer services of one keyed backend, with timers restored before their service exists kept aside
// (and kept in snapshots) until the operator asks for that service. Shared by every keyed backend: timers live
// on the heap whatever holds the state.

import { InternalTimerService } from './internal-timer-service.ts';
import type { KeyContext } from './key-context.ts';
import type { KeyGroupRange } from './key-group.ts';
import type { TimerServiceOptions } from './keyed-state-backend.ts';
import type { TimerServiceSnapshot } from './keyed-state-snapshot.ts';

export class TimerServices {
  readonly #services = new Map<string, InternalTimerService>();
  /** Timers restored before their service was created, by service name. */
  readonly #restored = new Map<string, TimerServiceSnapshot[]>();

  constructor(private readonly keyContext: KeyContext) {}

  /** The named service, created on first use (later calls return it and ignore `options`). */
  get(name: string, options: TimerServiceOptions): InternalTimerService {
    let service = this.#services.get(name);
    if (service !== undefined) return service;
    service = new InternalTimerService({ name, keyContext: this.keyContext, ...options });
    this.#services.set(name, service);
    for (const snapshot of this.#restored.get(name) ?? []) service.restore(snapshot);
    this.#restored.delete(name);
    return service;
  }

  all(): InternalTimerService[] {
    return [...this.#services.values()];
  }

  /** The timers of `range`, those not yet claimed by a service included. */
  snapshot(range: KeyGroupRange): TimerServiceSnapshot[] {
    const out = [...this.#services.values()].map((t) => t.snapshot(range));
    for (const pending of this.#restored.values()) {
      for (const s of pending) out.push({ name: s.name, keyGroups: s.keyGroups.filter((g) => range.contains(g.keyGroup)) });
    }
    return out;
  }

  /** Adds the timers of `own`'s key groups to their service, or keeps them until the service is asked for. */
  restore(timers: TimerServiceSnapshot, own: KeyGroupRange): void {
    const service = this.#services.get(timers.name);
    if (service !== undefined) {
      service.restore(timers);
      return;
    }
    const kept = { name: timers.name, keyGroups: timers.keyGroups.filter((g) => own.contains(g.keyGroup)) };
    if (kept.keyGroups.length === 0) return;
    const pending = this.#restored.get(timers.name) ?? [];
    pending.push(kept);
    this.#restored.set(timers.name, pending);
  }

  /** Cancels wake-ups and drops every timer. */
  dispose(): void {
    for (const service of this.#services.values()) service.dispose();
    this.#restored.clear();
  }
}
