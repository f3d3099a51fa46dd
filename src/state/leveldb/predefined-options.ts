// Flink's PredefinedOptions presets, mapped onto the options classic-level (LevelDB) opens a database with.

import { IllegalArgumentError } from '../../core/errors.ts';

/** The option presets of the LevelDB state backend, named as Flink's for RocksDB. */
export const PredefinedOptions = Object.freeze({
  DEFAULT: 'DEFAULT',
  SPINNING_DISK_OPTIMIZED: 'SPINNING_DISK_OPTIMIZED',
  SPINNING_DISK_OPTIMIZED_HIGH_MEM: 'SPINNING_DISK_OPTIMIZED_HIGH_MEM',
  FLASH_SSD_OPTIMIZED: 'FLASH_SSD_OPTIMIZED',
} as const);
export type PredefinedOptions = (typeof PredefinedOptions)[keyof typeof PredefinedOptions];

/** The classic-level open options a preset sets (see `levelDBOptionsFor`). */
export interface LevelDBOpenOptions {
  /** Bytes of the in-memory write buffer (memtable + log) before it becomes a sorted table. */
  readonly writeBufferSize: number;
  /** Approximate bytes of uncompressed data per table block (the unit of a read). */
  readonly blockSize: number;
  /** Bytes of the LRU cache of uncompressed blocks. */
  readonly cacheSize: number;
  /** Table files LevelDB keeps open. */
  readonly maxOpenFiles: number;
  /** Bytes written to a table file before a new one is started. */
  readonly maxFileSize: number;
  /** Snappy block compression. */
  readonly compression: boolean;
}

const MiB = 1024 * 1024;
const KiB = 1024;

/**
 * LevelDB has no compaction styles, thread pools or bloom-filter switch, so each preset keeps what has a LevelDB
 * counterpart:
 *
 * | preset | Flink (RocksDB) | LevelDB here |
 * |---|---|---|
 * | DEFAULT | RocksDB defaults, no fsync | LevelDB defaults: write buffer 4 MiB, block 4 KiB, cache 8 MiB, 1000 open files, 2 MiB files |
 * | SPINNING_DISK_OPTIMIZED | level compaction, dynamic level sizes, unlimited open files | as DEFAULT with 10000 open files ("unlimited") and 16 KiB blocks, fewer seeks per read |
 * | SPINNING_DISK_OPTIMIZED_HIGH_MEM | + 256 MiB block cache, 128 KiB blocks, 64 MiB write buffer, 256 MiB target files | cache 256 MiB, block 128 KiB, write buffer 64 MiB, 10000 open files, 64 MiB files (LevelDB's level 1 holds 10 MiB, so 256 MiB files would make every compaction rewrite a whole level) |
 * | FLASH_SSD_OPTIMIZED | unlimited open files | as DEFAULT with 10000 open files |
 *
 * Snappy compression stays on everywhere (RocksDB's default too). Nothing is fsynced: the database is a working
 * copy, recovery reads checkpoints.
 */
export function levelDBOptionsFor(preset: PredefinedOptions): LevelDBOpenOptions {
  const defaults: LevelDBOpenOptions = {
    writeBufferSize: 4 * MiB,
    blockSize: 4 * KiB,
    cacheSize: 8 * MiB,
    maxOpenFiles: 1000,
    maxFileSize: 2 * MiB,
    compression: true,
  };
  switch (preset) {
    case PredefinedOptions.DEFAULT:
      return defaults;
    case PredefinedOptions.SPINNING_DISK_OPTIMIZED:
      return { ...defaults, maxOpenFiles: 10_000, blockSize: 16 * KiB };
    case PredefinedOptions.SPINNING_DISK_OPTIMIZED_HIGH_MEM:
      return { ...defaults, cacheSize: 256 * MiB, blockSize: 128 * KiB, writeBufferSize: 64 * MiB, maxOpenFiles: 10_000, maxFileSize: 64 * MiB };
    case PredefinedOptions.FLASH_SSD_OPTIMIZED:
      return { ...defaults, maxOpenFiles: 10_000 };
    default:
      throw new IllegalArgumentError(
        `unknown PredefinedOptions ${String(preset)}; use one of ${Object.values(PredefinedOptions).join(', ')}`,
      );
  }
}
