/** What can go wrong with a block itself, independent of gRPC (service-errors.ts maps these to status codes). */

export class BlockNotFoundError extends Error {
  override readonly name = 'BlockNotFoundError';
  constructor(readonly blockId: number) {
    super(`block ${blockId} is not on this DataServer`);
  }
}

/** The block's bytes do not match the checksum stored with them; the store has dropped the block. */
export class BlockCorruptError extends Error {
  override readonly name = 'BlockCorruptError';
  constructor(
    readonly blockId: number,
    problem: string,
  ) {
    super(`block ${blockId} is corrupt (${problem}); it has been dropped from this DataServer`);
  }
}

export class BlockTooLargeError extends Error {
  override readonly name = 'BlockTooLargeError';
  constructor(
    readonly blockId: number,
    limit: number,
  ) {
    super(`block ${blockId} is larger than the maximum block size of ${limit} bytes`);
  }
}
