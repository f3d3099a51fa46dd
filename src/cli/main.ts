// The `sluice` CLI (after Flink's `flink` client): run, inspect and operate jobs, and start the cluster.

import { Command, CommanderError } from 'commander';
import { processIo, type CliIo } from './cli-context.ts';
import { registerCancel } from './commands/cancel.ts';
import { registerCluster } from './commands/cluster.ts';
import { registerInfo } from './commands/info.ts';
import { registerJobManager, registerTaskManager } from './commands/jobmanager.ts';
import { registerList } from './commands/list.ts';
import { registerModify } from './commands/modify.ts';
import { registerRun } from './commands/run.ts';
import { registerSavepoint } from './commands/savepoint.ts';
import { registerStop } from './commands/stop.ts';

/** The command tree; output (help, usage errors, results) goes to `io`. */
export function createProgram(io: CliIo = processIo): Command {
  const program = new Command('sluice')
    .description('Run, inspect and operate sluice stream jobs')
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    })
    .showHelpAfterError()
    .exitOverride()
    .enablePositionalOptions();
  registerRun(program, io);
  registerInfo(program, io);
  registerList(program, io);
  registerSavepoint(program, io);
  registerCancel(program, io);
  registerStop(program, io);
  registerModify(program, io);
  registerJobManager(program, io);
  registerTaskManager(program, io);
  registerCluster(program, io);
  return program;
}

/**
 * Runs the CLI on `argv` (as `process.argv`: node and script first) and resolves with the exit code: 0, 1 for a
 * failure (one `error:` line on stderr; the stack with --verbose), 2 for a usage error.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  let verbose = false;
  program.hook('preAction', (_program, action) => {
    verbose = action.opts<{ verbose?: boolean }>().verbose === true;
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    reportError(error, verbose, io);
    // An interrupted run exits as a shell reports a signal (128 + its number); everything else is 1.
    const code = (error as { exitCode?: unknown }).exitCode;
    return typeof code === 'number' && Number.isInteger(code) && code > 1 ? code : 1;
  }
}

function reportError(error: unknown, verbose: boolean, io: CliIo): void {
  const e = error instanceof Error ? error : new Error(String(error));
  const [first, ...rest] = e.message.split('\n');
  io.err(`error: ${first}`);
  for (const line of rest) io.err(line);
  if (!verbose) {
    io.err('(run with --verbose for the stack trace)');
    return;
  }
  io.err(e.stack ?? '');
  for (const remote of remoteStackTraces(e)) io.err(`Caused on the cluster by: ${remote}`);
}

/** Stack traces the cluster sent along (a failed job's root exception, a failed operation's cause). */
function remoteStackTraces(error: Error): string[] {
  const out: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const remote = (e as { remoteStackTrace?: unknown }).remoteStackTrace;
    if (typeof remote === 'string' && remote !== '') out.push(remote);
  }
  return out;
}
