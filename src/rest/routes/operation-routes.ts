// Asynchronous operations: savepoints (optionally cancelling), stop (optionally draining), rescaling and savepoint
// disposal, each answered with a request id that is polled until COMPLETED.

import type { OperationState } from '../../cluster/async-operations.ts';
import { bodyObject, hexId, optionalBoolean, optionalInt, optionalString } from '../request-params.ts';
import { badRequest } from '../rest-errors.ts';
import type { RouteContext } from '../rest-server.ts';
import { jobOf } from './job-routes.ts';

/** Flink's AsynchronousOperationResult: the status, and once done the result or the failure cause. */
function operationResult<R>(state: OperationState<R>, result: (r: R) => unknown): Record<string, unknown> {
  if (state.status === 'IN_PROGRESS') return { status: { id: 'IN_PROGRESS' } };
  if ('error' in state) {
    return {
      status: { id: 'COMPLETED' },
      operation: {
        'failure-cause': {
          class: state.error.name,
          'stack-trace': state.error.stack ?? `${state.error.name}: ${state.error.message}`,
          'serialized-throwable': null,
        },
      },
    };
  }
  return { status: { id: 'COMPLETED' }, operation: result(state.result) };
}

function triggerId(params: unknown): string {
  return hexId((params as { triggerid: string }).triggerid, 'Trigger id');
}

export function registerOperationRoutes({ gateway, routes }: RouteContext): void {
  routes.add('POST', '/jobs/:jobid/savepoints', (request, reply) => {
    const job = jobOf(gateway, request.params);
    const body = bodyObject(request.body);
    const target = optionalString(body['target-directory'], 'target-directory');
    const cancelJob = optionalBoolean(body['cancel-job'], 'cancel-job') ?? false;
    const requestId = gateway.triggerSavepoint(job.jobId, target, cancelJob);
    return reply.code(202).send({ 'request-id': requestId });
  });

  routes.add('GET', '/jobs/:jobid/savepoints/:triggerid', (request) => {
    const job = jobOf(gateway, request.params);
    return operationResult(gateway.savepointStatus(job.jobId, triggerId(request.params)), (location) => ({ location }));
  });

  routes.add('POST', '/jobs/:jobid/stop', (request, reply) => {
    const job = jobOf(gateway, request.params);
    const body = bodyObject(request.body);
    const target = optionalString(body['targetDirectory'], 'targetDirectory');
    const drain = optionalBoolean(body['drain'], 'drain') ?? false;
    const requestId = gateway.stop(job.jobId, target, drain);
    return reply.code(202).send({ 'request-id': requestId });
  });

  routes.add('PATCH', '/jobs/:jobid/rescaling', async (request, reply) => {
    const job = jobOf(gateway, request.params);
    const parallelism = optionalInt((request.query as Record<string, unknown>)['parallelism'], 'parallelism');
    if (parallelism === undefined) throw badRequest('Query parameter parallelism is required (PATCH /jobs/:jobid/rescaling?parallelism=N)');
    const requestId = await gateway.rescale(job.jobId, parallelism);
    return reply.code(202).send({ 'request-id': requestId });
  });

  routes.add('GET', '/jobs/:jobid/rescaling/:triggerid', (request) => {
    const job = jobOf(gateway, request.params);
    // The job continues as a new job (its id is in the result); the old one ends CANCELED.
    return operationResult(gateway.rescaleStatus(job.jobId, triggerId(request.params)), (r) => ({
      jobid: r.jobId,
      location: r.savepointPath,
    }));
  });

  routes.add('POST', '/savepoint-disposal', (request, reply) => {
    const body = bodyObject(request.body);
    const path = optionalString(body['savepoint-path'], 'savepoint-path');
    if (path === undefined || path.trim() === '') throw badRequest('Field savepoint-path is required: the savepoint directory to dispose');
    return reply.code(202).send({ 'request-id': gateway.disposeSavepoint(path) });
  });

  routes.add('GET', '/savepoint-disposal/:triggerid', (request) =>
    operationResult(gateway.disposalStatus(triggerId(request.params)), () => ({})),
  );
}
