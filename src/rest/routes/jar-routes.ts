// Job bundle endpoints (Flink's jars): upload, list, delete, plan and run.

import { join } from 'node:path';
import { NotFoundError } from '../../cluster/not-found-error.ts';
import { UploadTooLargeError } from '../../cluster/job-bundles.ts';
import { planResponse } from '../job-views.ts';
import { runRequest, type Query } from '../request-params.ts';
import { badRequest, RestError, toRestError } from '../rest-errors.ts';
import type { RouteContext } from '../rest-server.ts';

const JAR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_[A-Za-z0-9._-]{1,100}$/;

function jarId(value: string): string {
  if (!JAR_ID.test(value) || value.includes('..')) {
    throw new NotFoundError('jar', `Jar file ${JSON.stringify(value)} does not exist: ids look like <uuid>_<name> (GET /jars)`);
  }
  return value;
}

/**
 * A failure while the job module ran on the JobManager (its job function threw, it cannot be imported, it
 * built an invalid graph): the program is at fault, so 400, unless the cluster's state refused it (409).
 */
function programError(error: unknown): RestError {
  const rest = toRestError(error);
  if (rest.status !== 500) return rest;
  return badRequest(`Could not run the job module: ${(error as Error)?.message ?? String(error)}`);
}

export function registerJarRoutes({ gateway, routes }: RouteContext): void {
  routes.add('POST', '/jars/upload', async (request) => {
    if (!request.isMultipart()) {
      throw badRequest('Upload the job bundle as multipart/form-data with the file in the field "jarfile"');
    }
    const part = await request.file();
    if (part === undefined) throw badRequest('The upload has no file: send it in the multipart field "jarfile"');
    if (part.fieldname !== 'jarfile') {
      part.file.resume();
      throw badRequest(`The upload's file is in field ${JSON.stringify(part.fieldname)}; send it in "jarfile"`);
    }
    try {
      const bundle = await gateway.storeBundle(part.filename, part.file, () => part.file.truncated);
      return { filename: join(gateway.uploadDirectory, bundle.id), status: 'success' };
    } catch (error) {
      if (error instanceof UploadTooLargeError) throw new RestError(413, error.message);
      throw error;
    }
  });

  routes.add('GET', '/jars', (request) => ({
    address: `${request.protocol}://${request.host}`,
    files: gateway.listBundles().map((b) => ({
      id: b.id,
      name: b.name,
      uploaded: b.uploaded,
      entry: b.entries.map((name) => ({ name, description: null })),
    })),
  }));

  routes.add('DELETE', '/jars/:jarid', async (request) => {
    await gateway.deleteBundle(jarId((request.params as { jarid: string }).jarid));
    return {};
  });

  const plan = async (request: { params: unknown; body: unknown; query: unknown }): Promise<unknown> => {
    const id = jarId((request.params as { jarid: string }).jarid);
    gateway.bundle(id);
    const run = runRequest(request.body, request.query as Query);
    try {
      return planResponse(await gateway.planBundle(id, run));
    } catch (error) {
      throw programError(error);
    }
  };
  routes.add('GET', '/jars/:jarid/plan', plan);
  routes.add('POST', '/jars/:jarid/plan', plan);

  routes.add('POST', '/jars/:jarid/run', async (request) => {
    const id = jarId((request.params as { jarid: string }).jarid);
    gateway.bundle(id);
    const run = runRequest(request.body, request.query as Query);
    try {
      return { jobid: await gateway.runBundle(id, run) };
    } catch (error) {
      throw programError(error);
    }
  });
}
