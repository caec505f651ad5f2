import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, MessageDecodeError } from '../../src/raft/codec';
import { LogType } from '../../src/raft/log';
import type { RaftMessage } from '../../src/raft/messages';
import {
  assertDecodesOrRejects,
  assertMutationsDecodeOrReject,
  assertWellFormed,
  fcOptions,
  message,
  mutation,
  reseal,
} from './codec-fixtures';

const examples: RaftMessage[] = [
  {
    type: 'AppendEntries',
    from: 'node-1',
    to: 'node-2',
    term: 7,
    prevLogIndex: 99,
    prevLogTerm: 6,
    entries: [
      { index: 100, term: 7, type: LogType.Noop, data: new Uint8Array() },
      { index: 101, term: 7, type: LogType.Command, data: new Uint8Array([1, 2, 3, 255]) },
      { index: 102, term: 7, type: LogType.Configuration, data: new TextEncoder().encode('{"servers":[]}') },
      { index: 103, term: 7, type: LogType.Barrier, data: new Uint8Array(300).fill(9) },
    ],
    leaderCommit: 98,
    seq: Number.MAX_SAFE_INTEGER,
  },
  { type: 'AppendEntries', from: '', to: 'ü→🚀', term: 0, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0, seq: 0 },
  {
    type: 'AppendEntriesResponse',
    from: 'b',
    to: 'a',
    term: 2 ** 40,
    success: false,
    seq: 3,
    matchIndex: 4,
    lastLogIndex: 5,
    conflictTerm: 6,
    conflictIndex: 7,
  },
  { type: 'RequestVote', from: 'c', to: 'a', term: 9, lastLogIndex: 12, lastLogTerm: 8, preVote: true, leadershipTransfer: true },
  { type: 'RequestVoteResponse', from: 'a', to: 'c', term: 9, granted: true, preVote: false },
  { type: 'TimeoutNow', from: 'a', to: 'b', term: 10 },
  {
    type: 'InstallSnapshot',
    from: 'a',
    to: 'b',
    term: 11,
    snapshotId: '11-4096-1f2e',
    lastIndex: 4096,
    lastTerm: 10,
    configuration: {
      servers: [
        { id: 'a', address: '10.0.0.1:7000', suffrage: 'voter' },
        { id: 'b', address: '10.0.0.2:7000', suffrage: 'nonvoter' },
      ],
    },
    configurationIndex: 4000,
    offset: 65536,
    data: new Uint8Array([0, 1, 2, 254, 255]),
    size: 1 << 20,
    crc32: 0xdeadbeef,
    done: false,
    seq: 12,
  },
  {
    type: 'InstallSnapshotResponse',
    from: 'b',
    to: 'a',
    term: 11,
    snapshotId: '11-4096-1f2e',
    nextOffset: 65541,
    installed: false,
    lastIndex: 0,
    seq: 12,
  },
];

test('every message type round-trips', () => {
  assert.equal(new Set(examples.map((m) => m.type)).size, 7, 'the examples cover every message type');
  for (const m of examples) {
    const decoded = decodeMessage(encodeMessage(m));
    assert.deepEqual(decoded, m);
    assertWellFormed(decoded);
  }
});

test('arbitrary messages round-trip, canonically', () => {
  fc.assert(
    fc.property(message, (m) => {
      const bytes = encodeMessage(m);
      const decoded = decodeMessage(bytes);
      assert.deepEqual(decoded, m);
      assert.deepEqual(encodeMessage(decoded), bytes);
    }),
    fcOptions,
  );
});

test('decoded entries alias nothing the caller holds, even when decoding from a pooled Buffer', () => {
  const m = examples[0];
  const pooled = Buffer.from(encodeMessage(m)); // may be a view into Node's shared pool
  const decoded = decodeMessage(pooled);
  pooled.fill(0);
  assert.deepEqual(decoded, m);
  assert.ok(decoded.type === 'AppendEntries' && decoded.entries[1].data.buffer !== pooled.buffer);
});

test('random byte strings decode to a valid message or throw MessageDecodeError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      assertDecodesOrRejects(bytes);
      assertDecodesOrRejects(reseal(bytes));
    }),
    fcOptions,
  );
});

