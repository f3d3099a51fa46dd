// The `sluice` CLI (after Flink's `flink` client): `run` a job module on the embedded mini cluster, `info` its plan.

import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { Pipeline, PipelineExecutor, SubmittedJob } from '../api/executor.ts';
import { executionPlan } from '../graph/execution-plan.ts';
import { Configuration } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import { EmbeddedExecutor } from '../runtime/embedded-executor.ts';
import { replayJobModule, runJobModule, toModuleUrl } from '../runtime/job-module.ts';

interface RunOptions {
  parallelism?: number;
  entry: string;
  define: string[];
  verbose?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number >= 1, got '${value}'`);
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `-D key=value` pairs and `-p` as a Configuration; bad keys or values fail with the key's name. */
function configurationFrom(options: RunOptions): Configuration {
  const conf = new Configuration();
  for (const pair of options.define) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`-D expects key=value, got '${pair}'`);
    conf.setString(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  if (options.parallelism !== undefined) conf.set(CoreOptions.DEFAULT_PARALLELISM, options.parallelism);
  return conf;
}

/** Reports submission and completion the way Flink's client does. */
class ReportingExecutor implements PipelineExecutor {
  constructor(
    private readonly inner: PipelineExecutor,
    private readonly out: (line: string) => void,
  ) {}
  async submit(pipeline: Pipeline): Promise<SubmittedJob> {
    const submitted = await this.inner.submit(pipeline);
    const jobId = submitted.client.getJobID();
    this.out(`Job has been submitted with JobID ${jobId}`);
    submitted.client.getJobExecutionResult().then(
      (result) => this.out(`Job with JobID ${jobId} has finished.\nJob Runtime: ${result.getNetRuntime()} ms`),
      () => {},
    );
    return submitted;
  }
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string): void => void process.stderr.write(line + '\n');
  const program = new Command('sluice')
    .description('Run and inspect sluice stream jobs')
    .showHelpAfterError()
    .exitOverride()
    .enablePositionalOptions();

  let verbose = false;
  program
    .command('run')
    .description('run a job module (TypeScript or JavaScript) on the embedded mini cluster')
    .argument('<job>', 'job module: exports (env, args) => ... as default, or by name with -c')
    .argument('[args...]', 'arguments passed to the job function')
    .option('-p, --parallelism <n>', 'default parallelism of the job', positiveInt)
    .option('-c, --entry <name>', "the job module's export to run (Flink's entry class)", 'default')
    .option('-D <key=value>', 'set a configuration key (repeatable)', collect, [])
    .option('-v, --verbose', 'print stack traces of errors')
    .passThroughOptions()
    .action(async (job: string, args: string[], raw: { parallelism?: number; entry: string; D: string[]; verbose?: boolean }) => {
      const options: RunOptions = { entry: raw.entry, define: raw.D, ...(raw.parallelism !== undefined ? { parallelism: raw.parallelism } : {}), ...(raw.verbose ? { verbose: true } : {}) };
      verbose = options.verbose === true;
      const misplaced = args.filter((a) => /^(-[pcDv]|--(parallelism|entry|verbose))(=|$)/.test(a));
      if (misplaced.length > 0) {
        log(`warning: ${misplaced.join(', ')} after the job file is passed to the job; put sluice options before it`);
      }
      const configuration = configurationFrom(options);
      for (const key of configuration.unknownKeys()) log(`warning: unknown configuration key '${key}'`);
      await runJobModule(job, {
        entry: options.entry,
        args,
        configuration,
        executor: new ReportingExecutor(new EmbeddedExecutor(), log),
      });
    });

  program
    .command('info')
    .description("print a job's execution plan (JSON) without running it")
    .argument('<job>', 'job module')
    .argument('[args...]', 'arguments passed to the job function')
    .option('-c, --entry <name>', "the job module's export", 'default')
    .option('-p, --parallelism <n>', 'default parallelism of the job', positiveInt)
    .option('-D <key=value>', 'set a configuration key (repeatable)', collect, [])
    .action(async (job: string, args: string[], raw: { entry: string; parallelism?: number; D: string[] }) => {
      const configuration = configurationFrom({ entry: raw.entry, define: raw.D, ...(raw.parallelism !== undefined ? { parallelism: raw.parallelism } : {}) });
      const graph = await replayJobModule({ url: toModuleUrl(job), entry: raw.entry, args }, configuration.toMap());
      process.stdout.write(JSON.stringify(executionPlan(graph), null, 2) + '\n');
    });

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const e = error as Error;
    log(`error: ${e.message}`);
    if (verbose) log(e.stack ?? '');
    else log('(run with --verbose for the stack trace)');
    return 1;
  }
}

