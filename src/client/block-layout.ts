/**
 * How a file maps onto blocks. The MetaServer allocates ceil(size / 4 MiB) blocks and the existing
 * client and DataServer hard-code 4 MiB too, so the block size is effectively part of the wire
 * contract. Chunks of 64 KiB are what the existing client streams (and well under gRPC's default
 * 4 MiB message limit).
 */
export const BLOCK_SIZE = 4 * 1024 * 1024;
export const CHUNK_SIZE = 64 * 1024;

export function blockCount(size: number): number {
  return Math.ceil(size / BLOCK_SIZE);
}

/** The length of block `index` of a file of `size` bytes (the last one may be short). */
export function blockLength(size: number, index: number): number {
  return Math.max(0, Math.min(BLOCK_SIZE, size - index * BLOCK_SIZE));
}

/** MD5 of zero bytes: what an empty file is finalized with. */
export const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
