// Every `sluice` command line the deployment files and deploy/README.md show exists in the CLI with the options
// it is given (parsed by the real commander program), and every TaskManager they start names its JobManager.

import { describe, expect, it } from 'vitest';
import { parseInvocation, readRepoFile } from './deploy-files.ts';

/** Shell lines of deploy/README.md's sh code blocks, `\` continuations joined. */
function readmeShellLines(): string[] {
  const lines: string[] = [];
  let inShell = false;
  let pending = '';
  for (const line of readRepoFile('deploy/README.md').split('\n')) {
    if (line.startsWith('```')) {
      inShell = !inShell && /^```(sh|bash|shell)\s*$/.test(line);
      continue;
    }
    if (!inShell) continue;
    if (line.trimEnd().endsWith('\\')) {
      pending += line.trimEnd().slice(0, -1) + ' ';
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  return lines;
}

/** Shell lines shown in the comments of a file (`#   docker compose ... run --rm client list ...`). */
function commentedShellLines(path: string): string[] {
  return readRepoFile(path)
    .split('\n')
    .filter((l) => l.trimStart().startsWith('#'))
    .map((l) => l.trimStart().replace(/^#+\s*/, ''));
}

/**
 * The sluice arguments of one shell line, if it runs sluice: `[VAR=x] [npx] sluice <args>`, `docker compose ... run
 * --rm client <args>` (the compose CLI service) or `docker run ... sluice:<tag> <args>`. Trailing comments dropped.
 */
function sluiceArguments(line: string): string[] | undefined {
  const tokens = line.replace(/\s+#.*$/, '').trim().split(/\s+/).filter((t) => t !== '');
  let at = 0;
  while (at < tokens.length && /^[A-Z_][A-Z0-9_]*=/.test(tokens[at]!)) at++;
  if (tokens[at] === 'npx') at++;
  if (tokens[at] === 'sluice') return tokens.slice(at + 1);
  if (tokens[at] === 'docker' && tokens[at + 1] === 'compose') {
    const client = tokens.indexOf('client', at);
    return client > 0 && tokens.slice(at, client).includes('run') ? tokens.slice(client + 1) : undefined;
  }
  if (tokens[at] === 'docker' && tokens[at + 1] === 'run') {
    const image = tokens.findIndex((t) => /^sluice:/.test(t));
    return image > 0 && image < tokens.length - 1 ? tokens.slice(image + 1) : undefined;
  }
  return undefined;
}

const sources: Record<string, string[]> = {
  'deploy/README.md': readmeShellLines(),
  'deploy/Dockerfile': commentedShellLines('deploy/Dockerfile'),
  'deploy/docker-compose.yml': commentedShellLines('deploy/docker-compose.yml'),
};

const invocations = Object.entries(sources).flatMap(([file, lines]) =>
  lines.flatMap((line) => {
    const args = sluiceArguments(line);
    return args === undefined ? [] : [{ file, line: line.trim(), args }];
  }),
);

describe('sluice command lines in the deployment files and their README', () => {
  it('are found (the extraction is not silently empty)', () => {
    expect(invocations.length).toBeGreaterThanOrEqual(10);
    const commands = new Set(invocations.map((i) => i.args[0]));
    for (const command of ['run', 'list', 'stop']) expect(commands).toContain(command);
  });

  it('name existing commands with options those commands declare and their required arguments', () => {
    const problems: string[] = [];
    for (const { file, line, args } of invocations) {
      try {
        parseInvocation(args);
      } catch (error) {
        problems.push(`${file}: ${line}\n  ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('start TaskManager processes that name the JobManager they register with', () => {
    const taskManagers = invocations.filter((i) => parseInvocation(i.args).command === 'taskmanager');
    expect(taskManagers.length).toBeGreaterThan(0);
    for (const { line, args } of taskManagers) {
      const defines = (parseInvocation(args).options['D'] ?? []) as string[];
      expect(defines.some((d) => /^jobmanager\.rpc\.address=[a-z0-9.-]+$/.test(d)) || /SLUICE_JOBMANAGER_RPC_ADDRESS=/.test(line), line).toBe(true);
    }
  });

  it('submit to a JobManager with -m host:port where they name one', () => {
    for (const { line, args } of invocations.filter((i) => i.args.includes('-m'))) {
      expect(String(parseInvocation(args).options['jobmanager']), line).toMatch(/^http:\/\/[a-z0-9.-]+:8081$/);
    }
  });
});
