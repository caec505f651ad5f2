/**
 * Snapshots of the namespace FSM: a point-in-time view while batches keep applying, restore into
 * a fresh FSM and over a different state (replaced completely), streams cut anywhere, damaged
 * streams rejected, and a restore cut short.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Packr } from 'msgpackr';
import { CorruptionError, LogType } from '../../src/raft';
import { MetaFsm } from '../../src/meta/meta-fsm';
import { SNAPSHOT_MAGIC } from '../../src/meta/snapshot-format';
import { DIRECTORY, FILE } from '../../src/meta/node-types';
import {
  MiB,
  Replica,
  T0,
  allocate,
  create,
  finalize,
  mkdir,
  persistToChunks,
  purge,
  remove,
  rename,
  stream,
  withDir,
  withFsms,
  type Payload,
} from './support/meta-harness';

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

/** A namespace with a bit of everything: nested dirs, files with blocks, trash, gc, request ids. */
function populate(prefix: string, count: number): Payload[] {
  const out: Payload[] = [mkdir(`/${prefix}`), LogType.Noop];
  for (let i = 0; i < count; i++) {
    const dir = `/${prefix}/d${i % 7}/e${i % 3}`;
    out.push(mkdir(dir, { parents: true, at: T0 + i }));
    out.push(allocate(`${dir}/f${i}`, (i % 5) * MiB + 1 + i, { create: true, at: T0 + i, requestId: `${prefix}-w${i}` }));
  }
  out.push(remove(`/${prefix}/d1`, true, { at: T0 + count }), purge(3), create(`/${prefix}/empty`, FILE, { requestId: `${prefix}-e` }));
  return out;
}

/** Finalizes every file under `/prefix` with its allocated size. */
async function finalizeAll(r: Replica): Promise<void> {
  const files = [...r.reader.files()];
  await r.batch(files.map((f) => finalize(f.path, f.inode, Math.max(0, f.record.b * 4 * MiB - 5), { at: T0 + 1000 })));
}

test('snapshot is point-in-time: batches applied after snapshot() and during persist do not show', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source', { snapshotChunkBytes: 256 }));
    await source.batch(populate('p', 60));
    await finalizeAll(source);
    const before = await source.fsm.digest();
    const view = await source.fsm.snapshot();

    // Taken and not yet persisted: change things before and while it is written.
    const later: Payload[][] = [];
    const mutate = async (): Promise<void> => {
      const i = later.length;
      const payloads: Payload[] = [
        create(`/new${i}`, FILE, { at: T0 + 5000 + i }),
        rename(`/p/d${i % 7}`, `/moved${i}`, { at: T0 + 5000 + i }),
        remove(`/p/d${(i + 3) % 7}`, true),
        allocate(`/grow${i}`, 3, { create: true, requestId: `late-${i}` }),
        purge(2),
      ];
      later.push(payloads);
      await source.batch(payloads);
    };
    await mutate();
    const chunks: Buffer[] = [];
    try {
      await view.persist(async (chunk) => {
        chunks.push(Buffer.from(chunk));
        await mutate();
      });
    } finally {
      view.release();
    }
    view.release(); // idempotent
    assert.ok(later.length > 5, `persist wrote ${chunks.length} chunks; batches should have applied between them`);
    const now = await source.fsm.digest();
    assert.notEqual(now.hash, before.hash, 'the source did change');

    const copy = new Replica(open('copy'));
    await copy.fsm.restore(stream(chunks));
    assert.deepEqual(await copy.fsm.digest(), before);
    assert.equal(copy.fsm.appliedIndex(), before.appliedIndex);
    // The copy continues from the snapshot's index with the same entries and ends where the source is.
    for (const payloads of later) await copy.batch(payloads);
    assert.deepEqual(await copy.fsm.digest(), now);
  });
});

