/**
 * HeartbeatRequest straight from its protobuf bytes. A full block report of 10,000 ids is the
 * biggest message the leader reads 200 times a second (1,000 DataServers every 5 s); the generic
 * decoder turns every uint64 into a Long and then a decimal string, which cost the leader more
 * than everything else about a heartbeat. This one reads the varints into a Float64Array.
 *
 * It follows the protobuf wire format as any decoder must: fields in any order, a repeated
 * scalar packed or not (or both), the last value of a repeated singular field wins, unknown fields
 * skipped. A uint64 beyond 2^53 cannot be a JS number exactly: it decodes as NaN, which the
 * handler refuses (as requireCount refuses it from the generic decoder). Malformed bytes throw,
 * and grpc-js answers the call as it does when its own decoder throws.
 */

/** A HeartbeatRequest (metaserver.proto) with its 64-bit fields as JS numbers (NaN beyond 2^53). */
export interface DecodedHeartbeat {
  readonly dataServer_id: string;
  readonly dataServer_addr: string;
  readonly block_count: number;
  readonly free_space: number;
  readonly total_capacity: number;
  readonly block_ids_report: Float64Array;
}

/** Bytes that are not a HeartbeatRequest. */
export class MalformedMessage extends Error {
  override readonly name = 'MalformedMessage';
}

const TWO_32 = 2 ** 32;
/** A varint's high 32 bits at or above this make the value exceed 2^53. */
const HIGH_LIMIT = 2 ** 21;

class WireReader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** A varint as a JS number, NaN when it exceeds 2^53 - 1 (all ten bytes are still consumed). */
  varint(): number {
    let low = 0;
    let high = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new MalformedMessage('truncated varint');
      const byte = this.buf[this.pos++]!;
      const bits = byte & 0x7f;
      if (shift < 28) low |= bits << shift;
      else if (shift === 28) {
        low |= (bits & 0x0f) << 28;
        high |= bits >> 4;
      } else high |= bits << (shift - 32);
      if ((byte & 0x80) === 0) {
        const lowUnsigned = low >>> 0;
        const highUnsigned = high >>> 0;
        return highUnsigned >= HIGH_LIMIT ? Number.NaN : highUnsigned * TWO_32 + lowUnsigned;
      }
      shift += 7;
    }
    throw new MalformedMessage('varint longer than 10 bytes');
  }

  /** A length prefix and the bytes it covers. */
  bytes(): Buffer {
    const length = this.varint();
    if (!Number.isSafeInteger(length) || this.pos + length > this.buf.length) throw new MalformedMessage('length beyond the message');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.advance(4);
    else throw new MalformedMessage(`unsupported wire type ${wireType}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.buf.length) throw new MalformedMessage('field beyond the message');
    this.pos += n;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new MalformedMessage('a string field is not valid UTF-8');
  }
}

/**
 * The varints of a packed field into `out` from index `n`; returns the new count. The hot loop of
 * the decoder (10,000 ids per heartbeat), on local variables: ids below 2^28 (four bytes) take the
 * short path; longer ones go through the general reader.
 */
function readPackedVarints(bytes: Buffer, out: Float64Array, n: number): number {
  let pos = 0;
  const end = bytes.length;
  let slow: WireReader | undefined;
  while (pos < end) {
    let b = bytes[pos]!;
    if (b < 0x80) {
      out[n++] = b;
      pos += 1;
      continue;
    }
    let value = b & 0x7f;
    if (pos + 1 < end && (b = bytes[pos + 1]!) < 0x80) {
      out[n++] = value | (b << 7);
      pos += 2;
      continue;
    }
    value |= (b & 0x7f) << 7;
    if (pos + 2 < end && (b = bytes[pos + 2]!) < 0x80) {
      out[n++] = value | (b << 14);
      pos += 3;
      continue;
    }
    value |= (b & 0x7f) << 14;
    if (pos + 3 < end && (b = bytes[pos + 3]!) < 0x80) {
      out[n++] = value | (b << 21);
      pos += 4;
      continue;
    }
    // Five bytes or more (or a truncated varint, which the general reader reports).
    slow ??= new WireReader(bytes);
    slow.pos = pos;
    out[n++] = slow.varint();
    pos = slow.pos;
  }
  return n;
}

/**
 * Where the ids are read before the report gets its own array of exactly their number: one 80 KB
 * allocation per heartbeat instead of a buffer grown by doubling and then trimmed (several times
 * that, 200 times a second; typed arrays live outside the JS heap and their churn drove the
 * leader's garbage collector). Decoding is synchronous, so one scratch array serves every call.
 */
let scratch = new Float64Array(16 * 1024);

export function decodeHeartbeatRequest(buf: Buffer): DecodedHeartbeat {
  const reader = new WireReader(buf);
  let id = '';
  let address = '';
  let blockCount = 0;
  let freeSpace = 0;
  let capacity = 0;
  let ids = scratch;
  let n = 0;
  const push = (value: number): void => {
    if (n === ids.length) {
      const bigger = new Float64Array(ids.length * 2);
      bigger.set(ids);
      ids = bigger;
    }
    ids[n++] = value;
  };
  while (!reader.done) {
    const key = reader.varint();
    if (!Number.isSafeInteger(key)) throw new MalformedMessage('bad field key');
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 1 && wireType === 2) id = text(reader.bytes());
    else if (field === 2 && wireType === 2) address = text(reader.bytes());
    else if (field === 3 && wireType === 0) blockCount = reader.varint();
    else if (field === 4 && wireType === 0) freeSpace = reader.varint();
    else if (field === 6 && wireType === 0) capacity = reader.varint();
    else if (field === 5 && wireType === 0) push(reader.varint());
    else if (field === 5 && wireType === 2) {
      const packed = reader.bytes();
      // Room for every id at once (each takes at least one byte), then the tight loop.
      if (n + packed.length > ids.length) {
        const bigger = new Float64Array(Math.max(ids.length * 2, n + packed.length));
        bigger.set(ids.subarray(0, n));
        ids = bigger;
      }
      n = readPackedVarints(packed, ids, n);
    } else reader.skip(wireType);
  }
  scratch = ids;
  return { dataServer_id: id, dataServer_addr: address, block_count: blockCount, free_space: freeSpace, total_capacity: capacity, block_ids_report: ids.slice(0, n) };
}
