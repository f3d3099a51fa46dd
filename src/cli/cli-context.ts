// What every CLI command shares: where its output goes, the common options, and the REST client it talks through.

import { Command, CommanderError } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import type { Configuration } from '../config/configuration.ts';
import { SluiceError, type ErrorCode } from '../core/errors.ts';
import { collect } from './cli-arguments.ts';
import { loadCliConfiguration, parseJobManagerAddress, restEndpoint } from './cli-configuration.ts';
import { clientTimeout } from './operations.ts';
import { RestClient } from './rest-client.ts';

/** Where a command writes its lines (stdout: results; stderr: diagnostics). Tests capture them. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

/** Options every client command accepts. */
export interface ClientOptions {
  jobmanager?: string;
  D: string[];
  verbose?: boolean;
}

/** Adds `-D key=value` and `-v/--verbose`. */
export function withConfigOptions(command: Command): Command {
  return command
    .option('-D <key=value>', 'set a configuration key (repeatable)', collect, [])
    .option('-v, --verbose', 'print stack traces of errors');
}

/** Adds `-m host:port`, `-D key=value` and `-v/--verbose`. */
export function withClientOptions(command: Command): Command {
  return withConfigOptions(
    command.option('-m, --jobmanager <host:port>', 'REST address of the JobManager to talk to', parseJobManagerAddress),
  );
}

/** A command's connection to the cluster: its configuration, REST client and how long it waits for operations. */
export interface ClusterConnection {
  readonly configuration: Configuration;
  readonly rest: RestClient;
  readonly timeoutMs: number;
}

export async function connect(options: ClientOptions): Promise<ClusterConnection> {
  const configuration = await loadCliConfiguration(options.D);
  const endpoint = restEndpoint(configuration, options.jobmanager);
  return {
    configuration,
    rest: new RestClient({ baseUrl: endpoint.url, token: endpoint.token }),
    timeoutMs: clientTimeout(configuration),
  };
}

/** A usage error found after parsing (a missing job id, say): printed like commander's, exit code 2. */
export function usageError(command: Command, message: string): never {
  return command.error(`error: ${message}`, { exitCode: 2, code: 'sluice.usageError' });
}

/**
 * A failure with what the command was doing in front: "could not cancel job X: <cause>". Keeps the cause's code
 * (and its remote stack trace for --verbose).
 */
export class CommandFailedError extends SluiceError {
  constructor(context: string, cause: unknown) {
    const code: ErrorCode = cause instanceof SluiceError ? cause.code : 'ILLEGAL_STATE';
    super(code, `${context}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Runs `fn`; a failure is rethrown with `context` in front of its message. */
export async function inContext<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CommanderError) throw error;
    throw new CommandFailedError(context, error);
  }
}

/**
 * A path the cluster should use, as the user meant it: relative local paths are made absolute against the
 * client's working directory; URIs (`file:///...`, `s3://...`) pass unchanged.
 */
export function clusterPath(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || isAbsolute(path)) return path;
  return resolve(path);
}