test('mutated encodings decode to a valid message or throw MessageDecodeError', () => {
  fc.assert(
    fc.property(message, mutation, (m, damage) => assertMutationsDecodeOrReject(encodeMessage(m), damage)),
    fcOptions,
  );
});

test('damage caught by the checksum is reported as such', () => {
  const bytes = encodeMessage(examples[3]);
  bytes[5] ^= 0x40;
  assert.throws(() => decodeMessage(bytes), { name: 'MessageDecodeError', message: 'checksum mismatch' });
});

test('each kind of malformed field is rejected with MessageDecodeError', () => {
  const vote = encodeMessage(examples[3]); // 1, 3, "c", "a", 9, 12, 8, 1, 1, crc
  const withBody = (...body: number[]): Uint8Array => reseal(new Uint8Array([...body, 0, 0, 0, 0]));
  const cases: [string, Uint8Array, RegExp][] = [
    ['format version', withBody(2, ...vote.subarray(1, vote.length - 4)), /format version/],
    ['type tag', withBody(1, 8, 0, 0, 0), /type tag/],
    ['type tag 0', withBody(1, 0, 0, 0, 0), /type tag/],
    ['boolean', withBody(...vote.subarray(0, vote.length - 5), 2), /boolean/],
    ['log type', withBody(1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 4, 0), /LogType/],
    ['non-minimal varint', withBody(1, 5, 0, 0, 0x80, 0x00), /non-minimal/],
    ['varint beyond 2^53', withBody(1, 5, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10), /safe integer/],
    ['varint too long', withBody(1, 5, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), /too long/],
    ['trailing bytes', withBody(1, 5, 0, 0, 0, 0), /trailing/],
    ['truncated', withBody(1, 4, 0, 0, 0, 1), /truncated/],
    ['invalid UTF-8', withBody(1, 5, 1, 0xff, 0, 0), /UTF-8/],
    ['string length', withBody(1, 5, 100, 0, 0), /exceeds/],
    ['entry count', withBody(1, 1, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x80, 0x01), /entry count/],
    ['data length', withBody(1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 50), /exceeds/],
    ['too short', new Uint8Array(3), /too short/],
  ];
  for (const [name, bytes, pattern] of cases) {
    assert.throws(
      () => decodeMessage(bytes),
      (error: unknown) => error instanceof MessageDecodeError && pattern.test(error.message),
      name,
    );
  }
  assert.throws(() => decodeMessage('not bytes' as unknown as Uint8Array), MessageDecodeError);
});

test('encodeMessage refuses malformed messages, so that whatever encodes also decodes', () => {
  const vote = examples[3];
  const ae = examples[0] as Extract<RaftMessage, { type: 'AppendEntries' }>;
  const bad: [string, unknown, ErrorConstructor][] = [
    ['negative term', { ...vote, term: -1 }, RangeError],
    ['fractional', { ...vote, lastLogIndex: 1.5 }, RangeError],
    ['NaN', { ...vote, lastLogTerm: NaN }, RangeError],
    ['unsafe', { ...vote, term: 2 ** 53 }, RangeError],
    ['number as string', { ...vote, term: '1' }, RangeError],
    ['boolean', { ...vote, preVote: 1 }, TypeError],
    ['from', { ...vote, from: 7 }, TypeError],
    ['lone surrogate', { ...vote, to: 'a\ud800b' }, TypeError],
    ['unknown type', { ...vote, type: 'Gossip' }, TypeError],
    ['inherited type', { ...vote, type: 'toString' }, TypeError],
    ['log type', { ...ae, entries: [{ ...ae.entries[0], type: 4 }] }, RangeError],
    ['data', { ...ae, entries: [{ ...ae.entries[0], data: [1, 2] }] }, TypeError],
    ['entries', { ...ae, entries: 'none' }, TypeError],
    ['null', null, TypeError],
  ];
  for (const [name, m, kind] of bad) {
    assert.throws(() => encodeMessage(m as RaftMessage), kind, name);
  }
});
