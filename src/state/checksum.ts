// Checksums of snapshot bytes: SHA-256 from node:crypto (native, ~1 GB/s), hex.

import { createHash, type Hash } from 'node:crypto';

/** The hex SHA-256 of `data`; every state handle carries one and a restore verifies it. */
export function checksum(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** An incremental SHA-256 (`update` per chunk, `digest('hex')` at the end): the same value as `checksum`. */
export function createChecksum(): Hash {
  return createHash('sha256');
}
