import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, MessageDecodeError } from '../../src/raft/codec';
import { LogType, type LogEntry } from '../../src/raft/log';
import type { RaftMessage } from '../../src/raft/messages';

// Replay a failure with FC_SEED=<printed seed>.
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`codec.test: fast-check seed ${seed}`);
const fcOptions = { seed, numRuns: 1000 };

const bigNat = fc.oneof(fc.nat(200), fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, 127, 128, 2 ** 32, Number.MAX_SAFE_INTEGER));
const id = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }));
// fast-check may build records without a prototype; spread them into plain objects to compare with decoded ones.
const entry: fc.Arbitrary<LogEntry> = fc
  .record({
    index: bigNat,
    term: bigNat,
    type: fc.constantFrom(LogType.Command, LogType.Noop, LogType.Configuration, LogType.Barrier),
    data: fc.uint8Array({ maxLength: 40 }),
  })
  .map((e) => ({ ...e }));
const envelope = { from: id, to: id, term: bigNat };
const message: fc.Arbitrary<RaftMessage> = fc
  .oneof(
    fc.record({
      type: fc.constant('AppendEntries' as const),
      ...envelope,
      prevLogIndex: bigNat,
      prevLogTerm: bigNat,
      entries: fc.array(entry, { maxLength: 6 }),
      leaderCommit: bigNat,
      seq: bigNat,
    }),
    fc.record({
      type: fc.constant('AppendEntriesResponse' as const),
      ...envelope,
      success: fc.boolean(),
      seq: bigNat,
      matchIndex: bigNat,
      lastLogIndex: bigNat,
      conflictTerm: bigNat,
      conflictIndex: bigNat,
    }),
    fc.record({
      type: fc.constant('RequestVote' as const),
      ...envelope,
      lastLogIndex: bigNat,
      lastLogTerm: bigNat,
      preVote: fc.boolean(),
      leadershipTransfer: fc.boolean(),
    }),
    fc.record({ type: fc.constant('RequestVoteResponse' as const), ...envelope, granted: fc.boolean(), preVote: fc.boolean() }),
    fc.record({ type: fc.constant('TimeoutNow' as const), ...envelope }),
  )
  .map((m) => ({ ...m }));

const FIELDS: Record<RaftMessage['type'], Record<string, 'uint' | 'bool' | 'entries'>> = {
  AppendEntries: { prevLogIndex: 'uint', prevLogTerm: 'uint', entries: 'entries', leaderCommit: 'uint', seq: 'uint' },
  AppendEntriesResponse: {
    success: 'bool',
    seq: 'uint',
    matchIndex: 'uint',
    lastLogIndex: 'uint',
    conflictTerm: 'uint',
    conflictIndex: 'uint',
  },
  RequestVote: { lastLogIndex: 'uint', lastLogTerm: 'uint', preVote: 'bool', leadershipTransfer: 'bool' },
  RequestVoteResponse: { granted: 'bool', preVote: 'bool' },
  TimeoutNow: {},
};

const isUint = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** An independent check that a decoded value is a well-formed message with exactly the contract's fields. */
function assertWellFormed(value: RaftMessage): void {
  const m = value as unknown as Record<string, unknown>;
  const fields = FIELDS[value.type];
  assert.ok(fields !== undefined, `known type ${String(m.type)}`);
  assert.deepEqual(Object.keys(m).sort(), ['type', 'from', 'to', 'term', ...Object.keys(fields)].sort());
  assert.ok(typeof m.from === 'string' && typeof m.to === 'string' && isUint(m.term));
  for (const [name, kind] of Object.entries(fields)) {
    if (kind === 'uint') assert.ok(isUint(m[name]), name);
    if (kind === 'bool') assert.equal(typeof m[name], 'boolean', name);
    if (kind === 'entries') {
      assert.ok(Array.isArray(m[name]));
      for (const e of m[name] as LogEntry[]) {
        assert.ok(isUint(e.index) && isUint(e.term) && [0, 1, 2, 3].includes(e.type) && e.data instanceof Uint8Array);
        assert.deepEqual(Object.keys(e).sort(), ['data', 'index', 'term', 'type']);
      }
    }
  }
}

/** Decoding may only succeed with a well-formed, canonical message, or fail with MessageDecodeError. */
function assertDecodesOrRejects(bytes: Uint8Array): void {
  let decoded: RaftMessage;
  try {
    decoded = decodeMessage(bytes);
  } catch (error) {
    assert.ok(error instanceof MessageDecodeError, `threw ${String(error)}`);
    return;
  }
  assertWellFormed(decoded);
  assert.deepEqual(encodeMessage(decoded), Uint8Array.from(bytes), 'a decodable encoding is canonical');
}

/** Recomputes the CRC trailer so that damage reaches the field validators instead of the checksum. */
function reseal(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (out.length < 4) return out;
  const sum = zlib.crc32(out.subarray(0, out.length - 4));
  new DataView(out.buffer).setUint32(out.length - 4, sum, true);
  return out;
}

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
];

test('every message type round-trips', () => {
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
  const mutation = fc.record({
    message,
    edits: fc.array(fc.record({ at: fc.nat(), value: fc.nat(255) }), { minLength: 1, maxLength: 4 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    extra: fc.uint8Array({ maxLength: 3 }),
  });
  fc.assert(
    fc.property(mutation, ({ message: m, edits, cut, extra }) => {
      const bytes = encodeMessage(m);
      const damaged = Uint8Array.from(bytes);
      for (const { at, value } of edits) damaged[at % damaged.length] = value;
      const truncated = cut === undefined ? damaged : damaged.subarray(0, cut % damaged.length);
      const extended = new Uint8Array([...damaged.subarray(0, damaged.length - 4), ...extra, ...damaged.subarray(damaged.length - 4)]);
      for (const candidate of [damaged, truncated, extended]) {
        assertDecodesOrRejects(candidate);
        assertDecodesOrRejects(reseal(candidate));
      }
    }),
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
    ['type tag', withBody(1, 6, 0, 0, 0), /type tag/],
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
