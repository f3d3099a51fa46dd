// The files of a LevelDB checkpoint: shared entry files (a base, or a delta of puts and deletes) and the private metadata.

import { promisify } from 'node:util';
import { deflateRaw, inflateRaw, constants as zlibConstants } from 'node:zlib';
import { SluiceError } from '../../core/errors.ts';
import type { TimerServiceSnapshot } from '../keyed-state-snapshot.ts';
import type { StateKind } from '../state-descriptor.ts';
import type { StateTtlConfigData } from '../state-ttl-config.ts';
import { keyGroupOf } from './key-codec.ts';
import type { ValueCodec } from './value-codec.ts';

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/** Format version of both file kinds; a restore refuses others. */
export const LEVELDB_SNAPSHOT_FORMAT_VERSION = 1;
const ENTRIES_MAGIC = Buffer.from('SLDB', 'latin1');
const META_MAGIC = Buffer.from('SLDM', 'latin1');
const TOMBSTONE = 0xffffffff;

/**
 * Header of an entries file. The entries are raw LevelDB keys and values, in key order, in one chunk per key group
 * (`groups`: key group, byte offset after the header, byte length, entry count), so a restore reads only the key
 * groups it owns. A delta holds deletions as tombstones. State ids in the keys are the writing backend's;
 * `states` maps them to names.
 */
export interface EntriesFileHeader {
  readonly version: number;
  readonly kind: 'base' | 'delta';
  readonly states: readonly (readonly [id: number, name: string])[];
  /** Chunks are raw-deflated. */
  readonly compressed: boolean;
  readonly groups: readonly (readonly [keyGroup: number, offset: number, length: number, count: number])[];
}

/** One state as the metadata file describes it. */
export interface SnapshotStateMeta {
  readonly name: string;
  readonly kind: StateKind;
  readonly ttl?: StateTtlConfigData;
}

/** The private file of a checkpoint: what its states are, and the timers (held on the heap, written whole). */
export interface LevelDBSnapshotMeta {
  readonly version: number;
  readonly checkpointId: number;
  readonly maxParallelism: number;
  readonly keyGroupRange: { readonly startKeyGroup: number; readonly endKeyGroup: number };
  readonly states: readonly SnapshotStateMeta[];
  readonly timerServices: readonly TimerServiceSnapshot[];
}

/** Builds an entries file from entries given in key order. */
export class EntriesFileWriter {
  readonly #groups: [number, Buffer][] = [];
  readonly #counts: number[] = [];
  #keyGroup = -1;
  #keys: Buffer[] = [];
  #values: (Buffer | undefined)[] = [];
  #entries = 0;

  constructor(
    readonly kind: 'base' | 'delta',
    readonly states: readonly (readonly [number, string])[],
    readonly compress: boolean,
  ) {}

  /** Entries added so far. */
  get entries(): number {
    return this.#entries;
  }

  /** Adds an entry; `value` undefined is a deletion (deltas only). Keys must come in ascending order. */
  add(key: Buffer, value: Buffer | undefined): void {
    const group = keyGroupOf(key);
    if (group !== this.#keyGroup) this.#closeGroup(group);
    this.#keys.push(key);
    this.#values.push(value);
    this.#entries++;
  }

  /** The file's bytes. */
  async finish(codec: ValueCodec): Promise<Buffer> {
    this.#closeGroup(-1);
    const chunks = this.compress
      ? await Promise.all(this.#groups.map(([, raw]) => deflate(raw, { level: zlibConstants.Z_BEST_SPEED })))
      : this.#groups.map(([, raw]) => raw);
    const groups: [number, number, number, number][] = [];
    let offset = 0;
    this.#groups.forEach(([group], i) => {
      groups.push([group, offset, chunks[i]!.length, this.#counts[i]!]);
      offset += chunks[i]!.length;
    });
    const header: EntriesFileHeader = {
      version: LEVELDB_SNAPSHOT_FORMAT_VERSION,
      kind: this.kind,
      states: this.states,
      compressed: this.compress,
      groups,
    };
    const headerBytes = codec.pack(header);
    const prefix = Buffer.allocUnsafe(8);
    ENTRIES_MAGIC.copy(prefix, 0);
    prefix.writeUInt32BE(headerBytes.length, 4);
    return Buffer.concat([prefix, headerBytes, ...chunks]);
  }

  #closeGroup(next: number): void {
    const keys = this.#keys;
    if (keys.length > 0) {
      const values = this.#values;
      let size = 0;
      for (let i = 0; i < keys.length; i++) size += 8 + keys[i]!.length + (values[i]?.length ?? 0);
      const out = Buffer.allocUnsafe(size);
      let pos = 0;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const v = values[i];
        out.writeUInt32BE(k.length, pos);
        pos = copyInto(k, out, pos + 4);
        if (v === undefined) {
          out.writeUInt32BE(TOMBSTONE, pos);
          pos += 4;
        } else {
          out.writeUInt32BE(v.length, pos);
          pos = copyInto(v, out, pos + 4);
        }
      }
      this.#groups.push([this.#keyGroup, out]);
      this.#counts.push(keys.length);
      this.#keys = [];
      this.#values = [];
    }
    this.#keyGroup = next;
  }
}

