/**
 * Block ids arrive as decimal strings (proto-loader `longs: String`). Ours are allocated by the
 * MetaServer from 1 upwards and the original's are about 1.7e15, both below 2^53, so a JS number
 * holds them exactly; anything that is not such a number is refused rather than rounded.
 */
export class BlockIdError extends Error {
  override readonly name = 'BlockIdError';
}

const DECIMAL = /^[0-9]{1,16}$/;

/** The block id of a request field; throws BlockIdError for 0 (the proto3 "unset"), non-decimal text or ids >= 2^53. */
export function parseBlockId(value: string | number | undefined | null): number {
  const text = typeof value === 'number' ? String(value) : (value ?? '');
  if (!DECIMAL.test(text)) throw new BlockIdError(`bad block id ${JSON.stringify(text)}: expected a decimal number below 2^53`);
  const id = Number(text);
  if (!Number.isSafeInteger(id)) throw new BlockIdError(`bad block id ${text}: above 2^53 - 1`);
  if (id === 0) throw new BlockIdError('bad block id 0: the field is unset');
  return id;
}

/** Like parseBlockId, for file names found on disk: undefined instead of an error. */
export function blockIdOfName(name: string): number | undefined {
  try {
    const id = parseBlockId(name);
    return String(id) === name ? id : undefined; // "007" is not a name we write
  } catch {
    return undefined;
  }
}
