/** Shared fixtures of the codec tests: arbitrary messages, an independent well-formedness check, fuzz helpers. */
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, MessageDecodeError } from '../../src/raft/codec';
import type { Configuration, Server } from '../../src/raft/configuration';
import { LogType, type LogEntry } from '../../src/raft/log';
import type { RaftMessage } from '../../src/raft/messages';

// Replay a failure with FC_SEED=<printed seed>.
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`codec tests: fast-check seed ${seed}`);
export const fcOptions = { seed, numRuns: 1000 };

export const bigNat = fc.oneof(fc.nat(200), fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, 127, 128, 2 ** 32, Number.MAX_SAFE_INTEGER));
export const uint32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 0x7fffffff, 0x80000000, 0xffffffff));
const id = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }));
const nonEmptyId = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }));
/** Non-empty and at most 256 bytes of UTF-8 (64 code points take at most 256 bytes). */
export const snapshotId = fc.oneof(
  nonEmptyId,
  fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
  fc.constantFrom('x'.repeat(256), 'é'.repeat(128), '🚀'.repeat(64)),
);
// fast-check may build records without a prototype; spread them into plain objects to compare with decoded ones.
const entry: fc.Arbitrary<LogEntry> = fc
  .record({
    index: bigNat,
    term: bigNat,
    type: fc.constantFrom(LogType.Command, LogType.Noop, LogType.Configuration, LogType.Barrier),
    data: fc.uint8Array({ maxLength: 40 }),
  })
  .map((e) => ({ ...e }));
const server: fc.Arbitrary<Server> = fc
  .record({ id: nonEmptyId, address: nonEmptyId, suffrage: fc.constantFrom('voter' as const, 'nonvoter' as const) })
  .map((s) => ({ ...s }));
export const configuration: fc.Arbitrary<Configuration> = fc.array(server, { maxLength: 5 }).map((servers) => ({ servers }));
const envelope = { from: id, to: id, term: bigNat };

export const installSnapshot = fc
  .record({
    type: fc.constant('InstallSnapshot' as const),
    ...envelope,
    snapshotId,
    lastIndex: bigNat,
    lastTerm: bigNat,
    configuration,
    configurationIndex: bigNat,
    offset: bigNat,
    data: fc.uint8Array({ maxLength: 64 }),
    size: bigNat,
    crc32: uint32,
    done: fc.boolean(),
    seq: bigNat,
  })
  .map((m) => ({ ...m }));
export const installSnapshotResponse = fc
  .record({
    type: fc.constant('InstallSnapshotResponse' as const),
    ...envelope,
    snapshotId,
    nextOffset: bigNat,
    installed: fc.boolean(),
    lastIndex: bigNat,
    seq: bigNat,
  })
  .map((m) => ({ ...m }));

export const message: fc.Arbitrary<RaftMessage> = fc
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
    installSnapshot,
    installSnapshotResponse,
  )
  .map((m) => ({ ...m }));

type FieldKind = 'uint' | 'uint32' | 'bool' | 'entries' | 'snapshotId' | 'configuration' | 'bytes';

const FIELDS: Record<RaftMessage['type'], Record<string, FieldKind>> = {
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
  InstallSnapshot: {
    snapshotId: 'snapshotId',
    lastIndex: 'uint',
    lastTerm: 'uint',
    configuration: 'configuration',
    configurationIndex: 'uint',
    offset: 'uint',
    data: 'bytes',
    size: 'uint',
    crc32: 'uint32',
    done: 'bool',
    seq: 'uint',
  },
  InstallSnapshotResponse: { snapshotId: 'snapshotId', nextOffset: 'uint', installed: 'bool', lastIndex: 'uint', seq: 'uint' },
};

const isUint = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNonEmptyString = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

/** An independent check that a decoded value is a well-formed message with exactly the contract's fields. */
export function assertWellFormed(value: RaftMessage): void {
  const m = value as unknown as Record<string, unknown>;
  const fields = FIELDS[value.type];
  assert.ok(fields !== undefined, `known type ${String(m.type)}`);
  assert.deepEqual(Object.keys(m).sort(), ['type', 'from', 'to', 'term', ...Object.keys(fields)].sort());
  assert.ok(typeof m.from === 'string' && typeof m.to === 'string' && isUint(m.term));
  for (const [name, kind] of Object.entries(fields)) {
    const v = m[name];
    switch (kind) {
      case 'uint':
        assert.ok(isUint(v), name);
        break;
      case 'uint32':
        assert.ok(isUint(v) && (v as number) <= 0xffffffff, name);
        break;
      case 'bool':
        assert.equal(typeof v, 'boolean', name);
        break;
      case 'bytes':
        assert.ok(v instanceof Uint8Array, name);
        break;
      case 'snapshotId':
        assert.ok(isNonEmptyString(v) && Buffer.byteLength(v as string) <= 256, name);
        break;
      case 'configuration': {
        const c = v as Configuration;
        assert.deepEqual(Object.keys(c), ['servers']);
        // (`as unknown` keeps Array.isArray from narrowing the readonly array to any[].)
        assert.ok(Array.isArray(c.servers as unknown) && c.servers.length <= 1024);
        for (const s of c.servers) {
          assert.deepEqual(Object.keys(s).sort(), ['address', 'id', 'suffrage']);
          assert.ok(isNonEmptyString(s.id) && isNonEmptyString(s.address) && ['voter', 'nonvoter'].includes(s.suffrage));
        }
        break;
      }
      case 'entries':
        assert.ok(Array.isArray(v));
        for (const e of v as LogEntry[]) {
          assert.ok(isUint(e.index) && isUint(e.term) && [0, 1, 2, 3].includes(e.type) && e.data instanceof Uint8Array);
          assert.deepEqual(Object.keys(e).sort(), ['data', 'index', 'term', 'type']);
        }
        break;
    }
  }
}

/** Decoding may only succeed with a well-formed, canonical message, or fail with MessageDecodeError. */
export function assertDecodesOrRejects(bytes: Uint8Array): void {
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
export function reseal(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (out.length < 4) return out;
  const sum = zlib.crc32(out.subarray(0, out.length - 4));
  new DataView(out.buffer).setUint32(out.length - 4, sum, true);
  return out;
}

/** Damage to an encoding: overwritten bytes, a cut, extra bytes before the checksum. */
export interface Mutation {
  readonly edits: readonly { readonly at: number; readonly value: number }[];
  readonly cut: number | undefined;
  readonly extra: Uint8Array;
}
export const mutation: fc.Arbitrary<Mutation> = fc.record({
  edits: fc.array(fc.record({ at: fc.nat(), value: fc.nat(255) }), { minLength: 1, maxLength: 4 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  extra: fc.uint8Array({ maxLength: 3 }),
});

/** Damages `bytes`: every damaged candidate must decode to a well-formed, canonical message or be rejected. */
export function assertMutationsDecodeOrReject(bytes: Uint8Array, { edits, cut, extra }: Mutation): void {
  const damaged = Uint8Array.from(bytes);
  for (const { at, value } of edits) damaged[at % damaged.length] = value;
  const truncated = cut === undefined ? damaged : damaged.subarray(0, cut % damaged.length);
  const extended = new Uint8Array([...damaged.subarray(0, damaged.length - 4), ...extra, ...damaged.subarray(damaged.length - 4)]);
  for (const candidate of [damaged, truncated, extended]) {
    assertDecodesOrRejects(candidate);
    assertDecodesOrRejects(reseal(candidate));
  }
}
