// An id (job, bundle, trigger, vertex, TaskManager, log) the cluster does not know: the REST API answers 404.

import { IllegalArgumentError } from '../core/errors.ts';

/** Thrown when a request names something that does not exist; `resource` says what kind of thing. */
export class NotFoundError extends IllegalArgumentError {
  constructor(
    readonly resource: string,
    message: string,
  ) {
    super(message);
  }
}