/** Copies `from` into `out` at `pos`; returns the position after it. Small buffers by a loop (no native call). */
function copyInto(from: Buffer, out: Buffer, pos: number): number {
  const n = from.length;
  if (n > 48) return pos + from.copy(out, pos);
  for (let i = 0; i < n; i++) out[pos + i] = from[i]!;
  return pos + n;
}

/** A parsed entries file: its header and access to the chunks of single key groups. */
export class EntriesFileReader {
  readonly header: EntriesFileHeader;
  readonly #body: Buffer;

  constructor(
    bytes: Uint8Array,
    codec: ValueCodec,
    readonly name: string,
  ) {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 8 || !buf.subarray(0, 4).equals(ENTRIES_MAGIC)) throw corrupt(name, 'it is not a LevelDB snapshot entries file');
    const headerLength = buf.readUInt32BE(4);
    this.header = codec.unpack(buf.subarray(8, 8 + headerLength)) as EntriesFileHeader;
    if (this.header.version !== LEVELDB_SNAPSHOT_FORMAT_VERSION) {
      throw new SluiceError(
        'STATE_INCOMPATIBLE',
        `LevelDB snapshot file ${name} has format version ${String(this.header.version)}; this sluice reads version ` +
          `${LEVELDB_SNAPSHOT_FORMAT_VERSION}`,
      );
    }
    this.#body = buf.subarray(8 + headerLength);
  }

  /** Calls `onEntry` for each entry of the key groups in [start, end], in key order (value undefined: deleted). */
  async forEachEntry(start: number, end: number, onEntry: (key: Buffer, value: Buffer | undefined) => void): Promise<void> {
    for (let i = 0; i < this.header.groups.length; i++) {
      const group = this.header.groups[i]![0];
      if (group < start || group > end) continue;
      decodeChunk(await this.#chunk(i), onEntry);
    }
  }

  /** The entries of the `index`-th chunk (`header.groups[index]`), in key order (value undefined: deleted). */
  async groupEntries(index: number): Promise<{ keys: Buffer[]; values: (Buffer | undefined)[] }> {
    const keys: Buffer[] = [];
    const values: (Buffer | undefined)[] = [];
    decodeChunk(await this.#chunk(index), (key, value) => {
      keys.push(key);
      values.push(value);
    });
    return { keys, values };
  }

  async #chunk(index: number): Promise<Buffer> {
    const [, offset, length] = this.header.groups[index]!;
    const chunk = this.#body.subarray(offset, offset + length);
    return this.header.compressed ? await inflate(chunk) : chunk;
  }
}

function decodeChunk(chunk: Buffer, onEntry: (key: Buffer, value: Buffer | undefined) => void): void {
  let pos = 0;
  while (pos < chunk.length) {
    const keyLength = chunk.readUInt32BE(pos);
    const key = chunk.subarray(pos + 4, pos + 4 + keyLength);
    pos += 4 + keyLength;
    const valueLength = chunk.readUInt32BE(pos);
    pos += 4;
    if (valueLength === TOMBSTONE) onEntry(key, undefined);
    else {
      onEntry(key, chunk.subarray(pos, pos + valueLength));
      pos += valueLength;
    }
  }
}

/** Encodes the private metadata file. */
export function encodeMeta(meta: LevelDBSnapshotMeta, codec: ValueCodec): Buffer {
  return Buffer.concat([META_MAGIC, codec.pack(meta)]);
}

/** Decodes the private metadata file. */
export function decodeMeta(bytes: Uint8Array, codec: ValueCodec, name: string): LevelDBSnapshotMeta {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4 || !buf.subarray(0, 4).equals(META_MAGIC)) throw corrupt(name, 'it is not a LevelDB snapshot metadata file');
  const meta = codec.unpack(buf.subarray(4)) as LevelDBSnapshotMeta;
  if (meta.version !== LEVELDB_SNAPSHOT_FORMAT_VERSION) {
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `LevelDB snapshot metadata ${name} has format version ${String(meta.version)}; this sluice reads version ` +
        `${LEVELDB_SNAPSHOT_FORMAT_VERSION}`,
    );
  }
  return meta;
}

function corrupt(name: string, what: string): SluiceError {
  return new SluiceError('STATE_INCOMPATIBLE', `cannot restore from ${name}: ${what}. Was the checkpoint directory modified?`);
}
