// `_metadata`: what a completed checkpoint or savepoint holds, and its self-checking file format.

import { Packr } from 'msgpackr';
import { SluiceError } from '../core/errors.ts';
import { checksum } from '../state/checksum.ts';
import type { KeyedStateHandle, StreamStateHandle } from '../state/state-handle.ts';

/** Format version of `_metadata`; a reader refuses others. */
export const METADATA_VERSION = 1;
/** The first bytes of every `_metadata`: "SLUICE-CKP" and a newline. */
const MAGIC = new TextEncoder().encode('SLUICE-CKP\n');
/** Magic, then a 4-byte big-endian version, a 4-byte payload length, the 32-byte SHA-256 of the payload. */
const HEADER_BYTES = MAGIC.byteLength + 4 + 4 + 32;

export type SnapshotType = 'CHECKPOINT' | 'SAVEPOINT';

/** The state of one subtask of one operator. */
export interface SubtaskStateMetadata {
  readonly subtaskIndex: number;
  /** Keyed state handles (one per backend snapshot), each with its key-group range. */
  readonly keyed: readonly KeyedStateHandle[];
  /** Operator (list) state, encoded, if any. */
  readonly operator: StreamStateHandle | undefined;
}

/** One operator's state at the checkpoint. */
export interface OperatorStateMetadata {
  readonly operatorId: string;
  readonly uid: string | undefined;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly subtasks: readonly SubtaskStateMetadata[];
}

export interface CheckpointMetadata {
  readonly version: number;
  readonly jobId: string;
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly type: SnapshotType;
  readonly operators: readonly OperatorStateMetadata[];
}

const packr = new Packr({ moreTypes: true, useBigIntExtension: true, mapsAsObjects: false });

/** The bytes of `_metadata`: header (magic, version, length, checksum) then the msgpackr payload. */
export function encodeMetadata(metadata: CheckpointMetadata): Uint8Array {
  const payload = packr.pack(metadata);
  const out = new Uint8Array(HEADER_BYTES + payload.byteLength);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(MAGIC.byteLength, METADATA_VERSION);
  view.setUint32(MAGIC.byteLength + 4, payload.byteLength);
  out.set(Buffer.from(checksum(payload), 'hex'), MAGIC.byteLength + 8);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Reads `_metadata` bytes; `source` names the file in errors. Refuses foreign, truncated and corrupt files. */
export function decodeMetadata(bytes: Uint8Array, source: string): CheckpointMetadata {
  const invalid = (problem: string): SluiceError =>
    new SluiceError('CHECKPOINT_INVALID', `${source} is not a valid sluice checkpoint: ${problem}`);
  if (bytes.byteLength < HEADER_BYTES || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw invalid(bytes.byteLength < MAGIC.byteLength ? 'the file is empty or truncated' : 'it does not start with the sluice checkpoint header (a foreign file?)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.byteLength);
  if (version !== METADATA_VERSION) throw invalid(`format version ${version}, this sluice reads version ${METADATA_VERSION}`);
  const length = view.getUint32(MAGIC.byteLength + 4);
  const payload = bytes.subarray(HEADER_BYTES);
  if (payload.byteLength !== length) {
    throw invalid(`the payload is ${payload.byteLength} bytes but the header says ${length} (truncated or appended to)`);
  }
  const expected = Buffer.from(bytes.subarray(MAGIC.byteLength + 8, HEADER_BYTES)).toString('hex');
  if (checksum(payload) !== expected) throw invalid('the checksum does not match (the file is corrupt)');
  let metadata: CheckpointMetadata;
  try {
    metadata = packr.unpack(payload) as CheckpointMetadata;
  } catch (error) {
    throw invalid(`the payload cannot be decoded (${(error as Error).message})`);
  }
  if (metadata?.version !== METADATA_VERSION || !Array.isArray(metadata.operators)) throw invalid('the payload is not checkpoint metadata');
  return metadata;
}

/** Every state file (not inline part) a checkpoint references, with whether it is shared between checkpoints. */
export function referencedFiles(metadata: CheckpointMetadata): { path: string; shared: boolean }[] {
  const files: { path: string; shared: boolean }[] = [];
  const add = (h: StreamStateHandle | undefined, shared: boolean): void => {
    if (h?.kind === 'file') files.push({ path: h.path, shared });
  };
  for (const op of metadata.operators) {
    for (const st of op.subtasks) {
      add(st.operator, false);
      for (const k of st.keyed) {
        if (k.kind === 'heap') add(k.data, false);
        else {
          for (const f of k.sharedFiles) add(f, true);
          for (const f of k.privateFiles) add(f, false);
        }
      }
    }
  }
  return files;
}
