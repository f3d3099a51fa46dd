// `sluice list [-r|-s|-a]`: the cluster's jobs in Flink's layout.

import type { Command } from 'commander';
import { connect, inContext, withClientOptions, type CliIo, type ClientOptions } from '../cli-context.ts';
import { formatJobList, listSelection } from '../job-list-format.ts';
import { readJobsOverview } from '../rest-responses.ts';

interface ListFlags extends ClientOptions {
  running?: boolean;
  scheduled?: boolean;
  all?: boolean;
}

export function registerList(program: Command, io: CliIo): void {
  const command = program
    .command('list')
    .description('list the jobs of the cluster (running and scheduled unless -r, -s or -a says otherwise)')
    .option('-r, --running', 'show only running (and restarting) jobs')
    .option('-s, --scheduled', 'show only scheduled jobs')
    .option('-a, --all', 'show all jobs, the ended ones too');
  withClientOptions(command).action(async (flags: ListFlags) => {
    const { rest } = await connect(flags);
    io.out('Waiting for response...');
    const jobs = await inContext('failed to retrieve the job list', async () => readJobsOverview(await rest.get('/v1/jobs/overview')));
    for (const line of formatJobList(jobs, listSelection(flags))) io.out(line);
  });
}
