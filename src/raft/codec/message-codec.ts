/** encodeMessage and decodeMessage: the layouts of ./layout framed by version byte and checksum. */
import type { RaftMessage } from '../messages';
import { crc32 } from './crc32';
import { MessageDecodeError } from './errors';
import { FORMAT_VERSION, readBody, writeMessage } from './layout';
import { Reader } from './reader';
import { Sizer, Writer } from './writer';

const CHECKSUM_BYTES = 4;
/** version, tag, two empty strings, term 0, checksum. */
const MIN_MESSAGE_BYTES = 5 + CHECKSUM_BYTES;

/**
 * Encodes `message`. Throws TypeError or RangeError when it is malformed (a field of the wrong
 * type, a number that is not a non-negative safe integer, a string or list beyond its bounds, an
 * unknown type, LogType or suffrage), so that whatever encodes also decodes.
 */
export function encodeMessage(message: RaftMessage): Uint8Array {
  return encodeWith(message, Infinity).out;
}

/**
 * Encodes `message` like encodeMessage, as pieces whose concatenation is that encoding: byte
 * fields of at least `externalFrom` bytes (a snapshot chunk's data) are pieces of their own,
 * the caller's bytes themselves rather than a copy. They must not change until the pieces
 * have been written out.
 */
export function encodeMessageParts(message: RaftMessage, externalFrom: number): Uint8Array[] {
  return encodeWith(message, externalFrom).parts();
}

function encodeWith(message: RaftMessage, externalFrom: number): Writer {
  if (typeof message !== 'object' || message === null) throw new TypeError('encodeMessage: not a message');
  const sizer = new Sizer(externalFrom);
  writeMessage(sizer, message);
  const writer = new Writer(sizer.size - sizer.external + CHECKSUM_BYTES, externalFrom);
  writeMessage(writer, message);
  writer.checksum();
  return writer;
}

export interface DecodeOptions {
  /**
   * The caller hands `bytes` over: nothing will change them afterwards, so byte fields (entries'
   * data, a snapshot chunk) are views of them rather than copies. A follower receiving a
   * snapshot at 60 MB/s copied every chunk once more for nothing.
   */
  readonly owned?: boolean;
}

/**
 * Decodes and validates an encoded message. Unless `owned`, nothing in the result aliases
 * `bytes`: the entries' `data` are views of one private copy of the message, made once per
 * message, and a snapshot chunk's `data` is a copy of its own.
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): RaftMessage {
  if (!(bytes instanceof Uint8Array)) throw new MessageDecodeError('input is not a Uint8Array', 0);
  if (bytes.byteLength < MIN_MESSAGE_BYTES) throw new MessageDecodeError(`too short (${bytes.byteLength} bytes)`, 0);
  const end = bytes.byteLength - CHECKSUM_BYTES;
  const stored = (bytes[end] | (bytes[end + 1] << 8) | (bytes[end + 2] << 16) | (bytes[end + 3] << 24)) >>> 0;
  if (crc32(bytes.subarray(0, end)) !== stored) throw new MessageDecodeError('checksum mismatch', end);
  const r = new Reader(bytes, end, options.owned === true);
  const version = r.byte();
  if (version !== FORMAT_VERSION) r.fail(`unsupported format version ${version}`);
  const message = readBody(r);
  if (r.pos !== end) r.fail(`${end - r.pos} trailing bytes`);
  return message;
}
