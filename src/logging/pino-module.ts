// Loads pino on first use: a worker thread whose loggers never write a line never pays for importing it.

import { createRequire } from 'node:module';
import type pino from 'pino';

export type Pino = typeof pino;

let loaded: Pino | undefined;

/** The pino module (importing it costs ~20 ms, so it happens when the first line is written). */
export function loadPino(): Pino {
  return (loaded ??= createRequire(import.meta.url)('pino') as Pino);
}
