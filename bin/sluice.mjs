#!/usr/bin/env node
// The `sluice` command: registers the TypeScript loader (jobs are TypeScript modules), then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
