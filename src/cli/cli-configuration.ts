// The configuration a CLI command works with (-D flags over the configuration file) and the REST endpoint it names.

import { InvalidArgumentError } from 'commander';
import { loadConfiguration, type ConfigWarning } from '../config/config-loader.ts';
import type { Configuration } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import { RestOptions } from '../config/rest-options.ts';

/** `-D key=value` pairs as a record; a pair without `=` or with an empty key is a usage error. */
export function parseDefines(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || pair.slice(0, eq).trim() === '') throw new InvalidArgumentError(`-D expects key=value, got '${pair}'`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/**
 * The effective configuration of a command: `-D` flags over the environment and `conf/sluice-conf.yaml`.
 * This is the one place that loads it, so switching the source is one line.
 */
export async function loadCliConfiguration(defines: readonly string[]): Promise<Configuration> {
  return loadConfiguration({ dynamic: parseDefines(defines), onWarning: warn });
}

function warn(warning: ConfigWarning): void {
  process.stderr.write(`sluice: warning: ${warning.message}\n`);
}

/** Where a client command sends its requests. */
export interface RestEndpoint {
  /** `http://host:port` */
  readonly url: string;
  /** `rest.auth.token`, when configured. */
  readonly token: string | undefined;
}

const ADDRESS = /^(?:(https?):\/\/)?(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+):(\d{1,5})\/?$/;

/** `-m host:port` (or `http(s)://host:port`) as a base URL; anything else is a usage error. */
export function parseJobManagerAddress(value: string): string {
  const match = ADDRESS.exec(value.trim());
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65_535) {
    throw new InvalidArgumentError(`expected host:port (or http://host:port) of the JobManager's REST endpoint, got '${value}'`);
  }
  return `${match[1] ?? 'http'}://${match[2]}:${port}`;
}

/** The REST endpoint from `-m` if given, else `rest.address:rest.port` of the configuration. */
export function restEndpoint(configuration: Configuration, jobmanager: string | undefined): RestEndpoint {
  const rawToken = configuration.get(RestOptions.AUTH_TOKEN).trim();
  const token = rawToken === '' ? undefined : rawToken;
  if (jobmanager !== undefined) return { url: jobmanager, token };
  let address = configuration.get(RestOptions.ADDRESS).trim();
  // A server bound to every interface is reached on loopback from this host.
  if (address === '' || address === '0.0.0.0' || address === '::') address = '127.0.0.1';
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return { url: `http://${host}:${configuration.get(RestOptions.PORT)}`, token };
}

/** `env.log.dir`: where `cluster start` keeps the JobManager's pid file and output. */
export function logDirectory(configuration: Configuration): string {
  return configuration.get(CoreOptions.LOG_DIR);
}
