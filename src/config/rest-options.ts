// Configuration keys of the session cluster and its REST endpoint (Flink's rest.*, web.*, jobstore.* names).

import { durationOption, intOption, stringOption, type ConfigOption } from './config-option.ts';

export const RestOptions = {
  /** Flink's `client.timeout`: how long a client command waits for an operation (savepoint, stop, rescale). */
  CLIENT_TIMEOUT: durationOption('client.timeout', 60_000, 'How long the CLI waits for an operation to complete.', 1),
  PORT: intOption('rest.port', 8081, 'Port of the REST API and web UI; 0 picks any free port.', { min: 0, max: 65535 }),
  ADDRESS: stringOption(
    'rest.address',
    '127.0.0.1',
    'Address the REST server binds to. Loopback by default: set 0.0.0.0 (and rest.auth.token) to serve other hosts.',
  ),
  AUTH_TOKEN: stringOption(
    'rest.auth.token',
    '',
    'Shared token every mutating REST request must carry as "Authorization: Bearer <token>"; empty: no token.',
  ),
  UPLOAD_MAX_BYTES: intOption(
    'rest.upload.max-bytes',
    50 * 1024 * 1024,
    'Largest job bundle POST /jars/upload accepts, in bytes; larger uploads get 413.',
    { min: 1 },
  ),
  UPLOAD_DIR: stringOption(
    'web.upload.dir',
    '',
    'Directory uploaded job bundles are stored in; empty: <os tmp>/sluice-jars.',
  ),
  CLUSTER_TASK_MANAGERS: intOption(
    'cluster.taskmanagers',
    1,
    'TaskManagers that run as worker threads inside the JobManager process, each with ' +
      'taskmanager.numberOfTaskSlots slots; 0: only TaskManager processes (sluice taskmanager) that register.',
    { min: 0, max: 64 },
  ),
  JOBSTORE_MAX_CAPACITY: intOption(
    'jobstore.max-capacity',
    100,
    'Finished jobs the session cluster keeps for /jobs/overview (the oldest are dropped first).',
    { min: 0 },
  ),
} as const;

export const REST_OPTIONS: readonly ConfigOption<unknown>[] = Object.values(RestOptions) as ConfigOption<unknown>[];
