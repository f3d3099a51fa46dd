// ScopeFormat: a scope template such as "<host>.taskmanager.<tm_id>" bound to a group's variables (Flink's ScopeFormat).

import { IllegalArgumentError } from '../core/errors.ts';

/** The component that makes a format relative to its parent's: "*.operator.<operator_name>". */
export const SCOPE_INHERIT_PARENT = '*';
/** What separates components in a scope format (always '.', whatever the identifier delimiter). */
export const SCOPE_SEPARATOR = '.';

/**
 * A parsed scope format. A format whose first component is `*` appends to its parent format's template; any other
 * format is absolute. Components that are exactly one of the format's variables (`<host>`) are replaced by the
 * variable's value; every other component, unknown variables included, stays as written.
 */
export class ScopeFormat {
  /** The format as configured (without a leading "*."). */
  readonly format: string;
  /** The components, with the parent's prepended for a relative format. */
  readonly template: readonly string[];
  readonly #positions: ReadonlyArray<readonly [templateIndex: number, variable: string]>;

  constructor(format: string, parent: ScopeFormat | undefined, variables: readonly string[]) {
    const raw = format.split(SCOPE_SEPARATOR);
    if (raw[0] === SCOPE_INHERIT_PARENT) {
      if (parent === undefined) {
        throw new IllegalArgumentError(
          `scope format "${format}" starts with '${SCOPE_INHERIT_PARENT}' but this component has no parent scope`,
        );
      }
      this.format = format.length > 2 ? format.slice(2) : '<empty>';
      this.template = [...parent.template, ...raw.slice(1)];
    } else {
      this.format = format === '' ? '<empty>' : format;
      this.template = raw;
    }
    const known = new Set(variables);
    const positions: Array<readonly [number, string]> = [];
    this.template.forEach((component, i) => {
      if (component.length >= 3 && component.startsWith('<') && component.endsWith('>') && known.has(component)) {
        positions.push([i, component]);
      }
    });
    this.#positions = positions;
  }

  /** The scope components for these variable values. */
  formatScope(values: Readonly<Record<string, string>>): string[] {
    const out = [...this.template];
    for (const [index, variable] of this.#positions) out[index] = values[variable] ?? 'null';
    return out;
  }

  toString(): string {
    return `ScopeFormat '${this.format}'`;
  }
}
