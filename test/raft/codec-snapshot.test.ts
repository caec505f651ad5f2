/** The codec's InstallSnapshot and InstallSnapshotResponse: layout, every field, limits, malformed input, speed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, encodeMessageParts, MAX_CONFIGURATION_SERVERS, MAX_SNAPSHOT_ID_BYTES, MessageDecodeError } from '../../src/raft/codec';
import type { Server } from '../../src/raft/configuration';
import type { InstallSnapshot, InstallSnapshotResponse, RaftMessage } from '../../src/raft/messages';
import {
  assertMutationsDecodeOrReject,
  assertWellFormed,
  fcOptions,
  installSnapshot,
  installSnapshotResponse,
  message,
  mutation,
} from './codec-fixtures';
import { portableCrc32 } from '../../src/raft/codec/crc32';

const MiB = 1 << 20;

// An independent spelling of the wire format (src/raft/codec/layout.ts), to build inputs byte by byte.
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return out;
}
const str = (s: string): number[] => [...varint(utf8(s).length), ...utf8(s)];
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
function sealed(body: number[]): Uint8Array {
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, zlib.crc32(out.subarray(0, body.length)), true);
  return out;
}

const servers: Server[] = [
  { id: 'n1', address: '10.0.0.1:7000', suffrage: 'voter' },
  { id: 'ü-2', address: 'host-2.example:7000', suffrage: 'nonvoter' },
];
const chunk: InstallSnapshot = {
  type: 'InstallSnapshot',
  from: 'n1',
  to: 'ü-2',
  term: 300,
  snapshotId: '300-9000-abc',
  lastIndex: 9000,
  lastTerm: 299,
  configuration: { servers },
  configurationIndex: 8500,
  offset: 4096,
  data: Uint8Array.of(1, 2, 3),
  size: 70000,
  crc32: 0x89abcdef,
  done: true,
  seq: 41,
};
const response: InstallSnapshotResponse = {
  type: 'InstallSnapshotResponse',
  from: 'ü-2',
  to: 'n1',
  term: 300,
  snapshotId: '300-9000-abc',
  nextOffset: 4099,
  installed: true,
  lastIndex: 9000,
  seq: 41,
};

const randomBytes = (n: number): Uint8Array => randomFillSync(new Uint8Array(n));
const manyServers = (n: number): Server[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    address: `10.0.${i >> 8}.${i & 0xff}:7000`,
    suffrage: i % 3 ? 'nonvoter' : 'voter',
  }));

test('the layout is the documented one', () => {
  assert.deepEqual(
    encodeMessage(chunk),
    sealed([
      ...[1, 6, ...str('n1'), ...str('ü-2'), ...varint(300)],
      ...str('300-9000-abc'),
      ...varint(9000),
      ...varint(299),
      ...[2, ...str('n1'), ...str('10.0.0.1:7000'), 0, ...str('ü-2'), ...str('host-2.example:7000'), 1],
      ...varint(8500),
      ...varint(4096),
      ...varint(70000),
      ...[0xef, 0xcd, 0xab, 0x89],
      1,
      41,
      ...[3, 1, 2, 3],
    ]),
  );
  assert.deepEqual(
    encodeMessage(response),
    sealed([1, 7, ...str('ü-2'), ...str('n1'), ...varint(300), ...str('300-9000-abc'), ...varint(4099), 1, ...varint(9000), 41]),
  );
});

/** Values for every field, edges included; each must round-trip and change the encoding. */
const edgeUints = [0, 1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
const common = { from: ['', 'x', 'ü→🚀'], to: ['', 'y', '𝄞'], term: edgeUints };
const snapshotIds = [
  'x',
  '🚀',
  'x'.repeat(MAX_SNAPSHOT_ID_BYTES),
  'é'.repeat(MAX_SNAPSHOT_ID_BYTES / 2),
  '🚀'.repeat(MAX_SNAPSHOT_ID_BYTES / 4),
];
const chunkVariations: Record<Exclude<keyof InstallSnapshot, 'type'>, unknown[]> = {
  ...common,
  snapshotId: snapshotIds,
  lastIndex: edgeUints,
  lastTerm: edgeUints,
  configuration: [
    { servers: [] },
    { servers: [servers[0]] },
    { servers: [servers[1]] },
    { servers: [...servers].reverse() },
    { servers: [{ id: '🚀', address: 'x'.repeat(1000), suffrage: 'voter' }] },
    { servers: manyServers(MAX_CONFIGURATION_SERVERS) },
  ],
  configurationIndex: edgeUints,
  offset: edgeUints,
  data: [new Uint8Array(0), Uint8Array.of(0), new Uint8Array(300).fill(0xff), randomBytes(MiB)],
  size: edgeUints,
  crc32: [0, 1, 0x7fffffff, 0x80000000, 0xffffffff],
  done: [false],
  seq: edgeUints,
};
const responseVariations: Record<Exclude<keyof InstallSnapshotResponse, 'type'>, unknown[]> = {
  ...common,
  snapshotId: snapshotIds,
  nextOffset: edgeUints,
  installed: [false],
  lastIndex: edgeUints,
  seq: edgeUints,
};

for (const [base, variations] of [
  [chunk, chunkVariations],
  [response, responseVariations],
] as const) {
  test(`every field of ${base.type} round-trips, edge values included`, () => {
    const baseBytes = encodeMessage(base);
    assert.deepEqual(decodeMessage(baseBytes), base);
    assert.deepEqual(
      Object.keys(variations).sort(),
      Object.keys(base)
        .filter((k) => k !== 'type')
        .sort(),
      'every field is varied',
    );
    for (const [field, values] of Object.entries(variations)) {
      for (const value of values) {
        const m = { ...base, [field]: value } as RaftMessage;
        const bytes = encodeMessage(m);
        const decoded = decodeMessage(bytes);
        assert.deepEqual(decoded, m, field);
        assertWellFormed(decoded);
        assert.deepEqual(encodeMessage(decoded), bytes, `${field}: canonical`);
        assert.notDeepEqual(bytes, baseBytes, `${field} is carried`);
      }
    }
  });
}

test('empty and 1 MiB chunks round-trip; the decoded data is one copy aliasing nothing the caller holds', () => {
  const empty: InstallSnapshot = { ...chunk, offset: 0, data: new Uint8Array(0), size: 0, crc32: 0, done: true };
  assert.deepEqual(decodeMessage(encodeMessage(empty)), empty);

  const big: InstallSnapshot = { ...chunk, data: randomBytes(MiB) };
  const bytes = encodeMessage(big);
  assert.equal(bytes.buffer.byteLength, bytes.byteLength, 'the encoding is allocated at its exact size');
  const pooled = Buffer.from(bytes);
  const decoded = decodeMessage(pooled);
  assert.ok(decoded.type === 'InstallSnapshot');
  assert.equal(decoded.data.byteLength, MiB);
  assert.ok(decoded.data.byteOffset === 0 && decoded.data.buffer.byteLength === MiB, 'data has a backing store of its own');
  pooled.fill(0);
  assert.deepEqual(decoded, big);

  // A view into a larger buffer encodes just the view.
  const backing = randomBytes(100);
  const view: InstallSnapshot = { ...chunk, data: backing.subarray(10, 20) };
  assert.deepEqual(decodeMessage(encodeMessage(view)), { ...view, data: backing.slice(10, 20) });
});

test('encodeMessageParts: the pieces join to encodeMessage; data at or over the threshold is the caller\'s own bytes', () => {
  const big: InstallSnapshot = { ...chunk, data: randomBytes(MiB) };
  const parts = encodeMessageParts(big, 64 * 1024);
  assert.equal(parts.length, 3, 'the fields before the data, the data, the checksum');
  assert.equal(parts[1], big.data, 'the data is not copied');
  assert.deepEqual(Buffer.concat(parts), Buffer.from(encodeMessage(big)));

  const small: InstallSnapshot = { ...chunk, data: randomBytes(64 * 1024 - 1) };
  const whole = encodeMessageParts(small, 64 * 1024);
  assert.equal(whole.length, 1, 'below the threshold the data is copied into the one buffer');
  assert.deepEqual(Buffer.from(whole[0]!), Buffer.from(encodeMessage(small)));

  // Any message, any threshold (0: every byte field a piece of its own, empty ones included).
  fc.assert(
    fc.property(message, fc.nat(300), (m, threshold) => {
      assert.deepEqual(Buffer.concat(encodeMessageParts(m, threshold)), Buffer.from(encodeMessage(m)));
    }),
    fcOptions,
  );
});

test('decodeMessage with owned: byte fields view the handed-over bytes, and the message is otherwise the same', () => {
  const big: InstallSnapshot = { ...chunk, data: randomBytes(MiB) };
  const bytes = Buffer.from(encodeMessage(big));
  const viewed = decodeMessage(bytes, { owned: true });
  assert.deepEqual(viewed, decodeMessage(bytes));
  assert.ok(viewed.type === 'InstallSnapshot');
  assert.equal(viewed.data.buffer, bytes.buffer, 'no copy');
  assert.equal(Object.getPrototypeOf(viewed.data), Uint8Array.prototype, 'a plain Uint8Array even from a Buffer');
  // Any message decodes the same either way.
  fc.assert(
    fc.property(message, (m) => {
      const encoded = encodeMessage(m);
      assert.deepEqual(decodeMessage(Buffer.from(encoded), { owned: true }), decodeMessage(encoded));
    }),
    fcOptions,
  );
});

test('the CRC-32 of pieces chained through `previous` is the CRC-32 of the whole, native and portable alike', () => {
  const data = randomBytes(10_000);
  for (const cut of [0, 1, 4096, 9_999, 10_000]) {
    const chained = portableCrc32(data.subarray(cut), portableCrc32(data.subarray(0, cut)));
    assert.equal(chained, zlib.crc32(data), `cut at ${cut}`);
  }
  assert.equal(portableCrc32(new Uint8Array(0), 0x12345678), 0x12345678, 'nothing more leaves it as it was');
});

test('arbitrary snapshot messages round-trip canonically; damaged ones decode to a valid message or throw', () => {
  fc.assert(
    fc.property(fc.oneof(installSnapshot, installSnapshotResponse), mutation, (m, damage) => {
      const bytes = encodeMessage(m);
      const decoded = decodeMessage(bytes);
      assert.deepEqual(decoded, m);
      assertWellFormed(decoded);
      assert.deepEqual(encodeMessage(decoded), bytes);
      assertMutationsDecodeOrReject(bytes, damage);
    }),
    fcOptions,
  );
});

/** A chunk from n1 to n2 built byte by byte, with parts replaced by raw bytes. */
function chunkBytes(parts: { snapshotId?: number[]; configuration?: number[]; tail?: number[] } = {}): Uint8Array {
  return sealed([
    ...[1, 6, ...str('n1'), ...str('n2'), 5],
    ...(parts.snapshotId ?? str('snap')),
    ...[9, 4],
    ...(parts.configuration ?? [1, ...str('n1'), ...str('h:1'), 0]),
    ...(parts.tail ?? [8, 0, 100, ...u32(7), 1, 3, 2, 0xaa, 0xbb]),
  ]);
}
const responseBytes = (snapshotId: number[], rest: number[]): Uint8Array =>
  sealed([1, 7, ...str('n2'), ...str('n1'), 5, ...snapshotId, ...rest]);

test('malformed snapshot messages are rejected with MessageDecodeError', () => {
  assert.deepEqual(decodeMessage(chunkBytes()), {
    type: 'InstallSnapshot',
    from: 'n1',
    to: 'n2',
    term: 5,
    snapshotId: 'snap',
    lastIndex: 9,
    lastTerm: 4,
    configuration: { servers: [{ id: 'n1', address: 'h:1', suffrage: 'voter' }] },
    configurationIndex: 8,
    offset: 0,
    size: 100,
    crc32: 7,
    done: true,
    seq: 3,
    data: Uint8Array.of(0xaa, 0xbb),
  });
  assert.equal(decodeMessage(responseBytes(str('snap'), [7, 0, 9, 3])).type, 'InstallSnapshotResponse');
  const server = (id: number[], address: number[], suffrage: number): number[] => [...id, ...address, suffrage];
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty snapshot id', chunkBytes({ snapshotId: str('') }), /snapshotId: length 0 is outside 1\.\.256/],
    ['snapshot id of 257 bytes', chunkBytes({ snapshotId: str('x'.repeat(257)) }), /snapshotId: length 257 is outside/],
    ['snapshot id of 129 two-byte characters', chunkBytes({ snapshotId: str('é'.repeat(129)) }), /snapshotId: length 258 is outside/],
    ['snapshot id past the end', chunkBytes({ snapshotId: [100, 0x61] }), /snapshotId: length 100 exceeds the message/],
    ['snapshot id not UTF-8', chunkBytes({ snapshotId: [2, 0xc3, 0x28] }), /snapshotId: invalid UTF-8/],
    ['snapshot id a lone surrogate', chunkBytes({ snapshotId: [3, 0xed, 0xa0, 0x80] }), /snapshotId: invalid UTF-8/],
    [
      'server count beyond the limit',
      chunkBytes({ configuration: varint(1025) }),
      /configuration.servers: count 1025 exceeds the limit 1024/,
    ],
    ['server count beyond the message', chunkBytes({ configuration: [60, ...server(str('n1'), str('h:1'), 0)] }), /exceeds the message/],
    ['server count non-minimal', chunkBytes({ configuration: [0x80, 0x00] }), /non-minimal/],
    ['empty server id', chunkBytes({ configuration: [1, ...server(str(''), str('h:1'), 0)] }), /server.id: length 0/],
    ['empty server address', chunkBytes({ configuration: [1, ...server(str('n1'), str(''), 0)] }), /server.address: length 0/],
    ['server id not UTF-8', chunkBytes({ configuration: [1, ...server([1, 0xff], str('h:1'), 0)] }), /server.id: invalid UTF-8/],
    ['suffrage', chunkBytes({ configuration: [1, ...server(str('n1'), str('h:1'), 2)] }), /server.suffrage: unknown suffrage 2/],
    ['done', chunkBytes({ tail: [8, 0, 100, ...u32(7), 2, 3, 0] }), /done: boolean byte 2/],
    ['crc32 cut short', chunkBytes({ tail: [8, 0, 100, 7, 0] }), /truncated/],
    [
      'size beyond 2^53',
      chunkBytes({ tail: [8, 0, ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], ...u32(7), 1, 3, 0] }),
      /safe integer/,
    ],
    ['data past the end', chunkBytes({ tail: [8, 0, 100, ...u32(7), 1, 3, 3, 0xaa, 0xbb] }), /data: length 3 exceeds the message/],
    ['data missing', chunkBytes({ tail: [8, 0, 100, ...u32(7), 1, 3] }), /truncated/],
    ['bytes after the data', chunkBytes({ tail: [8, 0, 100, ...u32(7), 1, 3, 1, 0xaa, 0xbb] }), /1 trailing bytes/],
    ['response: empty snapshot id', responseBytes(str(''), [7, 0, 9, 3]), /snapshotId: length 0/],
    ['response: long snapshot id', responseBytes(str('y'.repeat(300)), [7, 0, 9, 3]), /snapshotId: length 300/],
    ['response: installed', responseBytes(str('snap'), [7, 5, 9, 3]), /installed: boolean byte 5/],
    ['response: truncated', responseBytes(str('snap'), [7, 0, 9]), /truncated/],
    ['response: trailing', responseBytes(str('snap'), [7, 0, 9, 3, 0]), /trailing/],
  ];
  for (const [name, bytes, pattern] of cases) {
    assert.throws(
      () => decodeMessage(bytes),
      (error: unknown) => error instanceof MessageDecodeError && pattern.test(error.message),
      name,
    );
  }
  // A configuration of exactly the limit decodes.
  const full = [...varint(1024), ...manyServers(1024).flatMap((s) => server(str(s.id), str(s.address), s.suffrage === 'voter' ? 0 : 1))];
  const decoded = decodeMessage(chunkBytes({ configuration: full }));
  assert.ok(decoded.type === 'InstallSnapshot' && decoded.configuration.servers.length === 1024);
});

