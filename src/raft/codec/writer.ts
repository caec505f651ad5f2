/**
 * The encoding side: a message's layout is written to a Sink twice, first to a Sizer (which
 * measures and validates every field) and then to a Writer (into a buffer of exactly that size).
 */
import type { Suffrage } from '../configuration';
import type { LogType } from '../log';
import { crc32 } from './crc32';
import { isLogType, isSuffrage, SUFFRAGE_CODES, utf8Length, varintSize, type StringLimits } from './primitives';

/** Where encoded fields go. Only the Sizer validates; the Writer trusts what the Sizer passed. */
export interface Sink {
  byte(value: number): void;
  /** LEB128 varint, minimal length, a non-negative safe integer. */
  uint(value: number, field: string): void;
  /** Four bytes, little-endian. */
  uint32(value: number, field: string): void;
  bool(value: boolean, field: string): void;
  /** Varint UTF-8 byte length, then the bytes; `limits` bound that length. */
  string(value: string, field: string, limits?: StringLimits): void;
  /** Varint length, then the bytes. */
  bytes(value: Uint8Array, field: string): void;
  logType(value: LogType, field: string): void;
  suffrage(value: Suffrage, field: string): void;
  /** Varint element count of `list`, at most `max`. */
  count(list: readonly unknown[], field: string, max?: number): void;
}

export class Sizer implements Sink {
  size = 0;
  /** Of `size`, the bytes of byte fields at least `externalFrom` long (see Writer). */
  external = 0;

  constructor(private readonly externalFrom = Infinity) {}

  byte(): void {
    this.size += 1;
  }

  uint(value: number, field: string): void {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`encodeMessage: ${field} must be a non-negative safe integer, got ${String(value)}`);
    this.size += varintSize(value);
  }

  uint32(value: number, field: string): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
      throw new RangeError(`encodeMessage: ${field} must be a uint32, got ${String(value)}`);
    this.size += 4;
  }

  bool(value: boolean, field: string): void {
    if (typeof value !== 'boolean') throw new TypeError(`encodeMessage: ${field} must be a boolean, got ${typeof value}`);
    this.size += 1;
  }

  string(value: string, field: string, limits?: StringLimits): void {
    if (typeof value !== 'string') throw new TypeError(`encodeMessage: ${field} must be a string, got ${typeof value}`);
    const length = utf8Length(value);
    if (length < 0) throw new TypeError(`encodeMessage: ${field} is not well-formed Unicode (lone surrogate)`);
    if (limits !== undefined && (length < limits.minBytes || length > limits.maxBytes))
      throw new RangeError(`encodeMessage: ${field} must take ${limits.minBytes} to ${limits.maxBytes} bytes of UTF-8, got ${length}`);
    this.size += varintSize(length) + length;
  }

  bytes(value: Uint8Array, field: string): void {
    if (!(value instanceof Uint8Array)) throw new TypeError(`encodeMessage: ${field} must be a Uint8Array`);
    this.size += varintSize(value.byteLength) + value.byteLength;
    if (value.byteLength >= this.externalFrom) this.external += value.byteLength;
  }

  logType(value: LogType, field: string): void {
    if (!isLogType(value)) throw new RangeError(`encodeMessage: ${field} is not a LogType: ${String(value)}`);
    this.size += 1;
  }

  suffrage(value: Suffrage, field: string): void {
    if (!isSuffrage(value)) throw new RangeError(`encodeMessage: ${field} is not a suffrage: ${String(value)}`);
    this.size += 1;
  }

  count(list: readonly unknown[], field: string, max = Number.MAX_SAFE_INTEGER): void {
    if (!Array.isArray(list)) throw new TypeError(`encodeMessage: ${field} must be an array`);
    if (list.length > max) throw new RangeError(`encodeMessage: ${field} has ${list.length} elements, more than ${max}`);
    this.size += varintSize(list.length);
  }
}

const utf8Encoder = new TextEncoder();

/**
 * Writes into a buffer of exactly the size the Sizer measured; values were validated there.
 * Byte fields at least `externalFrom` long are not copied into the buffer: they stay where they
 * are and `parts()` hands them on between the buffer's pieces. A snapshot chunk is then sent
 * without being copied, which saved the leader a megabyte of garbage per chunk.
 */
export class Writer implements Sink {
  readonly out: Uint8Array;
  private pos = 0;
  /** Byte fields left out of `out`, each with the position in `out` it follows. */
  private readonly externals: { at: number; value: Uint8Array }[] = [];

  /** `size`: the Sizer's size less its `external` bytes. */
  constructor(
    size: number,
    private readonly externalFrom = Infinity,
  ) {
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

  uint32(value: number): void {
    const out = this.out;
    out[this.pos++] = value & 0xff;
    out[this.pos++] = (value >>> 8) & 0xff;
    out[this.pos++] = (value >>> 16) & 0xff;
    out[this.pos++] = value >>> 24;
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
    if (value.byteLength >= this.externalFrom) {
      this.externals.push({ at: this.pos, value });
      return;
    }
    this.out.set(value, this.pos);
    this.pos += value.byteLength;
  }

  logType(value: LogType): void {
    this.out[this.pos++] = value;
  }

  suffrage(value: Suffrage): void {
    this.out[this.pos++] = SUFFRAGE_CODES[value];
  }

  count(list: readonly unknown[]): void {
    this.uint(list.length);
  }

  /** Appends the CRC-32 of everything written so far (the external fields in their places), little-endian. */
  checksum(): void {
    let crc = 0;
    for (const part of this.parts()) crc = crc32(part, crc);
    this.uint32(crc);
  }

  /** The encoding so far as consecutive pieces: views of `out` and the external fields, in order. */
  parts(): Uint8Array[] {
    // The common case (every message but a large snapshot chunk): the buffer itself, no view.
    if (this.externals.length === 0 && this.pos === this.out.byteLength) return [this.out];
    const parts: Uint8Array[] = [];
    let from = 0;
    for (const { at, value } of this.externals) {
      if (at > from) parts.push(this.out.subarray(from, at));
      parts.push(value);
      from = at;
    }
    if (this.pos > from) parts.push(this.out.subarray(from, this.pos));
    return parts;
  }
}
