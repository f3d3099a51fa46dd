// AbstractMetricGroup: scope, variables, metrics and subgroups of a group, and registration with the registry.

import { gaugeOf, type Gauge } from './gauge.ts';
import { DEFAULT_FILTER, delimiterSafe, NO_OP_FILTER, type CharacterFilter } from './character-filter.ts';
import type { Counter } from './counter.ts';
import type { Histogram } from './histogram.ts';
import type { Meter } from './meter.ts';
import type { Metric } from './metric.ts';
import type { MetricGroup } from './metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { SimpleCounter } from './simple-counter.ts';

/** How a subgroup is added: `addGroup(name)`, or the key / value halves of `addGroup(key, value)`. */
export type ChildGroupKind = 'generic' | 'key' | 'value';

/** Scope, variables and logical scope of a new group, computed by its subclass. */
export interface GroupIdentity {
  /** Scope components of this group. */
  readonly scope: readonly string[];
  /** The variables this group adds to its parent's (keys with angle brackets). */
  readonly variables: Readonly<Record<string, string>>;
  /** The whole logical scope of this group. */
  readonly logicalScope: readonly string[];
  /** Names of the user-defined groups (addGroup) between the nearest component group and this one; default none. */
  readonly userScope?: readonly string[];
}

/**
 * The base of every group (Flink's AbstractMetricGroup). Subclasses say which scope, variables and logical scope a
 * group has and how it creates children; this class keeps the metrics, registers them with the registry and
 * unregisters them at `close()`.
 */
export abstract class AbstractMetricGroup implements MetricGroup {
  readonly registry: MetricRegistry;
  readonly parent: AbstractMetricGroup | undefined;
  readonly #scope: readonly string[];
  readonly #ownVariables: Readonly<Record<string, string>>;
  readonly #logicalScope: readonly string[];
  readonly #userScope: readonly string[];
  #allVariables: Readonly<Record<string, string>> | undefined;
  readonly #metrics = new Map<string, Metric>();
  readonly #groups = new Map<string, AbstractMetricGroup>();
  readonly #children = new Set<AbstractMetricGroup>();
  #closed = false;

  protected constructor(registry: MetricRegistry, parent: AbstractMetricGroup | undefined, identity: GroupIdentity) {
    this.registry = registry;
    this.parent = parent;
    this.#scope = Object.freeze([...identity.scope]);
    this.#ownVariables = Object.freeze({ ...identity.variables });
    this.#logicalScope = Object.freeze([...identity.logicalScope]);
    this.#userScope = Object.freeze([...(identity.userScope ?? [])]);
    if (parent !== undefined) parent.#children.add(this);
  }

  /** Creates the subgroup `addGroup` returns; component groups and generic groups decide which class. */
  protected abstract createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup;

  /** Called when a child group closes, so component groups can forget it. */
  protected onChildClosed(_child: AbstractMetricGroup): void {}

  // ---- registering metrics ----

  counter(name: string): Counter;
  counter<C extends Counter>(name: string, counter: C): C;
  counter(name: string, counter: Counter = new SimpleCounter()): Counter {
    this.addMetric(name, counter);
    return counter;
  }

  gauge<T>(name: string, gauge: Gauge<T> | (() => T)): Gauge<T> {
    const g = typeof gauge === 'function' ? gaugeOf(gauge) : gauge;
    this.addMetric(name, g);
    return g;
  }

  histogram<H extends Histogram>(name: string, histogram: H): H {
    this.addMetric(name, histogram);
    return histogram;
  }

  meter<M extends Meter>(name: string, meter: M): M {
    this.addMetric(name, meter);
    return meter;
  }

  /** Adds a metric unless the name is taken (then warns and keeps the first) or the group is closed. */
  protected addMetric(name: string, metric: Metric): void {
    if (this.#closed) return;
    if (this.#metrics.has(name)) {
      this.registry.logger.warn(
        `Name collision: group already contains a metric with the name '${name}'. Metric will not be reported.`,
        { scope: this.#scope.join(this.registry.delimiter), metric: name },
      );
      return;
    }
    if (this.#groups.has(name)) {
      this.registry.logger.warn(
        `Name collision: adding a metric with the same name as a metric subgroup: '${name}'. ` +
          `Metric might not get properly reported.`,
        { scope: this.#scope.join(this.registry.delimiter), metric: name },
      );
    }
    this.#metrics.set(name, metric);
    this.registry.register(metric, name, this);
  }

  /** The metrics of this group (not of subgroups), by name. */
  getMetrics(): ReadonlyMap<string, Metric> {
    return this.#metrics;
  }

  // ---- subgroups ----

  addGroup(name: string | number): AbstractMetricGroup;
  addGroup(key: string, value: string): AbstractMetricGroup;
  addGroup(nameOrKey: string | number, value?: string): AbstractMetricGroup {
    if (value === undefined) return this.addChild(String(nameOrKey), 'generic');
    return this.addChild(String(nameOrKey), 'key').addChild(value, 'value');
  }

  /** Returns the subgroup `name`, creating it with `kind` if it does not exist or was closed. */
  protected addChild(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    const prior = this.#groups.get(name);
    if (prior !== undefined && !prior.isClosed()) return prior;
    if (this.#metrics.has(name)) {
      this.registry.logger.warn(
        `Name collision: adding a metric subgroup with the same name as an existing metric: '${name}'. ` +
          `Metric might not get properly reported.`,
        { scope: this.#scope.join(this.registry.delimiter), group: name },
      );
    }
    const group = this.createChildGroup(name, kind);
    if (this.#closed) {
      group.close();
      return group;
    }
    this.#groups.set(name, group);
    return group;
  }

  // ---- scope and variables ----

  getScopeComponents(): readonly string[] {
    return this.#scope;
  }

  getAllVariables(): Readonly<Record<string, string>> {
    this.#allVariables ??= Object.freeze({ ...(this.parent?.getAllVariables() ?? {}), ...this.#ownVariables });
    return this.#allVariables;
  }

  getMetricIdentifier(metricName: string, filter: CharacterFilter = DEFAULT_FILTER, delimiter = this.registry.delimiter): string {
    const safe = delimiterSafe(filter, delimiter);
    return [...this.#scope.map(safe), safe(metricName)].join(delimiter);
  }

  getLogicalScope(filter: CharacterFilter = NO_OP_FILTER, delimiter = this.registry.delimiter): string {
    return this.#logicalScope.map(delimiterSafe(filter, delimiter)).join(delimiter);
  }

  getLogicalScopeComponents(): readonly string[] {
    return this.#logicalScope;
  }

  /**
   * The scope components added by user groups below the nearest component group (TaskManager, job, task, operator):
   * `op.addGroup('cache').addGroup('region', 'eu')` has `['cache', 'region', 'eu']`. The REST metric store names
   * metrics with it.
   */
  getUserScopeComponents(): readonly string[] {
    return this.#userScope;
  }

  // ---- lifecycle ----

  isClosed(): boolean {
    return this.#closed;
  }

  /** Closes subgroups and unregisters every metric of this group; later registrations are ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const child of [...this.#children]) child.close();
    this.#children.clear();
    this.#groups.clear();
    for (const [name, metric] of this.#metrics) this.registry.unregister(metric, name, this);
    this.#metrics.clear();
    const parent = this.parent;
    if (parent !== undefined) {
      parent.#children.delete(this);
      for (const [name, group] of parent.#groups) if (group === this) parent.#groups.delete(name);
      parent.onChildClosed(this);
    }
  }
}