test('encodeMessage refuses malformed snapshot messages', () => {
  const bad: [string, unknown, ErrorConstructor][] = [
    ['empty snapshot id', { ...chunk, snapshotId: '' }, RangeError],
    ['snapshot id of 257 bytes', { ...chunk, snapshotId: 'x'.repeat(257) }, RangeError],
    ['snapshot id of 258 bytes in 129 characters', { ...chunk, snapshotId: 'é'.repeat(129) }, RangeError],
    ['snapshot id not a string', { ...chunk, snapshotId: 7 }, TypeError],
    ['snapshot id with a lone surrogate', { ...chunk, snapshotId: '\udc00' }, TypeError],
    ['lastIndex negative', { ...chunk, lastIndex: -1 }, RangeError],
    ['lastTerm fractional', { ...chunk, lastTerm: 0.5 }, RangeError],
    ['configurationIndex unsafe', { ...chunk, configurationIndex: 2 ** 53 }, RangeError],
    ['offset missing', { ...chunk, offset: undefined }, RangeError],
    ['size as bigint', { ...chunk, size: 1n }, RangeError],
    ['crc32 negative', { ...chunk, crc32: -1 }, RangeError],
    ['crc32 beyond 32 bits', { ...chunk, crc32: 2 ** 32 }, RangeError],
    ['crc32 fractional', { ...chunk, crc32: 1.5 }, RangeError],
    ['crc32 NaN', { ...chunk, crc32: NaN }, RangeError],
    ['done', { ...chunk, done: 1 }, TypeError],
    ['seq', { ...chunk, seq: '3' }, RangeError],
    ['data as array', { ...chunk, data: [1, 2] }, TypeError],
    ['data as ArrayBuffer', { ...chunk, data: new ArrayBuffer(2) }, TypeError],
    ['configuration null', { ...chunk, configuration: null }, TypeError],
    ['servers not an array', { ...chunk, configuration: { servers: {} } }, TypeError],
    ['too many servers', { ...chunk, configuration: { servers: manyServers(1025) } }, RangeError],
    ['server null', { ...chunk, configuration: { servers: [null] } }, TypeError],
    ['empty server id', { ...chunk, configuration: { servers: [{ ...servers[0], id: '' }] } }, RangeError],
    ['empty server address', { ...chunk, configuration: { servers: [{ ...servers[0], address: '' }] } }, RangeError],
    ['server address not a string', { ...chunk, configuration: { servers: [{ ...servers[0], address: 7000 }] } }, TypeError],
    ['suffrage', { ...chunk, configuration: { servers: [{ ...servers[0], suffrage: 'observer' }] } }, RangeError],
    ['response: empty snapshot id', { ...response, snapshotId: '' }, RangeError],
    ['response: nextOffset', { ...response, nextOffset: -4 }, RangeError],
    ['response: installed', { ...response, installed: 'yes' }, TypeError],
    ['response: lastIndex', { ...response, lastIndex: Infinity }, RangeError],
  ];
  for (const [name, m, kind] of bad) {
    assert.throws(() => encodeMessage(m as RaftMessage), kind, name);
  }
});

test('a 1 MiB chunk encodes and decodes in well under a few milliseconds', () => {
  const big: InstallSnapshot = { ...chunk, data: randomBytes(MiB) };
  const rounds = 50;
  const encodeTimes: number[] = [];
  const decodeTimes: number[] = [];
  for (let i = 0; i < rounds + 10; i++) {
    const t0 = performance.now();
    const bytes = encodeMessage(big);
    const t1 = performance.now();
    const decoded = decodeMessage(bytes);
    const t2 = performance.now();
    assert.equal(decoded.type, 'InstallSnapshot');
    if (i < 10) continue; // warm-up
    encodeTimes.push(t1 - t0);
    decodeTimes.push(t2 - t1);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const encodeMs = median(encodeTimes);
  const decodeMs = median(decodeTimes);
  console.log(`1 MiB InstallSnapshot: encode ${encodeMs.toFixed(3)} ms, decode ${decodeMs.toFixed(3)} ms (median of ${rounds})`);
  // A memcpy and a CRC each way take well under a millisecond; the bound only catches gross regressions.
  assert.ok(encodeMs < 25 && decodeMs < 25, `encode ${encodeMs} ms, decode ${decodeMs} ms`);
});
