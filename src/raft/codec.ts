/**
 * The wire format of Raft messages: a compact hand-written binary encoding, chosen over a
 * generic serializer for speed and so that decoding can validate every field strictly.
 * The layout of each message is described and written in codec/layout.ts.
 *
 * Every encoding ends in a CRC-32 trailer, which makes damaged bytes fail to decode instead of
 * turning into a different valid message; every field is still validated in case a buggy or
 * foreign peer sent it. Encodings are canonical: a byte string that decodes re-encodes to
 * exactly itself.
 *
 *   codec/message-codec.ts  encodeMessage(Parts), decodeMessage (version byte, layout, checksum)
 *   codec/layout.ts         the fields of each message type, their order and bounds
 *   codec/writer.ts         Sizer (measures, validates) and Writer (writes) of fields
 *   codec/reader.ts         Reader of fields, strict
 *   codec/primitives.ts     varint and UTF-8 lengths, LogType and suffrage codes
 *   codec/crc32.ts, codec/errors.ts
 */
export { MessageDecodeError } from './codec/errors';
export { MAX_CONFIGURATION_SERVERS, MAX_SNAPSHOT_ID_BYTES } from './codec/layout';
export { decodeMessage, encodeMessage, encodeMessageParts, type DecodeOptions } from './codec/message-codec';
