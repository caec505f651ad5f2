import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { decodeConfiguration, type Configuration } from '../configuration';
import { CorruptionError } from '../errors';
import type { SnapshotMeta } from '../snapshot-store';
import { crc32, crc32Hex, describeError } from './durable-fs';

/**
 * On-disk layout of one snapshot: a directory `<dir>/<id>/` holding `state.bin` (the bytes the
 * FSM wrote) and `meta.json`. The id is `<term>-<index>-<createdAtMs>`, as in hashicorp's
 * FileSnapshotStore. A sink writes into `<id>.tmp/` and renames it to `<id>/` only once both
 * files are durable, so a directory named like an id is always complete; the store renames a
 * snapshot to `<id>.deleted/` before removing it, so a half-removed one is never listed.
 */
export const DATA_FILE = 'state.bin';
export const META_FILE = 'meta.json';
export const TEMP_SUFFIX = '.tmp';
export const DELETED_SUFFIX = '.deleted';
/** Bumped whenever the layout or meta.json changes incompatibly; readers refuse other versions. */
export const META_FORMAT_VERSION = 1;

const ID_PATTERN = /^(\d+)-(\d+)-(\d+)$/;

/** What list() and open() report: the interface's fields plus the file store's own. */
export interface FileSnapshotMeta extends SnapshotMeta {
  /** Wall-clock ms when the sink was created; orders snapshots with the same term and index. */
  readonly createdAtMs: number;
  /** CRC-32 of state.bin, 8 hex digits. */
  readonly checksum: string;
}

export function snapshotId(term: number, index: number, createdAtMs: number): string {
  return `${term}-${index}-${createdAtMs}`;
}

/** True for a name that is a snapshot id; also keeps ids from escaping the store's directory. */
export function isSnapshotId(name: string): boolean {
  return ID_PATTERN.test(name);
}

/**
 * The fields of meta.json in a fixed order, without the meta checksum. Its JSON text is what the
 * meta checksum covers, so a reader rebuilds it from the parsed values and compares: a damaged
 * digit in `index` or `term` (still valid JSON) fails the check instead of silently misplacing
 * the snapshot in the log, while harmless changes of whitespace do not.
 */
function canonicalFields(meta: FileSnapshotMeta): Record<string, unknown> {
  return {
    version: META_FORMAT_VERSION,
    id: meta.id,
    index: meta.index,
    term: meta.term,
    configuration: { servers: meta.configuration.servers.map((s) => ({ id: s.id, address: s.address, suffrage: s.suffrage })) },
    configurationIndex: meta.configurationIndex,
    size: meta.size,
    checksum: { algorithm: 'crc32', value: meta.checksum },
    createdAtMs: meta.createdAtMs,
    // Only when set: the metas written before deferred snapshots existed keep their checksums.
    ...(meta.deferred === true ? { deferred: true } : {}),
  };
}

function metaChecksum(fields: Record<string, unknown>): string {
  return crc32Hex(crc32(Buffer.from(JSON.stringify(fields), 'utf8')));
}

export function encodeMeta(meta: FileSnapshotMeta): Uint8Array {
  const fields = canonicalFields(meta);
  return Buffer.from(`${JSON.stringify({ ...fields, metaChecksum: metaChecksum(fields) }, null, 2)}\n`, 'utf8');
}

function field<T>(record: Record<string, unknown>, name: string, valid: (v: unknown) => v is T, what: string): T {
  const value = record[name];
  if (!valid(value)) throw new Error(`field ${name} is not ${what}`);
  return value;
}
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isString = (v: unknown): v is string => typeof v === 'string';
const isTrue = (v: unknown): v is true => v === true;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks meta.json; throws CorruptionError for anything but a well-formed, intact meta of `expectedId`. */
export function decodeMeta(bytes: Uint8Array, expectedId: string): FileSnapshotMeta {
  let meta: FileSnapshotMeta;
  let stored: string;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (!isRecord(parsed)) throw new Error('not a JSON object');
    const version = parsed.version;
    if (version !== META_FORMAT_VERSION) throw new Error(`unsupported format version ${String(version)}`);
    const checksum = field(parsed, 'checksum', isRecord, 'an object');
    if (checksum.algorithm !== 'crc32' || typeof checksum.value !== 'string' || !/^[0-9a-f]{8}$/.test(checksum.value)) {
      throw new Error('field checksum is not a crc32');
    }
    const configuration: Configuration = decodeConfiguration(
      Buffer.from(JSON.stringify(field(parsed, 'configuration', isRecord, 'an object'))),
    );
    meta = {
      id: field(parsed, 'id', isString, 'a string'),
      index: field(parsed, 'index', isCount, 'a count'),
      term: field(parsed, 'term', isCount, 'a count'),
      configuration,
      configurationIndex: field(parsed, 'configurationIndex', isCount, 'a count'),
      size: field(parsed, 'size', isCount, 'a count'),
      checksum: checksum.value,
      crc32: parseInt(checksum.value, 16),
      createdAtMs: field(parsed, 'createdAtMs', isCount, 'a count'),
      ...(parsed.deferred === undefined ? {} : { deferred: field(parsed, 'deferred', isTrue, 'true') }),
    };
    if (meta.deferred === true && meta.size !== 0) throw new Error(`a deferred snapshot records ${meta.size} bytes`);
    stored = field(parsed, 'metaChecksum', isString, 'a string');
  } catch (error) {
    throw new CorruptionError(`snapshot ${expectedId}: ${META_FILE} is malformed: ${describeError(error)}`);
  }
  if (metaChecksum(canonicalFields(meta)) !== stored) {
    throw new CorruptionError(`snapshot ${expectedId}: ${META_FILE} fails its checksum`);
  }
  if (meta.id !== expectedId || meta.id !== snapshotId(meta.term, meta.index, meta.createdAtMs)) {
    throw new CorruptionError(`snapshot ${expectedId}: ${META_FILE} describes snapshot ${meta.id}`);
  }
  return meta;
}

/** Reads `<dir>/<id>/meta.json`. A missing file rejects with the ENOENT error; a bad one with CorruptionError. */
export async function readMeta(dir: string, id: string): Promise<FileSnapshotMeta> {
  const bytes = await fsp.readFile(path.join(dir, id, META_FILE));
  return decodeMeta(bytes, id);
}

/** Newest first: higher term, then higher index, then later creation; the id breaks exact ties. */
export function compareNewestFirst(a: FileSnapshotMeta, b: FileSnapshotMeta): number {
  return b.term - a.term || b.index - a.index || b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
