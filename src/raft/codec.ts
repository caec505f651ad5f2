/**
 * The wire format of Raft messages: a compact hand-written binary encoding, chosen over a
 * generic serializer for speed and so that decoding can validate every field strictly.
 *
 *   byte    format version (1)
 *   byte    message type tag (see TYPE_TAGS)
 *   string  from, to           (varint byte length + UTF-8)
 *   uint    term               (LEB128 varint, minimal length, at most 2^53 - 1)
 *   ...     the type's fields, in the order of `writeMessage`; booleans are one byte, 0 or 1;
 *           entries are a varint count then (uint index, uint term, byte type, varint length + data)
 *   uint32  CRC-32 (IEEE) of everything before it, little-endian
 *
 * The checksum makes damaged bytes fail to decode instead of turning into a different valid
 * message, and every field is still validated in case a buggy or foreign peer sent it.
 * Encodings are canonical: a byte string that decodes re-encodes to exactly itself.
 */
import * as zlib from 'node:zlib';
import { LogType, type LogEntry } from './log';
import type { RaftMessage, RaftMessageType } from './messages';

/** Thrown by `decodeMessage` for any input that is not a well-formed encoded message. */
export class MessageDecodeError extends Error {
  constructor(
    message: string,
    /** Byte offset where decoding failed. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'MessageDecodeError';
  }
}

const FORMAT_VERSION = 1;
const CHECKSUM_BYTES = 4;
/** version, tag, two empty strings, term 0, checksum. */
const MIN_MESSAGE_BYTES = 5 + CHECKSUM_BYTES;
const TYPE_TAGS: Readonly<Record<RaftMessageType, number>> = {
  AppendEntries: 1,
  AppendEntriesResponse: 2,
  RequestVote: 3,
  RequestVoteResponse: 4,
  TimeoutNow: 5,
};
/** index, term, type and data length take a byte each at least; bounds a hostile entry count. */
const MIN_ENTRY_BYTES = 4;

/**
 * Encodes `message`. Throws TypeError or RangeError when it is malformed (a field of the wrong
 * type, a number that is not a non-negative safe integer, an unknown type or LogType), so that
 * whatever encodes also decodes.
 */
export function encodeMessage(message: RaftMessage): Uint8Array {
  if (typeof message !== 'object' || message === null) throw new TypeError('encodeMessage: not a message');
  const sizer = new Sizer();
  writeMessage(sizer, message);
  const writer = new Writer(sizer.size + CHECKSUM_BYTES);
  writeMessage(writer, message);
  writer.checksum();
  return writer.out;
}

/**
 * Decodes and validates an encoded message. Nothing in the result aliases `bytes`: the entries'
 * `data` are views of one private copy of the message, made once per message.
 */
export function decodeMessage(bytes: Uint8Array): RaftMessage {
  if (!(bytes instanceof Uint8Array)) throw new MessageDecodeError('input is not a Uint8Array', 0);
  if (bytes.byteLength < MIN_MESSAGE_BYTES) throw new MessageDecodeError(`too short (${bytes.byteLength} bytes)`, 0);
  const end = bytes.byteLength - CHECKSUM_BYTES;
  const stored = (bytes[end] | (bytes[end + 1] << 8) | (bytes[end + 2] << 16) | (bytes[end + 3] << 24)) >>> 0;
  if (crc32(bytes.subarray(0, end)) !== stored) throw new MessageDecodeError('checksum mismatch', end);
  const r = new Reader(bytes, end);
  const version = r.byte();
  if (version !== FORMAT_VERSION) r.fail(`unsupported format version ${version}`);
  const message = readBody(r);
  if (r.pos !== end) r.fail(`${end - r.pos} trailing bytes`);
  return message;
}

/** Where encoded fields go: a Sizer (which also validates) then a Writer, so the layout is written once. */
interface Sink {
  byte(value: number): void;
  uint(value: number, field: string): void;
  bool(value: boolean, field: string): void;
  string(value: string, field: string): void;
  bytes(value: Uint8Array, field: string): void;
  logType(value: LogType, field: string): void;
  count(list: readonly unknown[], field: string): void;
}

function writeMessage(sink: Sink, m: RaftMessage): void {
  if (!Object.hasOwn(TYPE_TAGS, m.type)) throw new TypeError(`encodeMessage: unknown message type ${String(m.type)}`);
  sink.byte(FORMAT_VERSION);
  sink.byte(TYPE_TAGS[m.type]);
  sink.string(m.from, 'from');
  sink.string(m.to, 'to');
  sink.uint(m.term, 'term');
  switch (m.type) {
    case 'AppendEntries':
      sink.uint(m.prevLogIndex, 'prevLogIndex');
      sink.uint(m.prevLogTerm, 'prevLogTerm');
      sink.uint(m.leaderCommit, 'leaderCommit');
      sink.uint(m.seq, 'seq');
      sink.count(m.entries, 'entries');
      for (const e of m.entries) {
        sink.uint(e.index, 'entry.index');
        sink.uint(e.term, 'entry.term');
        sink.logType(e.type, 'entry.type');
        sink.bytes(e.data, 'entry.data');
      }
      return;
    case 'AppendEntriesResponse':
      sink.bool(m.success, 'success');
      sink.uint(m.seq, 'seq');
      sink.uint(m.matchIndex, 'matchIndex');
      sink.uint(m.lastLogIndex, 'lastLogIndex');
      sink.uint(m.conflictTerm, 'conflictTerm');
      sink.uint(m.conflictIndex, 'conflictIndex');
      return;
    case 'RequestVote':
      sink.uint(m.lastLogIndex, 'lastLogIndex');
      sink.uint(m.lastLogTerm, 'lastLogTerm');
      sink.bool(m.preVote, 'preVote');
      sink.bool(m.leadershipTransfer, 'leadershipTransfer');
      return;
    case 'RequestVoteResponse':
      sink.bool(m.granted, 'granted');
      sink.bool(m.preVote, 'preVote');
      return;
    case 'TimeoutNow':
      return;
  }
}

function readBody(r: Reader): RaftMessage {
  const tag = r.byte();
  const from = r.string('from');
  const to = r.string('to');
  const term = r.uint('term');
  switch (tag) {
    case TYPE_TAGS.AppendEntries: {
      const prevLogIndex = r.uint('prevLogIndex');
      const prevLogTerm = r.uint('prevLogTerm');
      const leaderCommit = r.uint('leaderCommit');
      const seq = r.uint('seq');
      const count = r.uint('entries');
      if (count > (r.end - r.pos) / MIN_ENTRY_BYTES) r.fail(`entry count ${count} exceeds the message`);
      const entries: LogEntry[] = [];
      if (count > 0) r.copyRest();
      for (let i = 0; i < count; i++) {
        entries.push({
          index: r.uint('entry.index'),
          term: r.uint('entry.term'),
          type: r.logType('entry.type'),
          data: r.bytes('entry.data'),
        });
      }
      return { type: 'AppendEntries', from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, seq };
    }
    case TYPE_TAGS.AppendEntriesResponse: {
      const success = r.bool('success');
      const seq = r.uint('seq');
      const matchIndex = r.uint('matchIndex');
      const lastLogIndex = r.uint('lastLogIndex');
      const conflictTerm = r.uint('conflictTerm');
      const conflictIndex = r.uint('conflictIndex');
      return { type: 'AppendEntriesResponse', from, to, term, success, seq, matchIndex, lastLogIndex, conflictTerm, conflictIndex };
    }
    case TYPE_TAGS.RequestVote: {
      const lastLogIndex = r.uint('lastLogIndex');
      const lastLogTerm = r.uint('lastLogTerm');
      const preVote = r.bool('preVote');
      const leadershipTransfer = r.bool('leadershipTransfer');
      return { type: 'RequestVote', from, to, term, lastLogIndex, lastLogTerm, preVote, leadershipTransfer };
    }
    case TYPE_TAGS.RequestVoteResponse: {
      const granted = r.bool('granted');
      const preVote = r.bool('preVote');
      return { type: 'RequestVoteResponse', from, to, term, granted, preVote };
    }
    case TYPE_TAGS.TimeoutNow:
      return { type: 'TimeoutNow', from, to, term };
    default:
      return r.fail(`unknown message type tag ${tag}`);
  }
}

function isLogType(value: number): value is LogType {
  return typeof value === 'number' && typeof LogType[value] === 'string';
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * UTF-8 length of `s`, or -1 when it holds a lone surrogate (which TextEncoder would turn into
 * U+FFFD, so the string would not survive the round trip).
 */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c < 0xd800 || c > 0xdfff) n += 2;
    else if (c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: two UTF-16 units, four bytes
      i++;
    } else return -1;
  }
  return n;
}