test('restore replaces a different state completely, whatever its applied index', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source'));
    await source.batch(populate('s', 30));
    const expected = await source.fsm.digest();
    const chunks = await persistToChunks(source.fsm);

    const targets: [string, Replica][] = [];
    for (const [name, extra] of [
      ['fresh', 0],
      ['behind', 5],
      ['ahead', 120],
    ] as const) {
      const target = new Replica(open(name));
      if (extra > 0) {
        await Replica.bootstrap(target.fsm);
        // Other paths, other ids, its own trash, gc and request ids.
        await target.batch(populate('other', extra).concat(Array.from({ length: extra }, () => LogType.Noop)));
        assert.notEqual(target.fsm.appliedIndex(), expected.appliedIndex);
      }
      const seen: number[] = [];
      const stop = target.fsm.onApplied((index) => seen.push(index));
      await target.fsm.restore(stream(chunks));
      stop();
      assert.deepEqual(await target.fsm.digest(), expected, name);
      assert.equal(target.fsm.appliedIndex(), expected.appliedIndex, name);
      assert.equal(seen.at(-1), expected.appliedIndex, name);
      assert.ok(!target.exists('/other'), name);
      assert.equal(target.stat('/s/d0').record.t, DIRECTORY, name);
      targets.push([name, target]);
    }
    // Each continues like the source does: same results, same state.
    const next: Payload[] = [create('/s/after'), rename('/s/d2', '/d2'), allocate('/s/after', 9), purge(100)];
    const results = await source.batch(next);
    const digest = await source.fsm.digest();
    for (const [name, target] of targets) {
      assert.deepEqual(await target.batch(next), results, name);
      assert.deepEqual(await target.fsm.digest(), digest, name);
    }
  });
});

test('restore accepts the stream cut anywhere (1-byte pieces, random cuts)', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source', { snapshotChunkBytes: 1000 }));
    await source.batch(populate('c', 20));
    const expected = await source.fsm.digest();
    const chunks = await persistToChunks(source.fsm);
    assert.ok(chunks.length > 3);
    assert.ok(chunks.slice(0, -1).every((c) => c.length >= 1000));
    const bytes = Buffer.concat(chunks);
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cuts: [string, Buffer[]][] = [
      ['one piece', [bytes]],
      ['1-byte pieces', [...bytes].map((b) => Buffer.from([b]))],
      [
        'random',
        cutAt(
          bytes,
          Array.from({ length: 40 }, () => Math.floor(random() * bytes.length)),
        ),
      ],
      ['around the magic and the trailer', cutAt(bytes, [1, 7, 8, 9, 12, bytes.length - 3, bytes.length - 1])],
    ];
    for (const [name, pieces] of cuts) {
      const copy = open(`copy-${name.replace(/\W/g, '-')}`);
      await copy.restore(stream(pieces));
      assert.deepEqual(await copy.digest(), expected, name);
    }
  });
});

function cutAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [0, ...[...offsets].sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

test('damaged streams are rejected with CorruptionError and leave the state alone', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source'));
    await source.batch(populate('x', 10));
    const bytes = Buffer.concat(await persistToChunks(source.fsm));
    const target = await Replica.bootstrap(open('target'));
    await target.batch([mkdir('/mine'), create('/mine/f')]);
    const before = await target.fsm.digest();

    const frames = frameOffsets(bytes);
    const trailer = frames.at(-1)!;
    const badMagic = Buffer.from(bytes);
    badMagic[0] ^= 0xff;
    const hugeFrame = Buffer.from(bytes);
    hugeFrame.writeUInt32BE(0xfffffff0, frames[1]!);
    const badBody = Buffer.from(bytes);
    badBody.fill(0xc1, frames[2]! + 4, frames[3]!); // msgpack's never-used byte
    const badHeader = Buffer.from(bytes);
    badHeader.fill(0xc1, frames[0]! + 4, frames[1]!);
    const cases: [string, Buffer[], RegExp][] = [
      ['empty', [], /truncated/],
      ['bad magic', [badMagic], /bad magic/],
      ['magic only', [bytes.subarray(0, SNAPSHOT_MAGIC.length)], /truncated/],
      ['cut inside the header', [bytes.subarray(0, frames[0]! + 3)], /truncated/],
      ['cut at a frame boundary before the trailer', [bytes.subarray(0, trailer)], /truncated/],
      ['cut inside the trailer', [bytes.subarray(0, bytes.length - 1)], /truncated/],
      ['data after the trailer', [bytes, Buffer.from([0, 0, 0, 1, 0x90])], /after its trailer/],
      ['a record missing, trailer intact', [Buffer.concat([bytes.subarray(0, frames[2]!), bytes.subarray(frames[3]!)])], /trailer says/],
      ['a frame length beyond any record', [hugeFrame], /frame of/],
      ['a record that does not decode', [badBody], /frame does not decode/],
      ['a header that does not decode', [badHeader], /frame does not decode/],
      ['a record naming no database', [replaceFrame(bytes, frames, 2, [99, 1, 2])], /names no database/],
      ['a record that is no list', [replaceFrame(bytes, frames, 2, { a: 1 })], /record is malformed/],
      ['a header without the index', [replaceFrame(bytes, frames, 0, { appliedIndex: -1 })], /header is malformed/],
    ];
    for (const [name, pieces, message] of cases) {
      await assert.rejects(target.fsm.restore(stream(pieces)), (error: unknown) => {
        assert.ok(error instanceof CorruptionError, `${name}: ${String(error)} should be a CorruptionError`);
        assert.match(error.message, message, name);
        return true;
      });
      assert.deepEqual(await target.fsm.digest(), before, name);
      assert.equal(target.fsm.appliedIndex(), before.appliedIndex, name);
    }
  });
});

