// Checksums of snapshot bytes: SHA-256 from node:crypto (native, ~1 GB/s), hex.

import { createHash } from 'node:crypto';

/** The hex SHA-256 of `data`; every state handle carries one and a restore verifies it. */
export function checksum(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