class Sizer implements Sink {
  size = 0;

  byte(): void {
    this.size += 1;
  }

  uint(value: number, field: string): void {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`encodeMessage: ${field} must be a non-negative safe integer, got ${String(value)}`);
    this.size += varintSize(value);
  }

  bool(value: boolean, field: string): void {
    if (typeof value !== 'boolean') throw new TypeError(`encodeMessage: ${field} must be a boolean, got ${typeof value}`);
    this.size += 1;
  }

  string(value: string, field: string): void {
    if (typeof value !== 'string') throw new TypeError(`encodeMessage: ${field} must be a string, got ${typeof value}`);
    const length = utf8Length(value);
    if (length < 0) throw new TypeError(`encodeMessage: ${field} is not well-formed Unicode (lone surrogate)`);
    this.size += varintSize(length) + length;
  }

  bytes(value: Uint8Array, field: string): void {
    if (!(value instanceof Uint8Array)) throw new TypeError(`encodeMessage: ${field} must be a Uint8Array`);
    this.size += varintSize(value.byteLength) + value.byteLength;
  }

  logType(value: LogType, field: string): void {
    if (!isLogType(value)) throw new RangeError(`encodeMessage: ${field} is not a LogType: ${String(value)}`);
    this.size += 1;
  }

  count(list: readonly unknown[], field: string): void {
    if (!Array.isArray(list)) throw new TypeError(`encodeMessage: ${field} must be an array`);
    this.size += varintSize(list.length);
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Writes into a buffer of exactly the size the Sizer measured; values were validated there. */
class Writer implements Sink {
  readonly out: Uint8Array;
  private pos = 0;

  constructor(size: number) {
    this.out = new Uint8Array(size);
  }

  byte(value: number): void {
    this.out[this.pos++] = value;
  }

  uint(value: number): void {
    const out = this.out;
    let pos = this.pos;
    while (value >= 0x80) {
      // `& 0x7f` is exact beyond 2^32 too: ToInt32 keeps the value modulo 2^32, a multiple of 128.
      out[pos++] = (value & 0x7f) | 0x80;
      value = value > 0x7fffffff ? Math.floor(value / 128) : value >>> 7;
    }
    out[pos++] = value;
    this.pos = pos;
  }

  bool(value: boolean): void {
    this.out[this.pos++] = value ? 1 : 0;
  }

  string(value: string): void {
    const length = utf8Length(value);
    this.uint(length);
    if (length === value.length) {
      for (let i = 0; i < length; i++) this.out[this.pos + i] = value.charCodeAt(i);
    } else {
      utf8Encoder.encodeInto(value, this.out.subarray(this.pos, this.pos + length));
    }
    this.pos += length;
  }

  bytes(value: Uint8Array): void {
    this.uint(value.byteLength);
    this.out.set(value, this.pos);
    this.pos += value.byteLength;
  }

  logType(value: LogType): void {
    this.out[this.pos++] = value;
  }

  count(list: readonly unknown[]): void {
    this.uint(list.length);
  }

  checksum(): void {
    const sum = crc32(this.out.subarray(0, this.pos));
    this.out[this.pos++] = sum & 0xff;
    this.out[this.pos++] = (sum >>> 8) & 0xff;
    this.out[this.pos++] = (sum >>> 16) & 0xff;
    this.out[this.pos++] = sum >>> 24;
  }
}

/** Reads fields from `buf[pos..end)`, throwing MessageDecodeError on anything out of place. */
class Reader {
  pos = 0;
  /** A private copy of `buf` from `copyStart` on, once `copyRest` has made it. */
  private copy: Uint8Array | undefined;
  private copyStart = 0;

  constructor(
    private readonly buf: Uint8Array,
    readonly end: number,
  ) {}

  fail(what: string): never {
    throw new MessageDecodeError(what, this.pos);
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('truncated');
    return this.buf[this.pos++];
  }

  uint(field: string): number {
    let b = this.byte();
    if (b < 0x80) return b;
    let value = b & 0x7f;
    let scale = 128;
    // 8 bytes carry 56 bits, enough for 2^53 - 1; a zero last byte would be a non-minimal encoding.
    for (let i = 1; ; i++) {
      b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0) this.fail(`${field}: non-minimal varint`);
        break;
      }
      if (i === 7) this.fail(`${field}: varint too long`);
      scale *= 128;
    }
    if (value > Number.MAX_SAFE_INTEGER) this.fail(`${field}: ${value} is beyond a safe integer`);
    return value;
  }

  bool(field: string): boolean {
    const b = this.byte();
    if (b > 1) this.fail(`${field}: boolean byte ${b}`);
    return b === 1;
  }

  logType(field: string): LogType {
    const b = this.byte();
    if (!isLogType(b)) this.fail(`${field}: unknown LogType ${b}`);
    return b;
  }

  string(field: string): string {
    const start = this.span(field);
    // Ids are short ASCII: building them directly beats a TextDecoder call.
    if (this.pos - start > 64) return this.utf8(start, field);
    const buf = this.buf;
    let ascii = '';
    for (let i = start; i < this.pos; i++) {
      const c = buf[i];
      if (c >= 0x80) return this.utf8(start, field);
      ascii += String.fromCharCode(c);
    }
    return ascii;
  }

  /**
   * Copies the rest of the message once. The caller may reuse `buf` while decoded entries live
   * on in the log, so `bytes` must not view it; one copy shared by the entries costs far less
   * than a typed array each (a separate backing store costs ~0.5 us to allocate).
   */
  copyRest(): void {
    this.copy = new Uint8Array(this.end - this.pos);
    this.copy.set(this.buf.subarray(this.pos, this.end));
    this.copyStart = this.pos;
  }

  /** Bytes that alias nothing the caller holds: a view of the private copy, or a fresh copy. */
  bytes(field: string): Uint8Array {
    const start = this.span(field);
    if (this.copy !== undefined && start >= this.copyStart) return this.copy.subarray(start - this.copyStart, this.pos - this.copyStart);
    const fresh = new Uint8Array(this.pos - start);
    fresh.set(this.buf.subarray(start, this.pos));
    return fresh;
  }

  private utf8(start: number, field: string): string {
    try {
      return utf8Decoder.decode(this.buf.subarray(start, this.pos));
    } catch {
      throw new MessageDecodeError(`${field}: invalid UTF-8`, start);
    }
  }

  /** Reads a length prefix, skips that many bytes and returns where they start. */
  private span(field: string): number {
    const length = this.uint(field);
    if (length > this.end - this.pos) this.fail(`${field}: length ${length} exceeds the message`);
    const start = this.pos;
    this.pos += length;
    return start;
  }
}

const crc32: (data: Uint8Array) => number = typeof zlib.crc32 === 'function' ? (data) => zlib.crc32(data) : portableCrc32;

let crcTable: Uint32Array | undefined;

/** For Node versions before zlib.crc32 (20.15): the classic table-driven CRC-32. */
function portableCrc32(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
