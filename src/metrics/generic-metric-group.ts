// The user-defined groups: GenericMetricGroup (addGroup(name)) and the key/value pair of addGroup(key, value).

import { AbstractMetricGroup, type ChildGroupKind } from './abstract-metric-group.ts';
import type { MetricRegistry } from './metric-registry.ts';
import { asVariable } from './scope-variables.ts';

/** The child a group creates for `addGroup`: a key group for the key half of `addGroup(key, value)`, else generic. */
export function createGenericChild(parent: AbstractMetricGroup, name: string, kind: ChildGroupKind): AbstractMetricGroup {
  return kind === 'key'
    ? new GenericKeyMetricGroup(parent.registry, parent, name)
    : new GenericMetricGroup(parent.registry, parent, name);
}

/** A group added with `addGroup(name)`: its name joins both the scope and the logical scope. */
export class GenericMetricGroup extends AbstractMetricGroup {
  readonly name: string;

  constructor(registry: MetricRegistry, parent: AbstractMetricGroup, name: string) {
    super(registry, parent, {
      scope: [...parent.getScopeComponents(), name],
      variables: {},
      logicalScope: [...parent.getLogicalScopeComponents(), name],
      userScope: [...parent.getUserScopeComponents(), name],
    });
    this.name = name;
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}

/** The key half of `addGroup(key, value)`: the key joins scope and logical scope; its value children add `<key>`. */
export class GenericKeyMetricGroup extends AbstractMetricGroup {
  readonly key: string;

  constructor(registry: MetricRegistry, parent: AbstractMetricGroup, key: string) {
    super(registry, parent, {
      scope: [...parent.getScopeComponents(), key],
      variables: {},
      logicalScope: [...parent.getLogicalScopeComponents(), key],
      userScope: [...parent.getUserScopeComponents(), key],
    });
    this.key = key;
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return kind === 'value'
      ? new GenericValueMetricGroup(this.registry, this, name)
      : createGenericChild(this, name, kind);
  }
}

/** The value half of `addGroup(key, value)`: the value joins the scope only, and the variable `<key>` = value. */
export class GenericValueMetricGroup extends AbstractMetricGroup {
  readonly key: string;
  readonly value: string;

  constructor(registry: MetricRegistry, parent: GenericKeyMetricGroup, value: string) {
    super(registry, parent, {
      scope: [...parent.getScopeComponents(), value],
      variables: { [asVariable(parent.key)]: value },
      logicalScope: parent.getLogicalScopeComponents(),
      userScope: [...parent.getUserScopeComponents(), value],
    });
    this.key = parent.key;
    this.value = value;
  }

  protected createChildGroup(name: string, kind: ChildGroupKind): AbstractMetricGroup {
    return createGenericChild(this, name, kind);
  }
}
