// ScopeFormats: the six scope formats of a registry (jm, jm-job, tm, tm-job, task, operator) and their parents.

import { ScopeFormat } from './scope-format.ts';
import { ScopeVariables as V } from './scope-variables.ts';

/** The format strings, as `metrics.scope.*` configures them. */
export interface ScopeFormatStrings {
  readonly jm: string;
  readonly jmJob: string;
  readonly tm: string;
  readonly tmJob: string;
  readonly task: string;
  readonly operator: string;
}

const JM_VARS = [V.HOST];
const JM_JOB_VARS = [V.HOST, V.JOB_ID, V.JOB_NAME];
const TM_VARS = [V.HOST, V.TM_ID];
const TM_JOB_VARS = [V.HOST, V.TM_ID, V.JOB_ID, V.JOB_NAME];
const TASK_VARS = [
  ...TM_JOB_VARS,
  V.TASK_ID,
  V.TASK_NAME,
  V.TASK_ATTEMPT_ID,
  V.TASK_ATTEMPT_NUM,
  V.SUBTASK_INDEX,
];
const OPERATOR_VARS = [...TASK_VARS, V.OPERATOR_ID, V.OPERATOR_NAME];

/**
 * The scope formats of one registry. Parents, for formats starting with `*`: jm-job's is jm, tm-job's is tm,
 * task's is tm-job, operator's is task (as in Flink).
 */
export class ScopeFormats {
  readonly jm: ScopeFormat;
  readonly jmJob: ScopeFormat;
  readonly tm: ScopeFormat;
  readonly tmJob: ScopeFormat;
  readonly task: ScopeFormat;
  readonly operator: ScopeFormat;

  constructor(formats: ScopeFormatStrings) {
    this.jm = new ScopeFormat(formats.jm, undefined, JM_VARS);
    this.jmJob = new ScopeFormat(formats.jmJob, this.jm, JM_JOB_VARS);
    this.tm = new ScopeFormat(formats.tm, undefined, TM_VARS);
    this.tmJob = new ScopeFormat(formats.tmJob, this.tm, TM_JOB_VARS);
    this.task = new ScopeFormat(formats.task, this.tmJob, TASK_VARS);
    this.operator = new ScopeFormat(formats.operator, this.task, OPERATOR_VARS);
  }
}
