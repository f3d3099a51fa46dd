// MirroredMetricGroup: a group with a given scope, logical scope and variables, holding mirrors of remote metrics.

import { AbstractMetricGroup, type ChildGroupKind } from './abstract-metric-group.ts';
import { createGenericChild } from './generic-metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';

/** What a mirrored group copies from the remote group (all of it found in a MetricDump). */
export interface MirroredGroupIdentity {
  readonly scope: readonly string[];
  readonly logicalScope: readonly string[];
  readonly userScope?: readonly string[];
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * A root group that looks, to reporters and dumps, exactly like a group in another thread: same scope components,
 * logical scope and variables. RemoteMetrics creates one per remote group.
 */
export class MirroredMetricGroup extends AbstractMetricGroup {
  constructor(registry: MetricRegistry, identity: MirroredGroupIdentity) {
    super(registry, undefined, {
      scope: identity.scope,
      logicalScope: identity.logicalScope,
      variables: identity.variables,
      userScope: identity.userScope ?? [],
    });
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
