/**
 * Our HeartbeatRequest decoder against protobufjs (the decoder grpc-js uses underneath) on random
 * messages: the same fields whatever the order, packing or repetition; unknown fields skipped; a
 * uint64 beyond 2^53 is NaN (the handler refuses it); truncated bytes throw. Seeds print on failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import * as protobuf from 'protobufjs';
import { decodeHeartbeatRequest, MalformedMessage } from '../../src/server/heartbeat-decoder';
import { PROTO_DIR } from '../../src/wire/proto';

const root = new protobuf.Root();
root.loadSync(path.join(PROTO_DIR, 'metaserver.proto'), { keepCase: true });
const HeartbeatRequest = root.lookupType('dfs_project.HeartbeatRequest');

/** Values of every varint length from 1 to 10 bytes (the decoder has a short path for 1-4). */
const varintOfBytes = fc.integer({ min: 1, max: 10 }).chain((bytes) => {
  const max = bytes === 10 ? (1n << 64n) - 1n : (1n << BigInt(7 * bytes)) - 1n;
  const min = bytes === 1 ? 0n : 1n << BigInt(7 * (bytes - 1));
  return fc.bigInt({ min, max }).map((v) => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v));
});
const uint64 = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat(), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), varintOfBytes);
/** protobufjs's fromObject takes a uint64 as a number or as a decimal string. */
const asLong = (v: number | bigint): number | string => (typeof v === 'number' ? v : v.toString());
const expected = (v: number | bigint): number => (typeof v === 'number' ? v : v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : Number.NaN);

test('decodes what protobufjs encodes: every field, any values', () => {
  fc.assert(
    fc.property(
      fc.record({ id: fc.string(), addr: fc.string(), count: uint64, free: uint64, capacity: uint64, blocks: fc.array(uint64, { maxLength: 300 }) }),
      (m) => {
        const bytes = Buffer.from(
          HeartbeatRequest.encode(
            HeartbeatRequest.fromObject({
              dataServer_id: m.id,
              dataServer_addr: m.addr,
              block_count: asLong(m.count),
              free_space: asLong(m.free),
              total_capacity: asLong(m.capacity),
              block_ids_report: m.blocks.map(asLong),
            }),
          ).finish(),
        );
        const decoded = decodeHeartbeatRequest(bytes);
        assert.equal(decoded.dataServer_id, m.id);
        assert.equal(decoded.dataServer_addr, m.addr);
        assert.deepEqual([decoded.block_count, decoded.free_space, decoded.total_capacity], [m.count, m.free, m.capacity].map(expected));
        assert.deepEqual([...decoded.block_ids_report], m.blocks.map(expected));
      },
    ),
    { numRuns: 300 },
  );
});

/** A varint's bytes. */
function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

test('unpacked and packed block ids mix; unknown fields of every wire type are skipped; the last singular value wins', () => {
  const bytes = Buffer.from([
    ...varint((5n << 3n) | 0n), ...varint(7n), // block 7, unpacked
    ...varint((99n << 3n) | 1n), 1, 2, 3, 4, 5, 6, 7, 8, // unknown fixed64
    ...varint((5n << 3n) | 2n), 3, ...varint(8n), ...varint(300n), // packed: 8, 300
    ...varint((98n << 3n) | 5n), 1, 2, 3, 4, // unknown fixed32
    ...varint((97n << 3n) | 2n), 2, 0xff, 0xff, // unknown bytes
    ...varint((3n << 3n) | 0n), ...varint(1n),
    ...varint((3n << 3n) | 0n), ...varint(2n), // block_count twice: the last wins
    ...varint((1n << 3n) | 2n), 2, 0x61, 0x62,
  ]);
  const decoded = decodeHeartbeatRequest(bytes);
  assert.deepEqual([...decoded.block_ids_report], [7, 8, 300]);
  assert.equal(decoded.block_count, 2);
  assert.equal(decoded.dataServer_id, 'ab');
  const reference = HeartbeatRequest.toObject(HeartbeatRequest.decode(bytes), { longs: Number });
  assert.deepEqual(reference['block_ids_report'], [7, 8, 300]);
});

test('truncated or malformed bytes throw MalformedMessage, never a wrong message', () => {
  const whole = Buffer.from(HeartbeatRequest.encode(HeartbeatRequest.fromObject({ dataServer_id: 'ds-1', dataServer_addr: 'h:1', block_ids_report: [1, 2, 3] })).finish());
  for (let cut = 1; cut < whole.length; cut++) {
    let outcome: string;
    try {
      decodeHeartbeatRequest(whole.subarray(0, cut));
      outcome = 'decoded';
    } catch (error: unknown) {
      outcome = error instanceof MalformedMessage ? 'malformed' : `other: ${String(error)}`;
    }
    // A cut at a field boundary is a shorter valid message; anywhere else it must be refused.
    assert.ok(outcome === 'malformed' || outcome === 'decoded', `cut at ${cut}: ${outcome}`);
  }
  assert.throws(() => decodeHeartbeatRequest(Buffer.from([0x0a, 0x02, 0xff, 0xfe])), MalformedMessage, 'invalid UTF-8');
  assert.throws(() => decodeHeartbeatRequest(Buffer.from([0x0b])), MalformedMessage, 'a group (wire type 3)');
  assert.throws(() => decodeHeartbeatRequest(Buffer.from([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), MalformedMessage, '11-byte varint');
});
