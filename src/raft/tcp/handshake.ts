/**
 * The first frame on every connection, sent by the dialling side:
 *
 *   4 bytes  magic "RFTT" (tells a Raft peer from a stray client or another protocol)
 *   byte     protocol version (1)
 *   string   clusterId, senderId, senderAdvertiseAddress  (uint16 big-endian length + UTF-8)
 *
 * The receiver refuses a connection whose handshake does not parse or names another cluster:
 * two clusters sharing hosts (or a node moved between them) must never exchange votes or entries.
 * The advertised address is what the receiver reports as `fromAddress`, because the socket's
 * remote address has an ephemeral port that nobody can dial back.
 */

export const HANDSHAKE_MAGIC = Uint8Array.of(0x52, 0x46, 0x54, 0x54); // "RFTT"
export const HANDSHAKE_VERSION = 1;
/** Limit on a handshake frame: until a peer has identified itself, it may not make us buffer more. */
export const MAX_HANDSHAKE_BYTES = 4096;
const MAX_FIELD_BYTES = 1024;

export interface Handshake {
  readonly clusterId: string;
  readonly senderId: string;
  readonly senderAdvertiseAddress: string;
}

/** A handshake that does not parse; the connection is refused. */
export class HandshakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandshakeError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Throws RangeError when a field is empty or too long (a configuration error on our side). */
export function encodeHandshake(h: Handshake): Uint8Array {
  const fields = [h.clusterId, h.senderId, h.senderAdvertiseAddress].map((value, i) => {
    const bytes = encoder.encode(value);
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_FIELD_BYTES)
      throw new RangeError(`handshake field ${FIELD_NAMES[i]} must be 1..${MAX_FIELD_BYTES} bytes of UTF-8`);
    return bytes;
  });
  const out = new Uint8Array(HANDSHAKE_MAGIC.byteLength + 1 + fields.reduce((n, f) => n + 2 + f.byteLength, 0));
  const view = new DataView(out.buffer);
  out.set(HANDSHAKE_MAGIC, 0);
  let pos = HANDSHAKE_MAGIC.byteLength;
  out[pos++] = HANDSHAKE_VERSION;
  for (const f of fields) {
    view.setUint16(pos, f.byteLength);
    out.set(f, pos + 2);
    pos += 2 + f.byteLength;
  }
  return out;
}

const FIELD_NAMES = ['clusterId', 'senderId', 'senderAdvertiseAddress'] as const;

/** Parses a handshake payload strictly; throws HandshakeError with the reason. */
export function decodeHandshake(bytes: Uint8Array): Handshake {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HANDSHAKE_MAGIC.byteLength + 1 || !HANDSHAKE_MAGIC.every((b, i) => bytes[i] === b))
    throw new HandshakeError('bad magic (not a Raft TCP transport peer)');
  let pos = HANDSHAKE_MAGIC.byteLength;
  const version = bytes[pos++];
  if (version !== HANDSHAKE_VERSION) throw new HandshakeError(`unsupported protocol version ${version}`);
  const values: string[] = [];
  for (const name of FIELD_NAMES) {
    if (pos + 2 > bytes.byteLength) throw new HandshakeError(`truncated at ${name}`);
    const length = view.getUint16(pos);
    pos += 2;
    if (length === 0 || length > MAX_FIELD_BYTES || pos + length > bytes.byteLength)
      throw new HandshakeError(`${name}: bad length ${length}`);
    try {
      values.push(decoder.decode(bytes.subarray(pos, pos + length)));
    } catch {
      throw new HandshakeError(`${name}: invalid UTF-8`);
    }
    pos += length;
  }
  if (pos !== bytes.byteLength) throw new HandshakeError(`${bytes.byteLength - pos} trailing bytes`);
  const [clusterId, senderId, senderAdvertiseAddress] = values as [string, string, string];
  return { clusterId, senderId, senderAdvertiseAddress };
}
