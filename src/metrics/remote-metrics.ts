// RemoteMetrics: turns dumps from worker threads into mirror metrics in the main registry, one source at a time.

import type { Counter } from './counter.ts';
import type { Gauge } from './gauge.ts';
import type { Histogram } from './histogram.ts';
import type { Meter } from './meter.ts';
import type { MetricDump } from './metric-dump.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { MirroredMetricGroup } from './mirrored-metric-group.ts';
import { createMirror, type MirroredMetric } from './mirrored-metrics.ts';
import type { Metric } from './metric.ts';

interface MirroredEntry {
  group: MirroredMetricGroup;
  readonly mirrors: Map<string, { readonly type: MetricDump['type']; readonly metric: Metric & MirroredMetric }>;
  seen: boolean;
}

/**
 * Mirrors remote metrics in a registry (the main thread's), so reporters and queries see worker metrics as if they
 * were local. Each `applyDumps(source, dumps)` is the whole current set of one source (a TaskManager thread or a
 * task): new metrics are registered, known ones updated in place, and ones missing from the set unregistered.
 *
 * @example
 * const remote = new RemoteMetrics(mainRegistry);
 * worker.on('message', (m) => m.kind === 'metrics' && remote.applyDumps(m.source, m.dumps));
 * worker.on('exit', () => remote.removeSource(source));
 */
export class RemoteMetrics {
  readonly #registry: MetricRegistry;
  readonly #sources = new Map<string, Map<string, MirroredEntry>>();

  constructor(registry: MetricRegistry) {
    this.#registry = registry;
  }

  /** Creates or updates the mirrors of `source` from its latest dumps; mirrors not in `dumps` are removed. */
  applyDumps(source: string, dumps: readonly MetricDump[]): void {
    let groups = this.#sources.get(source);
    if (groups === undefined) this.#sources.set(source, (groups = new Map()));
    for (const entry of groups.values()) entry.seen = false;
    const seenMetrics = new Map<MirroredEntry, Set<string>>();
    for (const dump of dumps) {
      const key = groupKey(dump);
      let entry = groups.get(key);
      if (entry === undefined || entry.group.isClosed()) {
        entry = { group: new MirroredMetricGroup(this.#registry, dump), mirrors: new Map(), seen: false };
        groups.set(key, entry);
      }
      entry.seen = true;
      let seen = seenMetrics.get(entry);
      if (seen === undefined) seenMetrics.set(entry, (seen = new Set()));
      seen.add(dump.name);
      const known = entry.mirrors.get(dump.name);
      if (known !== undefined && known.type === dump.type) {
        known.metric.apply(dump);
        continue;
      }
      if (known !== undefined) this.#replaceGroup(entry);
      const metric = createMirror(dump);
      entry.mirrors.set(dump.name, { type: dump.type, metric });
      registerMirror(entry.group, dump.name, metric, dump.type);
    }
    for (const [key, entry] of groups) {
      const seen = seenMetrics.get(entry);
      if (!entry.seen || seen === undefined) {
        entry.group.close();
        groups.delete(key);
      } else if (seen.size < entry.mirrors.size) {
        // Some metrics of this group are gone: rebuild the group with the ones that remain.
        for (const name of [...entry.mirrors.keys()]) if (!seen.has(name)) entry.mirrors.delete(name);
        this.#replaceGroup(entry);
      }
    }
    if (groups.size === 0) this.#sources.delete(source);
  }

  /** Re-registers an entry's remaining mirrors on a fresh group (a group cannot unregister single metrics). */
  #replaceGroup(entry: MirroredEntry): void {
    const old = entry.group;
    old.close();
    const group = new MirroredMetricGroup(this.#registry, {
      scope: old.getScopeComponents(),
      logicalScope: old.getLogicalScopeComponents(),
      userScope: old.getUserScopeComponents(),
      variables: old.getAllVariables(),
    });
    entry.group = group;
    for (const [name, { type, metric }] of entry.mirrors) registerMirror(group, name, metric, type);
  }

  /** Unregisters every mirror of `source` (its task finished or its thread exited). */
  removeSource(source: string): void {
    const groups = this.#sources.get(source);
    if (groups === undefined) return;
    for (const entry of groups.values()) entry.group.close();
    this.#sources.delete(source);
  }

  /** Sources with mirrors. */
  getSources(): string[] {
    return [...this.#sources.keys()];
  }

  /** Removes every source. */
  close(): void {
    for (const source of [...this.#sources.keys()]) this.removeSource(source);
  }
}

function groupKey(dump: MetricDump): string {
  return JSON.stringify([dump.scope, dump.logicalScope, dump.userScope]);
}

function registerMirror(group: MirroredMetricGroup, name: string, metric: Metric, type: MetricDump['type']): void {
  switch (type) {
    case 'counter':
      group.counter(name, metric as Counter);
      return;
    case 'meter':
      group.meter(name, metric as Meter);
      return;
    case 'histogram':
      group.histogram(name, metric as Histogram);
      return;
    case 'gauge':
      group.gauge(name, metric as Gauge<unknown>);
      return;
  }
}
