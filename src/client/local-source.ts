/**
 * Local input for put. GetBlockLocations needs the file's size before the first byte is sent,
 * and a block that fails is re-sent from a fresh allocation, which means reading the input again;
 * a stream gives neither, so it is first copied to a temporary file (on disk, not in memory).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Hash } from 'node:crypto';
import { CHUNK_SIZE } from './block-layout';

/** Runs `use` on a temporary copy of `input`, removed afterwards whatever happens. */
export async function withSpooledCopy<T>(input: Readable, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'minfs-put-'));
  try {
    const path = join(dir, 'input');
    await pipeline(input, createWriteStream(path));
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A regular file opened for reading, with its size. */
export async function openLocalFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${path} is not a regular file`);
    return { handle, size: info.size };
  } catch (error: unknown) {
    await handle.close();
    throw error;
  }
}

/**
 * The bytes [offset, offset + length) of the file in CHUNK_SIZE pieces, each fed to `md5` and
 * counted by `onBytes` as it is read. A fresh buffer per chunk: gRPC may still hold the previous
 * one while it is being sent.
 */
export async function* fileChunks(
  handle: FileHandle,
  offset: number,
  length: number,
  md5: Hash,
  onBytes: (n: number) => void,
): AsyncGenerator<Buffer> {
  for (let done = 0; done < length;) {
    const want = Math.min(CHUNK_SIZE, length - done);
    const chunk = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(chunk, 0, want, offset + done);
    if (bytesRead === 0) throw new Error('the local file got shorter while it was being uploaded');
    const piece = bytesRead === want ? chunk : chunk.subarray(0, bytesRead);
    md5.update(piece);
    done += bytesRead;
    onBytes(bytesRead);
    yield piece;
  }
}
