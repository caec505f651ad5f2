/**
 * Damage done on purpose to a stopped MetaServer's data directory, as a disk or an operator's
 * mistake would: a flipped byte inside one Raft log record (LMDB keeps no checksums of its own,
 * so only the record's checksum can notice), or a snapshot file cut short.
 */
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { open } from 'lmdb';
import { LOG_DB_NAME } from '../../src/raft/lmdb/lmdb-environment';

/**
 * Flips one byte in the middle of the stored record of log entry `index`, found by its bytes in
 * the environment's data file: in every copy there (LMDB writes pages copy-on-write, so a freed
 * page may still hold an older copy of the live one). Returns how many copies were changed.
 */
export async function flipLogRecordByte(dataDir: string, index: number): Promise<number> {
  const raftDir = path.join(dataDir, 'raft');
  const root = open<Buffer, string>({ path: raftDir, maxDbs: 4, encoding: 'binary', readOnly: true });
  let record: Buffer | undefined;
  try {
    const log = root.openDB<Buffer, number>({ name: LOG_DB_NAME, encoding: 'binary' });
    const value = log.getBinary(index);
    record = value === undefined ? undefined : Buffer.from(value);
  } finally {
    await root.close();
  }
  if (record === undefined) throw new Error(`no log record ${index} in ${raftDir}`);
  const file = path.join(raftDir, 'data.mdb');
  const bytes = readFileSync(file);
  let copies = 0;
  for (let at = bytes.indexOf(record); at >= 0; at = bytes.indexOf(record, at + record.byteLength)) {
    const offset = at + Math.floor(record.byteLength / 2);
    bytes[offset] = bytes[offset]! ^ 0xff;
    copies++;
  }
  if (copies === 0) throw new Error(`log record ${index} not found in ${file}`);
  writeFileSync(file, bytes);
  return copies;
}

/** Cuts the newest snapshot's data file to half its length; returns its path. */
export function truncateNewestSnapshot(dataDir: string): string {
  const snapshots = path.join(dataDir, 'snapshots');
  const newest = readdirSync(snapshots)
    .map((name) => path.join(snapshots, name))
    .filter((p) => statSync(p).isDirectory())
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (newest === undefined) throw new Error(`no snapshot in ${snapshots}`);
  const data = readdirSync(newest)
    .map((name) => path.join(newest, name))
    .filter((p) => statSync(p).isFile())
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (data === undefined) throw new Error(`no file in ${newest}`);
  truncateSync(data, Math.floor(statSync(data).size / 2));
  return data;
}

/** Cuts the namespace's LMDB data file to half its length; returns its path. */
export function truncateNamespace(dataDir: string): string {
  const file = path.join(dataDir, 'namespace', 'data.mdb');
  truncateSync(file, Math.floor(statSync(file).size / 2));
  return file;
}
