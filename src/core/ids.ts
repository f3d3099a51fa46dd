// Identifiers: job, vertex and operator ids as 32 lowercase hex digits, as Flink prints them.

import { randomBytes, createHash } from 'node:crypto';

export type JobId = string;
export type VertexId = string;
export type OperatorId = string;

/** A fresh random 16-byte id as 32 hex digits (Flink's JobID / AbstractID form). */
export function randomId(): string {
  return randomBytes(16).toString('hex');
}

/** A stable 16-byte id derived from the given parts (Flink's operator hashes are 16 bytes too). */
export function stableId(...parts: readonly (string | number)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(String(part)).update('\u0000');
  return hash.digest('hex').slice(0, 32);
}

const HEX32 = /^[0-9a-f]{32}$/;

export function isHexId(value: string): boolean {
  return HEX32.test(value);
}
