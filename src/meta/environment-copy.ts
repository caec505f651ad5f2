/**
 * Snapshots of an LMDB FSM as a copy of its environment file, the way etcd ships its bbolt file.
 *
 * Why not a stream of records: walking a million records, encoding each and writing them back one
 * by one on the follower costs seconds of the main thread on both ends (on the leader it stalled
 * heartbeats and client calls for seconds with a 1 GB namespace). LMDB's own copy (mdb_env_copy2,
 * run by lmdb-js on a libuv worker thread) writes the pages of one read transaction to a file at
 * disk speed; the follower writes the bytes it receives to a file and swaps it in for its
 * environment's. Neither side decodes anything. The copy is not compacted (see below), so it
 * carries the environment's free pages too.
 *
 * The copy's read transaction starts on the worker thread, so it may hold batches committed after
 * the point Raft labels the snapshot with: its state is at an index at least the snapshot's, all of
 * it committed. The FSMs record their applied index in the environment itself and skip the entries
 * Raft hands over that it already holds (as etcd skips entries up to its consistent index). The
 * FSM must let every batch handed over so far commit before the copy starts, so the copy is never
 * behind the label.
 *
 * Stream format: magic "MINFSENV", the file's byte length as u64 big-endian, the file's bytes.
 * Raft checksums the whole stream; the length catches a stream cut short.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CorruptionError } from '../raft';
import { copyEnvironmentInChild } from './copy-in-child';

export const ENVIRONMENT_COPY_MAGIC = Buffer.from('MINFSENV');
const HEADER_BYTES = ENVIRONMENT_COPY_MAGIC.length + 8;
/**
 * A received copy is synced as it is written, every this many bytes: with ext4's ordered mode,
 * every other fsync on the disk (this node's Raft log, or a leader's on the same machine) would
 * otherwise wait for a whole copy's worth of dirty pages at once (as the file snapshot sink does).
 */
const SYNC_EVERY_BYTES = 1024 * 1024;
/** LMDB's file inside an environment directory. */
export const DATA_FILE = 'data.mdb';

/**
 * Copies the environment in `envDir` into the empty directory `scratch` (in a child process:
 * copy-in-child.ts), streams the copy through `write` in chunks of `chunkBytes` (awaiting each:
 * the backpressure), and removes it. `check` runs between chunks (it throws to stop early, as when
 * the FSM closes). The copy is not compacted: lmdb-js's compacting copy makes files that break on
 * the first writes after they are opened (an LMDB assertion in mdb_page_alloc, kriszyp/lmdb-js#198;
 * reproduced here).
 */
export async function writeEnvironmentCopy(
  envDir: string,
  scratch: string,
  write: (chunk: Uint8Array) => Promise<void>,
  chunkBytes: number,
  check: () => void,
): Promise<void> {
  await fsp.rm(scratch, { recursive: true, force: true });
  await fsp.mkdir(scratch, { recursive: true });
  try {
    await copyEnvironmentInChild(envDir, scratch);
    check();
    const file = await fsp.open(join(scratch, DATA_FILE), 'r');
    try {
      const { size } = await file.stat();
      const header = Buffer.allocUnsafe(HEADER_BYTES);
      ENVIRONMENT_COPY_MAGIC.copy(header, 0);
      header.writeBigUInt64BE(BigInt(size), ENVIRONMENT_COPY_MAGIC.length);
      await write(header);
      for (let offset = 0; offset < size; ) {
        // A fresh buffer per chunk: a sink may keep the chunk after its write resolves.
        const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, size - offset));
        const { bytesRead } = await file.read(chunk, 0, chunk.length, offset);
        if (bytesRead !== chunk.length) throw new Error(`environment copy: short read at ${offset} of ${size}`);
        offset += bytesRead;
        await write(chunk);
        check();
      }
    } finally {
      await file.close();
    }
  } finally {
    await fsp.rm(scratch, { recursive: true, force: true });
  }
}

/** How fast a restore writes the received copy by default: Raft's default snapshot transfer rate. */
export const DEFAULT_RESTORE_BYTES_PER_SEC = 64 * 1024 * 1024;

