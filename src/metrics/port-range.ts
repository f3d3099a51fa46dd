// Port ranges as reporters take them: "9249" or "9250-9260" (tried in order until one binds).

import { IllegalArgumentError } from '../core/errors.ts';

/** The ports of a port or port range, in the order to try them. */
export function parsePortRange(spec: string): number[] {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(spec);
  const from = match === null ? NaN : Number(match[1]);
  const to = match?.[2] === undefined ? from : Number(match[2]);
  if (!(from >= 0 && to <= 65535 && from <= to)) {
    throw new IllegalArgumentError(`a port must be 0-65535 or a range such as 9250-9260, got ${JSON.stringify(spec)}`);
  }
  const ports: number[] = [];
  for (let p = from; p <= to; p++) ports.push(p);
  return ports;
}
