/** The decoding side: reads fields from an encoded message, failing on anything out of place. */
import type { Suffrage } from '../configuration';
import type { LogType } from '../log';
import { MessageDecodeError } from './errors';
import { isLogType, SUFFRAGES, type StringLimits } from './primitives';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads fields from `buf[pos..end)`, throwing MessageDecodeError on anything out of place. */
export class Reader {
  pos = 0;
  /** A private copy of `buf` from `copyStart` on, once `copyRest` has made it. */
  private copy: Uint8Array | undefined;
  private copyStart = 0;

  /** `owned`: `buf` was handed over and nothing changes it, so byte fields may view it. */
  constructor(
    private readonly buf: Uint8Array,
    readonly end: number,
    private readonly owned = false,
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

  uint32(): number {
    if (this.end - this.pos < 4) this.fail('truncated');
    const buf = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
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

  suffrage(field: string): Suffrage {
    const b = this.byte();
    if (b >= SUFFRAGES.length) this.fail(`${field}: unknown suffrage ${b}`);
    return SUFFRAGES[b];
  }

  /** An element count, at most `max` and at most what the rest of the message can hold at `minBytes` an element. */
  count(field: string, max: number, minBytes: number): number {
    const count = this.uint(field);
    if (count > max) this.fail(`${field}: count ${count} exceeds the limit ${max}`);
    if (count > (this.end - this.pos) / minBytes) this.fail(`${field}: count ${count} exceeds the message`);
    return count;
  }

  string(field: string, limits?: StringLimits): string {
    const start = this.span(field, limits);
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
    if (this.owned) return;
    this.copy = new Uint8Array(this.end - this.pos);
    this.copy.set(this.buf.subarray(this.pos, this.end));
    this.copyStart = this.pos;
  }

  /** Bytes that alias nothing the caller holds: a view of the private copy, or a fresh copy (a view of an owned buffer). */
  bytes(field: string): Uint8Array {
    const start = this.span(field);
    // A plain Uint8Array view even when `buf` is a Buffer: decoded messages look the same either way.
    if (this.owned) return new Uint8Array(this.buf.buffer, this.buf.byteOffset + start, this.pos - start);
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

  /** Reads a length prefix (within `limits`), skips that many bytes and returns where they start. */
  private span(field: string, limits?: StringLimits): number {
    const length = this.uint(field);
    if (limits !== undefined && (length < limits.minBytes || length > limits.maxBytes))
      this.fail(`${field}: length ${length} is outside ${limits.minBytes}..${limits.maxBytes}`);
    if (length > this.end - this.pos) this.fail(`${field}: length ${length} exceeds the message`);
    const start = this.pos;
    this.pos += length;
    return start;
  }
}