function cutEvery(bytes: Buffer, size: number): Buffer[] {
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

/** `bytes` with frame `n` replaced by one holding `value`. */
function replaceFrame(bytes: Buffer, frames: readonly number[], n: number, value: unknown): Buffer {
  const body = packr.pack(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  return Buffer.concat([bytes.subarray(0, frames[n]), length, body, bytes.subarray(frames[n + 1])]);
}

/** Start offsets of the frames after the magic (header, records..., trailer). */
function frameOffsets(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let at = SNAPSHOT_MAGIC.length; at < bytes.length; at += 4 + bytes.readUInt32BE(at)) out.push(at);
  return out;
}

test('a restore cut short leaves applied index 0, and reopening the FSM clears the leftovers', async () => {
  await withDir(async (dir) => {
    const source = await Replica.bootstrap(MetaFsm.open(path.join(dir, 'source'), { snapshotChunkBytes: 16 * 1024 }));
    try {
      // More records than one restore transaction holds (20,000): 11,000 files are 22,000 records.
      await source.ok(mkdir('/big'));
      for (let i = 0; i < 11_000; i += 2750) {
        await source.batch(Array.from({ length: 2750 }, (_, j) => create(`/big/f${i + j}`)));
      }
      const expected = await source.fsm.digest();
      const chunks = await persistToChunks(source.fsm);
      assert.ok(chunks.length > 20, `${chunks.length} chunks`);
      const bytes = Buffer.concat(chunks);
      const frames = frameOffsets(bytes);
      const lost = new Error('connection lost');
      const cuts: [string, AsyncIterable<Uint8Array>, RegExp | typeof CorruptionError][] = [
        // The first restore transaction is written, more records would follow.
        ['midway', stream(chunks, { after: chunks.length - 2, error: lost }), /connection lost/],
        // Every record arrived (the applied index among them), only the trailer did not.
        ['before the trailer', stream([bytes.subarray(0, frames.at(-1))], { after: 1, error: lost }), /connection lost/],
        // A record is missing, which only the trailer tells.
        [
          'a record missing',
          stream(cutEvery(Buffer.concat([bytes.subarray(0, frames[5]), bytes.subarray(frames[6])]), 16 * 1024)),
          CorruptionError,
        ],
      ];
      for (const [name, broken, error] of cuts) {
        const targetDir = path.join(dir, `target-${name.replace(/\W/g, '-')}`);
        let target = MetaFsm.open(targetDir);
        try {
          await (await Replica.bootstrap(target)).batch([mkdir('/old'), LogType.Noop]);
          await assert.rejects(target.restore(broken), error, name);
          assert.equal(target.appliedIndex(), 0, name);
          const partial = await target.digest();
          assert.equal(partial.appliedIndex, 0, `${name}: the stored applied index`);
          assert.ok(partial.records >= 20_000, `${name}: the first restore transaction was written (${partial.records} records)`);
          await target.close();

          target = MetaFsm.open(targetDir);
          assert.equal(target.appliedIndex(), 0, name);
          assert.equal((await target.digest()).records, 0, `${name}: reopening cleared the half-restored state`);
          await target.restore(stream(chunks));
          assert.deepEqual(await target.digest(), expected, name);
        } finally {
          await target.close();
        }
      }
    } finally {
      await source.fsm.close();
    }
  });
});
