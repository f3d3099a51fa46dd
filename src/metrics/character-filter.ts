// CharacterFilter: how names and scope components are cleaned before they go into an identifier.

/** Turns a name or scope component into one a reporter accepts (Flink's `CharacterFilter`). */
export type CharacterFilter = (input: string) => string;

/** Leaves input unchanged. */
export const NO_OP_FILTER: CharacterFilter = (input) => input;

const UNSUPPORTED = /[ :.,]/g;

/**
 * Flink's default for identifiers (its MetricQueryService filter): space, `:`, `.` and `,` become `_`, so
 * "Source: Custom Source" reads "Source__Custom_Source".
 */
export const DEFAULT_FILTER: CharacterFilter = (input) => (/[ :.,]/.test(input) ? input.replace(UNSUPPORTED, '_') : input);

/**
 * Wraps a filter so its output never contains `delimiter` (it would split one component into two): remaining
 * delimiters become `_`, or `-` when the delimiter is `_`.
 */
export function delimiterSafe(filter: CharacterFilter, delimiter: string): CharacterFilter {
  const replacement = delimiter === '_' ? '-' : '_';
  return (input) => {
    const out = filter(input);
    return out.includes(delimiter) ? out.split(delimiter).join(replacement) : out;
  };
}
