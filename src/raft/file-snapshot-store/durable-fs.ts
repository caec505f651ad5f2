import { promises as fsp } from 'node:fs';
import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE) with a running value, so a snapshot of any size is checksummed chunk by chunk.
 *
 * Why CRC-32 and not SHA-256: the threat is accidental damage (a flipped bit, a torn or
 * truncated file), not an adversary; anyone who can rewrite the data file can rewrite meta.json
 * too, so a cryptographic hash would buy nothing. CRC-32 detects every burst error up to 32 bits
 * and all but 2^-32 of random damage, the byte count in meta.json catches truncation on its own,
 * and `zlib.crc32` is native (several GB/s), the same function the LMDB stores use.
 * It exists from Node 20.15; fail at load time rather than write snapshots nobody can verify.
 */
const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;
if (nativeCrc32 === undefined) throw new Error('the file snapshot store needs zlib.crc32 (Node.js >= 20.15)');
const crc32Impl: (data: Uint8Array, value?: number) => number = nativeCrc32;

/** CRC-32 of `data`, continuing from `previous` (the CRC of everything before it). */
export function crc32(data: Uint8Array, previous = 0): number {
  return crc32Impl(data, previous);
}

/** 8 lower-case hex digits: how checksums are written in meta.json (readable, no sign issues). */
export function crc32Hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/**
 * fsync a directory, making the entries created, renamed or removed in it durable. Without it
 * a rename can be lost at power failure even though the files it names were fsynced.
 */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `file` (it must not exist), writes `data` and fsyncs it before returning. */
export async function writeFileDurably(file: string, data: Uint8Array): Promise<void> {
  const handle = await fsp.open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes `dir` and everything in it; a missing directory is not an error. */
export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}

export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** The message of anything thrown, for logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
