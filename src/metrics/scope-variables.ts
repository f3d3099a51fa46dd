// The scope variables Flink defines, by name: what scope formats refer to and what reporters turn into labels.

/** Scope variables (keys of `MetricGroup.getAllVariables()`), written as in scope formats. */
export const ScopeVariables = {
  HOST: '<host>',
  TM_ID: '<tm_id>',
  JOB_ID: '<job_id>',
  JOB_NAME: '<job_name>',
  TASK_ID: '<task_id>',
  TASK_NAME: '<task_name>',
  TASK_ATTEMPT_ID: '<task_attempt_id>',
  TASK_ATTEMPT_NUM: '<task_attempt_num>',
  SUBTASK_INDEX: '<subtask_index>',
  OPERATOR_ID: '<operator_id>',
  OPERATOR_NAME: '<operator_name>',
} as const;

/** `name` as a scope variable: `asVariable('host')` is `<host>`. */
export function asVariable(name: string): string {
  return `<${name}>`;
}

/** A scope variable without its angle brackets: `<host>` becomes `host` (as reporters use it for labels). */
export function variableName(variable: string): string {
  return variable.length >= 2 && variable.startsWith('<') && variable.endsWith('>') ? variable.slice(1, -1) : variable;
}

/** Flink's `valueOrNull`: a missing or empty value reads "null" in a scope. */
export function valueOrNull(value: string | number | undefined | null): string {
  return value === undefined || value === null || value === '' ? 'null' : String(value);
}
