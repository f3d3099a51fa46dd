// `sluice cluster start|stop`: a detached JobManager process (pid file and output under env.log.dir).

import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Configuration } from '../../config/configuration.ts';
import { SluiceError } from '../../core/errors.ts';
import { loadCliConfiguration, logDirectory, restEndpoint } from '../cli-configuration.ts';
import { withClientOptions, withConfigOptions, type CliIo, type ClientOptions } from '../cli-context.ts';
import {
  clusterFiles,
  isJobManagerAlive,
  readPid,
  readRestUrl,
  removeClusterFiles,
  tail,
  waitForExit,
  writeClusterFiles,
} from '../cluster-process.ts';
import { clientTimeout } from '../operations.ts';
import { ClusterUnreachableError, RestClient } from '../rest-client.ts';
import { isClusterOverview } from '../rest-responses.ts';
import { REST_LISTENING } from './jobmanager.ts';

const BIN = fileURLToPath(new URL('../../../bin/sluice.mjs', import.meta.url));

/** How long `cluster stop` waits for the process to exit after DELETE /cluster, and again after SIGTERM. */
const STOP_GRACE_MS = 15_000;

export function registerCluster(program: Command, io: CliIo): void {
  const cluster = program.command('cluster').description('start or stop a session cluster in the background');

  withConfigOptions(
    cluster
      .command('start')
      .description('start a JobManager (with its TaskManagers) as a background process and wait until it answers'),
  ).action(async (flags: { D: string[] }) => {
    const configuration = await loadCliConfiguration(flags.D);
    const logDir = logDirectory(configuration);
    const files = clusterFiles(logDir);
    await mkdir(logDir, { recursive: true });
    const running = await readPid(files);
    if (running !== undefined && isJobManagerAlive(running)) {
      throw new SluiceError(
        'ILLEGAL_STATE',
        `a JobManager started from ${logDir} is already running (pid ${running}, ${files.pidFile}); stop it ` +
          `with 'sluice cluster stop', or start another with -D env.log.dir=<dir> -D rest.port=<port>`,
      );
    }
    await removeClusterFiles(files);

    io.out('Starting cluster.');
    io.out(`Starting standalonesession daemon on host ${hostname()}.`);
    const out = openSync(files.outFile, 'w');
    const defines = flags.D.flatMap((pair) => ['-D', pair]);
    const child = spawn(process.execPath, [BIN, 'jobmanager', ...defines], {
      detached: true,
      stdio: ['ignore', out, out],
      env: process.env,
    });
    closeSync(out);
    let exited: string | undefined;
    child.on('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
    child.on('error', (error) => (exited = error.message));
    if (child.pid === undefined) {
      throw new SluiceError('ILLEGAL_STATE', `could not start the JobManager process: ${exited ?? 'no pid'}`);
    }
    await writeClusterFiles(files, child.pid, undefined);

    const timeoutMs = clientTimeout(configuration);
    const deadline = Date.now() + timeoutMs;
    let restUrl: string | undefined;
    for (;;) {
      if (exited !== undefined) {
        await removeClusterFiles(files);
        throw new SluiceError(
          'ILLEGAL_STATE',
          `the JobManager process ended during start-up (${exited}); its output (${files.outFile}) ends with:\n` +
            (await tail(files.outFile, 10)),
        );
      }
      restUrl ??= await listeningAt(files.outFile);
      if (restUrl !== undefined && (await answers(restUrl, configuration))) break;
      if (Date.now() >= deadline) {
        child.kill('SIGTERM');
        await removeClusterFiles(files);
        throw new SluiceError(
          'ILLEGAL_STATE',
          `the JobManager did not answer within ${timeoutMs} ms (client.timeout); it was stopped. Its output ` +
            `(${files.outFile}) ends with:\n${await tail(files.outFile, 10)}`,
        );
      }
      await sleep(100);
    }
    await writeClusterFiles(files, child.pid, restUrl);
    child.unref();
    io.out(`JobManager (pid ${child.pid}) is ready; REST endpoint: ${restUrl}`);
    io.out(`Logs: ${logDir}`);
  });

  withClientOptions(
    cluster
      .command('stop')
      .description('stop the cluster: DELETE /cluster, falling back to signalling the pid from its pid file'),
  ).action(async (flags: ClientOptions) => {
    const configuration = await loadCliConfiguration(flags.D);
    const files = clusterFiles(logDirectory(configuration));
    const pid = await readPid(files);
    const alive = pid !== undefined && isJobManagerAlive(pid);
    const url = flags.jobmanager ?? (await readRestUrl(files)) ?? restEndpoint(configuration, undefined).url;
    const rest = new RestClient({ baseUrl: url, token: restEndpoint(configuration, undefined).token, timeoutMs: 5_000 });

    io.out('Stopping cluster.');
    let requested = false;
    try {
      await rest.delete('/v1/cluster');
      requested = true;
    } catch (error) {
      if (!(error instanceof ClusterUnreachableError)) throw error;
      if (!alive) {
        await removeClusterFiles(files);
        io.out(`No cluster to stop: no JobManager answers at ${url} and no live pid in ${files.pidFile}.`);
        return;
      }
    }
    if (pid === undefined || !alive) {
      // Not started from this log directory: no pid to watch, so wait until it stops answering.
      await removeClusterFiles(files);
      const deadline = Date.now() + STOP_GRACE_MS;
      while (await answers(url, configuration)) {
        if (Date.now() >= deadline) {
          throw new SluiceError('ILLEGAL_STATE', `the JobManager at ${url} still answers ${STOP_GRACE_MS / 1000} s after DELETE /cluster`);
        }
        await sleep(100);
      }
      io.out(`Stopped the JobManager at ${url}.`);
      return;
    }
    let ended = requested && (await waitForExit(pid, STOP_GRACE_MS));
    if (!ended) {
      process.kill(pid, 'SIGTERM');
      ended = await waitForExit(pid, STOP_GRACE_MS);
    }
    if (!ended) {
      throw new SluiceError(
        'ILLEGAL_STATE',
        `the JobManager (pid ${pid}) did not exit within ${(2 * STOP_GRACE_MS) / 1000} s of being asked to; ` +
          `it still runs (see ${files.outFile})`,
      );
    }
    await removeClusterFiles(files);
    io.out(`Stopped JobManager (pid ${pid}).`);
  });
}

/** The REST URL the JobManager printed to its output, once it did. */
async function listeningAt(outFile: string): Promise<string | undefined> {
  const text = await readFile(outFile, 'utf8').catch(() => '');
  const at = text.indexOf(REST_LISTENING);
  if (at < 0) return undefined;
  return text.slice(at + REST_LISTENING.length).split(/\s/)[0];
}

async function answers(url: string, configuration: Configuration): Promise<boolean> {
  const rest = new RestClient({ baseUrl: url, token: restEndpoint(configuration, undefined).token, timeoutMs: 1_000 });
  return rest.get('/v1/overview').then(isClusterOverview, () => false);
}
