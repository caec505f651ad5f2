/**
 * A check of an LMDB environment's data file before it is opened: is it as long as its own
 * meta pages say it must be? LMDB maps the file into memory; a file cut short (a copy that ran
 * out of disk, a truncated restore) makes the first read of a missing page kill the process with
 * SIGBUS, with no message. Checked here, the node refuses with a CorruptionError naming the file.
 *
 * LMDB keeps two meta pages, pages 0 and 1; the one with the higher transaction id is current and
 * records the last page in use. The offsets are those of the LMDB that lmdb-js 3 builds (a
 * 24-byte page header, then the meta: magic, version, ..., the page size in the first database
 * record, the last page number and the transaction id); `test/raft/data-file-check.test.ts`
 * checks them against files that lmdb-js writes, so a format change fails a test rather than
 * this check silently passing.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const MAGIC = 0xbeefc0de;
const MAGIC_OFFSET = 0x18;
const PAGE_SIZE_OFFSET = 0x30;
const LAST_PAGE_OFFSET = 0x90;
const TXN_ID_OFFSET = 0x98;
/** Smallest page size LMDB uses: the second meta page starts there at the earliest. */
const MIN_PAGE_SIZE = 512;
const MAX_PAGE_SIZE = 65_536;

interface MetaPage {
  readonly pageSize: number;
  readonly lastPage: bigint;
  readonly txnId: bigint;
}

function readMeta(fd: number, at: number): MetaPage | undefined {
  const bytes = Buffer.alloc(TXN_ID_OFFSET + 8);
  if (readSync(fd, bytes, 0, bytes.byteLength, at) < bytes.byteLength) return undefined;
  if (bytes.readUInt32LE(MAGIC_OFFSET) !== MAGIC) return undefined;
  return {
    pageSize: bytes.readUInt32LE(PAGE_SIZE_OFFSET),
    lastPage: bytes.readBigUInt64LE(LAST_PAGE_OFFSET),
    txnId: bytes.readBigUInt64LE(TXN_ID_OFFSET),
  };
}

/** What is wrong with the data file at `file` (an existing LMDB data.mdb), or undefined when nothing is. */
export function lmdbDataFileProblem(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined; // created and never written: LMDB initialises it
    const first = readMeta(fd, 0);
    if (first === undefined) return `${file} does not start with an LMDB meta page (${size} bytes)`;
    if (first.pageSize < MIN_PAGE_SIZE || first.pageSize > MAX_PAGE_SIZE)
      return `${file} records an impossible page size ${first.pageSize}`;
    const second = readMeta(fd, first.pageSize);
    if (second === undefined) return `${file} lacks its second LMDB meta page (${size} bytes)`;
    const current = second.txnId > first.txnId ? second : first;
    const needed = (current.lastPage + 1n) * BigInt(current.pageSize);
    if (BigInt(size) < needed) return `${file} is cut short: ${size} bytes, but its last page in use ends at byte ${needed}`;
    return undefined;
  } finally {
    closeSync(fd);
  }
}
