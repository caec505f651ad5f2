/**
 * The on-disk form of one block: `DIR/blocks/<subdir>/<blockId>` holds the block's bytes followed by
 * a 16-byte footer
 *
 *   offset n      4 bytes  magic "MFB1"
 *   offset n+4    8 bytes  n, the data length (big-endian)
 *   offset n+12   4 bytes  CRC-32 of the n data bytes (big-endian)
 *
 * A footer rather than a sidecar file so that data and checksum are renamed into place together
 * (one atomic rename, never a block without its checksum), and rather than a header so that the
 * writer streams the data straight through and appends the checksum once it knows it.
 * `<subdir>` is two hex digits of the CRC-32 of the decimal id: ids are allocated sequentially, and a
 * hash spreads them over 256 directories whatever their low digits look like.
 */
import { crc32 } from './crc32';

export const FOOTER_BYTES = 16;
const MAGIC = 0x4d464231; // "MFB1"

export interface BlockFooter {
  readonly dataLength: number;
  readonly crc: number;
}

export function encodeFooter(footer: BlockFooter): Buffer {
  const bytes = Buffer.alloc(FOOTER_BYTES);
  bytes.writeUInt32BE(MAGIC, 0);
  bytes.writeBigUInt64BE(BigInt(footer.dataLength), 4);
  bytes.writeUInt32BE(footer.crc >>> 0, 12);
  return bytes;
}

/** The footer of a block file of `fileSize` bytes, or why those 16 bytes are not one. */
export function decodeFooter(bytes: Buffer, fileSize: number): BlockFooter | { readonly problem: string } {
  if (fileSize < FOOTER_BYTES || bytes.length < FOOTER_BYTES) return { problem: `file of ${fileSize} bytes is shorter than its footer` };
  if (bytes.readUInt32BE(0) !== MAGIC) return { problem: 'footer magic is wrong' };
  const dataLength = bytes.readBigUInt64BE(4);
  if (dataLength !== BigInt(fileSize - FOOTER_BYTES))
    return { problem: `footer says ${dataLength} data bytes, the file holds ${fileSize - FOOTER_BYTES}` };
  return { dataLength: Number(dataLength), crc: bytes.readUInt32BE(12) };
}

export function subdirOf(blockId: number): string {
  return (crc32(Buffer.from(String(blockId))) & 0xff).toString(16).padStart(2, '0');
}

export const SUBDIR_NAME = /^[0-9a-f]{2}$/;
