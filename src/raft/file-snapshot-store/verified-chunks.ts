import type { promises as fsp } from 'node:fs';
import { CorruptionError } from '../errors';
import { crc32, crc32Hex } from './durable-fs';
import type { FileSnapshotMeta } from './snapshot-meta-file';

/**
 * Reads an open data file chunk by chunk (each chunk a fresh buffer of at most `chunkBytes`, so
 * a consumer may keep them, or one from `chunkBuffer`, filled up to its length) and checks it
 * against `meta`: more bytes than recorded fail at once,
 * and at the end the byte count and the CRC-32 must match. The last chunk is yielded before that
 * final check (it needs every byte), so a consumer has restored the snapshot only when the
 * iteration ends without throwing. The handle is closed however the iteration ends.
 */
export async function* verifiedChunks(
  handle: fsp.FileHandle,
  meta: FileSnapshotMeta,
  chunkBytes: number,
  chunkBuffer?: () => Uint8Array,
): AsyncGenerator<Uint8Array> {
  let position = 0;
  let crc = 0;
  try {
    for (;;) {
      // Never read past size + 1: one extra byte is enough to know the file is too long.
      const left = meta.size + 1 - position;
      if (left <= 0) break;
      const buffer = chunkBuffer?.() ?? Buffer.allocUnsafe(Math.min(chunkBytes, left));
      const want = Math.min(buffer.byteLength, left);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      if (position > meta.size) throw new CorruptionError(`snapshot ${meta.id}: data file is longer than the ${meta.size} bytes recorded`);
      const chunk = bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
      crc = crc32(chunk, crc);
      yield chunk;
    }
    if (position !== meta.size) {
      throw new CorruptionError(`snapshot ${meta.id}: data file ends after ${position} of ${meta.size} bytes (truncated)`);
    }
    if (crc32Hex(crc) !== meta.checksum) {
      throw new CorruptionError(`snapshot ${meta.id}: data checksum ${crc32Hex(crc)} does not match ${meta.checksum}`);
    }
  } finally {
    // Nothing useful to do if closing a read-only handle fails; it must not mask the verdict.
    await handle.close().catch(() => undefined);
  }
}