/**
 * Writes a stream made by writeEnvironmentCopy into `scratch/data.mdb` (the directory is made
 * afresh) and fsyncs it. Throws CorruptionError (and removes `scratch`) when the stream is not one,
 * or is cut short or overlong. `check` runs between chunks.
 *
 * The writes are paced at `maxBytesPerSec`: the stored snapshot is read from the page cache far
 * faster than the transfer brought it, and writing it out at that speed starves the fsyncs of
 * every other writer on the disk (a co-located leader's p99 went from 12 ms during the paced
 * transfer to 40-50 ms during an unpaced restore). After each sync the restore also waits as long
 * as that sync took, so when the disk is busy it gets at most half of the disk's time and never
 * bursts to catch up on its rate: with the pace alone, a co-located leader's write p99 during
 * a catch-up was 2.0-2.3x its p99 without one; with the wait as well it was 1.6-1.7x, in the same
 * restore time (bench:catch-up). On an idle disk a sync takes a moment and so does the wait.
 */
export async function receiveEnvironmentCopy(
  chunks: AsyncIterable<Uint8Array>,
  scratch: string,
  check: () => void,
  maxBytesPerSec = DEFAULT_RESTORE_BYTES_PER_SEC,
): Promise<void> {
  await fsp.rm(scratch, { recursive: true, force: true });
  await fsp.mkdir(scratch, { recursive: true });
  try {
    const file = await fsp.open(join(scratch, DATA_FILE), 'wx+');
    try {
      let header = Buffer.alloc(0);
      let expected = -1;
      let written = 0;
      let unsynced = 0;
      const started = performance.now();
      for await (const chunk of chunks) {
        check();
        let body = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (expected < 0) {
          header = Buffer.concat([header, body]);
          if (header.length < HEADER_BYTES) continue;
          if (!header.subarray(0, ENVIRONMENT_COPY_MAGIC.length).equals(ENVIRONMENT_COPY_MAGIC)) {
            throw new CorruptionError('environment copy: bad magic (not a snapshot of this format)');
          }
          const length = header.readBigUInt64BE(ENVIRONMENT_COPY_MAGIC.length);
          if (length > BigInt(Number.MAX_SAFE_INTEGER)) throw new CorruptionError(`environment copy: impossible length ${length}`);
          expected = Number(length);
          body = header.subarray(HEADER_BYTES);
        }
        if (written + body.length > expected) throw new CorruptionError(`environment copy: more than the ${expected} bytes announced`);
        for (let done = 0; done < body.length; ) {
          // A write may take fewer bytes than offered (rare for files, but allowed): go on from there.
          const { bytesWritten } = await file.write(body, done, body.length - done, written + done);
          done += bytesWritten;
        }
        written += body.length;
        unsynced += body.length;
        if (unsynced >= SYNC_EVERY_BYTES) {
          const syncStarted = performance.now();
          await file.datasync();
          unsynced = 0;
          const syncMs = performance.now() - syncStarted;
          if (syncMs > 1) await delay(syncMs);
        }
        const ahead = started + (written / maxBytesPerSec) * 1000 - performance.now();
        if (ahead > 1) await delay(ahead);
      }
      if (expected < 0) throw new CorruptionError('environment copy: stream ended inside its header');
      if (written !== expected) throw new CorruptionError(`environment copy: ${written} of ${expected} bytes`);
      await checkLmdbMagic(file);
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await fsp.rm(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** LMDB's meta pages begin (after a page header) with this magic, little-endian on every platform we run on. */
const LMDB_MAGIC = Buffer.from([0xde, 0xc0, 0xef, 0xbe]);
/** Where the magic may sit in the first page: the page header's size differs between LMDB versions. */
const MAGIC_SEARCH_BYTES = 64;

/**
 * lmdb-js crashes the process (SIGSEGV) opening a file that is not LMDB, so a received copy must
 * at least look like one before anything opens it. Raft's checksum already rules out accidental
 * damage on the way; this catches a sender that streamed something else under the right header.
 */
async function checkLmdbMagic(file: FileHandle): Promise<void> {
  const first = Buffer.alloc(MAGIC_SEARCH_BYTES);
  const { bytesRead } = await file.read(first, 0, first.length, 0);
  if (first.subarray(0, bytesRead).indexOf(LMDB_MAGIC) < 0) throw new CorruptionError('environment copy: not an LMDB file (no LMDB magic in its first page)');
}

/**
 * Makes the received `scratch/data.mdb` the data file of the environment in `envDir` (which must
 * be closed): one rename, then an fsync of the directory. A crash leaves either the old file or
 * the new one, never a mix. Removes `scratch`.
 */
export async function installEnvironmentCopy(scratch: string, envDir: string): Promise<void> {
  await fsp.rename(join(scratch, DATA_FILE), join(envDir, DATA_FILE));
  const dir = await fsp.open(envDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  await fsp.rm(scratch, { recursive: true, force: true });
}
