// Configuration keys of a cluster's processes and their connections (Flink's jobmanager.rpc.*, taskmanager.*,
// heartbeat.* and cluster.registration.* names).

import { ConfigurationError } from '../core/errors.ts';
import { durationOption, intOption, stringOption, type ConfigOption } from './config-option.ts';
import type { Configuration } from './configuration.ts';

export const ClusterOptions = {
  RPC_ADDRESS: stringOption(
    'jobmanager.rpc.address',
    'localhost',
    'Host name or address of the JobManager that TaskManager processes connect to (and that the JobManager ' +
      'names as its own data address).',
  ),
  RPC_PORT: intOption(
    'jobmanager.rpc.port',
    6123,
    'Port the JobManager listens on for TaskManager processes (registration, heartbeats, deployments) and for ' +
      'data channels into the JobManager process; 0 picks any free port.',
    { min: 0, max: 65535 },
  ),
  JOB_MANAGER_BIND_HOST: stringOption(
    'jobmanager.bind-host',
    '',
    'Address the JobManager binds jobmanager.rpc.port to; empty: jobmanager.rpc.address. Set 0.0.0.0 where the ' +
      'RPC address is a name the JobManager itself cannot bind (a Kubernetes Service).',
  ),
  RESOURCE_ID: stringOption(
    'taskmanager.resource-id',
    '',
    'Id a TaskManager process registers with; empty: <hostname>-<random hex>. A TaskManager that registers ' +
      'again under the same id replaces its earlier registration.',
  ),
  TASK_MANAGER_HOST: stringOption(
    'taskmanager.host',
    '',
    'Address other processes reach this TaskManager\'s data port at; empty: the local address of its ' +
      'connection to the JobManager.',
  ),
  TASK_MANAGER_BIND_HOST: stringOption(
    'taskmanager.bind-host',
    '0.0.0.0',
    'Address a TaskManager process binds its data port to.',
  ),
  DATA_PORT: intOption(
    'taskmanager.data.port',
    0,
    'Port of a TaskManager process for data channels from other processes; 0 picks any free port.',
    { min: 0, max: 65535 },
  ),
  HEARTBEAT_INTERVAL: durationOption(
    'heartbeat.interval',
    10_000,
    'How often the JobManager sends a heartbeat to each TaskManager process (and expects one back).',
    1,
  ),
  HEARTBEAT_TIMEOUT: durationOption(
    'heartbeat.timeout',
    50_000,
    'Silence after which the JobManager takes a TaskManager process for lost (its tasks fail and jobs fail ' +
      'over), and a TaskManager takes its JobManager for lost (it cancels its tasks and registers again).',
    1,
  ),
  REGISTRATION_INITIAL_BACKOFF: durationOption(
    'cluster.registration.initial-timeout',
    100,
    'First wait of a TaskManager process before it tries to reach an unreachable JobManager again; doubles ' +
      'after every failed attempt up to cluster.registration.max-timeout.',
    1,
  ),
  REGISTRATION_MAX_BACKOFF: durationOption(
    'cluster.registration.max-timeout',
    30_000,
    'Longest wait of a TaskManager process between two attempts to reach the JobManager.',
    1,
  ),
} as const;

export const CLUSTER_OPTIONS: readonly ConfigOption<unknown>[] = Object.values(ClusterOptions) as ConfigOption<unknown>[];

/** Heartbeat interval and timeout (ms), checked against each other. */
export interface HeartbeatSettings {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** `heartbeat.interval` and `heartbeat.timeout`; a timeout not above the interval is a ConfigurationError. */
export function readHeartbeatSettings(conf: Configuration): HeartbeatSettings {
  const intervalMs = conf.get(ClusterOptions.HEARTBEAT_INTERVAL);
  const timeoutMs = conf.get(ClusterOptions.HEARTBEAT_TIMEOUT);
  if (timeoutMs <= intervalMs) {
    throw new ConfigurationError(
      ClusterOptions.HEARTBEAT_TIMEOUT.key,
      `heartbeat.timeout must be larger than heartbeat.interval (a few intervals, Flink uses 5), got timeout ` +
        `${timeoutMs} ms and interval ${intervalMs} ms`,
    );
  }
  return { intervalMs, timeoutMs };
}

/** Backoff of a TaskManager process between attempts to reach the JobManager (ms), checked against each other. */
export function readRegistrationBackoff(conf: Configuration): { readonly initialMs: number; readonly maxMs: number } {
  const initialMs = conf.get(ClusterOptions.REGISTRATION_INITIAL_BACKOFF);
  const maxMs = conf.get(ClusterOptions.REGISTRATION_MAX_BACKOFF);
  if (maxMs < initialMs) {
    throw new ConfigurationError(
      ClusterOptions.REGISTRATION_MAX_BACKOFF.key,
      `cluster.registration.max-timeout must be >= cluster.registration.initial-timeout, got ${maxMs} ms and ${initialMs} ms`,
    );
  }
  return { initialMs, maxMs };
}
