/**
 * Snapshots of the namespace FSM (copies of its LMDB environment): a copy taken while batches
 * keep applying is a state the source went through, at or after Raft's label, from which the
 * log converges; restore into a fresh FSM and over a different state (replaced completely);
 * streams cut anywhere; damaged or interrupted streams change nothing; scratch left by a crash;
 * entries a restored copy already holds; snapshots made stale by a restore.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { open as openLmdb } from 'lmdb';
import { CorruptionError, LogType } from '../../src/raft';
import { MetaFsm } from '../../src/meta/meta-fsm';
import { NamespaceUnavailableError } from '../../src/meta/namespace-state';
import { ENVIRONMENT_COPY_MAGIC } from '../../src/meta/environment-copy';
import { DIRECTORY, FILE } from '../../src/meta/node-types';
import {
  MiB,
  Replica,
  T0,
  allocate,
  create,
  entries,
  finalize,
  mkdir,
  persistToChunks,
  persistView,
  purge,
  remove,
  rename,
  stream,
  withDir,
  withFsms,
  type Payload,
} from './support/meta-harness';

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

test('a copy taken while batches apply is a state the source went through, at or after the label, and the log converges from there', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source', { snapshotChunkBytes: 256 }));
    await source.batch(populate('p', 60));
    await finalizeAll(source);
    const label = source.fsm.appliedIndex();
    const digests = new Map([[label, await source.fsm.digest()]]);
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
      digests.set(source.fsm.appliedIndex(), await source.fsm.digest());
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
    assert.deepEqual(chunks[0]!.subarray(0, ENVIRONMENT_COPY_MAGIC.length), ENVIRONMENT_COPY_MAGIC);
    const now = await source.fsm.digest();

    const copy = new Replica(open('copy'));
    await copy.fsm.restore(stream(chunks));
    const restored = await copy.fsm.digest();
    assert.ok(restored.appliedIndex >= label, `the copy (at ${restored.appliedIndex}) is not behind the label ${label}`);
    assert.deepEqual(restored, digests.get(restored.appliedIndex), 'the copy is the state the source had at that index');
    assert.equal(copy.fsm.appliedIndex(), restored.appliedIndex);
    // Raft resumes after the label: the entries the copy holds are skipped, the rest applied.
    let index = label + 1;
    for (const payloads of later) {
      const results = await copy.fsm.applyBatch(entries(index, payloads));
      assert.equal(results.length, payloads.length);
      index += payloads.length;
      await copy.fsm.settled();
    }
    assert.deepEqual(await copy.fsm.digest(), now);
  });
});

test('a snapshot taken right after a batch was handed over (not yet committed) holds that batch', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source'));
    await source.batch(populate('q', 5));
    // Pipelined applies: the results come before the commit. Raft may snapshot at once after them.
    // A big batch: its commit takes a while, so a copy started at once would miss it.
    const next = source.fsm.appliedIndex() + 1;
    const payloads: Payload[] = [mkdir('/q/pending'), ...Array.from({ length: 5000 }, (_, i) => create(`/q/pending/f${i}`))];
    await source.fsm.applyBatch(entries(next, payloads));
    const label = next + payloads.length - 1;
    const chunks = await persistToChunks(source.fsm);
    const copy = new Replica(open('copy'));
    await copy.fsm.restore(stream(chunks));
    assert.ok(copy.fsm.appliedIndex() >= label, `the copy is at ${copy.fsm.appliedIndex()}, behind the label ${label}`);
    assert.ok(copy.exists('/q/pending/f4999'));
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
    assert.ok(chunks.slice(1, -1).every((c) => c.length === 1000), 'the header, then full chunks');
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
      ['around the magic and the length', cutAt(bytes, [1, 7, 8, 9, 12, 16, bytes.length - 3, bytes.length - 1])],
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
  await withFsms(async (open, dir) => {
    const source = await Replica.bootstrap(open('source'));
    await source.batch(populate('x', 10));
    const bytes = Buffer.concat(await persistToChunks(source.fsm));
    const target = await Replica.bootstrap(open('target'));
    await target.batch([mkdir('/mine'), create('/mine/f')]);
    const before = await target.fsm.digest();

    const badMagic = Buffer.from(bytes);
    badMagic[0] ^= 0xff;
    // The announced length and a body of it, but no LMDB file.
    const garbage = Buffer.concat([bytes.subarray(0, 16), Buffer.alloc(bytes.length - 16, 0x5a)]);
    const cases: [string, Buffer[], RegExp][] = [
      ['empty', [], /header/],
      ['bad magic', [badMagic], /bad magic/],
      ['cut in the body', [bytes.subarray(0, bytes.length - 100)], /bytes$/],
      ['data after the file', [bytes, Buffer.from([0])], /more than/],
      ['a body that is no LMDB file', [garbage], /not an LMDB file/],
      ['an LMDB file that is no namespace', [await copyOfOtherEnvironment(dir)], /holds no state|does not (open|read) as this FSM's state/],
    ];
    for (const [name, pieces, message] of cases) {
      await assert.rejects(target.fsm.restore(stream(pieces)), (error: unknown) => {
        assert.ok(error instanceof CorruptionError, `${name}: ${String(error)} should be a CorruptionError`);
        assert.match(error.message, message, name);
        return true;
      });
      assert.deepEqual(await target.fsm.digest(), before, name);
      assert.equal(target.fsm.appliedIndex(), before.appliedIndex, name);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'target')).sort(), ['data.mdb', 'lock.mdb'], `${name}: no scratch left`);
    }
    // The target still works and still takes a good snapshot.
    await target.ok(create('/mine/g'));
    await target.fsm.restore(stream([bytes]));
    assert.equal(target.fsm.appliedIndex(), (await source.fsm.digest()).appliedIndex);
  });
});

/** A copy of an LMDB environment with other databases (not a namespace), as a stream. */
async function copyOfOtherEnvironment(dir: string): Promise<Buffer> {
  const other = MetaFsm.open(path.join(dir, 'other-source'));
  await other.close();
  // A namespace environment with nothing applied: it opens, but holds no applied index.
  const root = openLmdb({ path: path.join(dir, 'other-source') });
  await root.put('unrelated', 1);
  const header = Buffer.alloc(16);
  const chunks: Buffer[] = [];
  try {
    const scratch = path.join(dir, 'other-copy');
    fs.mkdirSync(scratch);
    await root.backup(scratch, true);
    const file = fs.readFileSync(path.join(scratch, 'data.mdb'));
    ENVIRONMENT_COPY_MAGIC.copy(header, 0);
    header.writeBigUInt64BE(BigInt(file.length), 8);
    chunks.push(header, file);
  } finally {
    await root.close();
  }
  return Buffer.concat(chunks);
}

test('a restore cut short changes nothing; scratch a crash left is removed when the FSM opens', async () => {
  await withDir(async (dir) => {
    const source = await Replica.bootstrap(MetaFsm.open(path.join(dir, 'source'), { snapshotChunkBytes: 16 * 1024 }));
    const targetDir = path.join(dir, 'target');
    let target = MetaFsm.open(targetDir);
    try {
      await source.ok(mkdir('/big'));
      for (let i = 0; i < 4000; i += 1000) await source.batch(Array.from({ length: 1000 }, (_, j) => create(`/big/f${i + j}`)));
      const expected = await source.fsm.digest();
      const chunks = await persistToChunks(source.fsm);
      assert.ok(chunks.length > 5, `${chunks.length} chunks`);

      await (await Replica.bootstrap(target)).batch([mkdir('/old'), LogType.Noop]);
      const before = await target.digest();
      await assert.rejects(target.restore(stream(chunks, { after: chunks.length - 2, error: new Error('connection lost') })), /connection lost/);
      assert.deepEqual(await target.digest(), before, 'nothing changed');
      assert.equal(target.appliedIndex(), before.appliedIndex);

      // A crash while a copy was streamed and while a restore was received: their scratch stays behind.
      await target.close();
      for (const scratch of ['incoming', 'snapshot-copy-3']) {
        fs.mkdirSync(path.join(targetDir, scratch));
        fs.writeFileSync(path.join(targetDir, scratch, 'data.mdb'), 'half written');
      }
      target = MetaFsm.open(targetDir);
      assert.deepEqual(fs.readdirSync(targetDir).sort(), ['data.mdb', 'lock.mdb']);
      assert.deepEqual(await target.digest(), before);
      await target.restore(stream(chunks));
      assert.deepEqual(await target.digest(), expected);
      // And the restored state is what a reopen finds.
      await target.close();
      target = MetaFsm.open(targetDir);
      assert.deepEqual(await target.digest(), expected);
    } finally {
      await target.close();
      await source.fsm.close();
    }
  });
});

test('after a restore only the entries the copy holds may come again: a gap, or a repeat of later ones, stops the FSM', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source'));
    await source.batch(populate('h', 5));
    const chunks = await persistToChunks(source.fsm);
    const held = source.fsm.appliedIndex();
    const target = new Replica(open('target'));
    await target.fsm.restore(stream(chunks));
    // Raft resumes at a label before what the copy holds: those entries are skipped, the rest applied.
    const results = await target.fsm.applyBatch(entries(held - 2, [create('/h/again'), create('/h/again2'), LogType.Noop, create('/h/new')]));
    assert.deepEqual(results.slice(0, 3), [{ ok: true }, { ok: true }, { ok: true }]);
    assert.ok(results[3]!.ok);
    await target.fsm.settled();
    assert.ok(!target.exists('/h/again'), 'a held entry is not applied twice');
    assert.ok(target.exists('/h/new'));
    assert.equal(target.fsm.appliedIndex(), held + 1);
    await assert.rejects(target.fsm.applyBatch(entries(held + 3, [LogType.Noop])), /does not continue/);
    await assert.rejects(target.fsm.applyBatch(entries(held + 1, [LogType.Noop])), /does not continue/, 'entry held+1 was applied after the restore');
  });
});

test('a restore waits for a copy being streamed, and a snapshot taken before a restore is refused after it', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source'));
    await source.batch(populate('w', 5));
    const chunks = await persistToChunks(source.fsm);
    const target = await Replica.bootstrap(open('target', { snapshotChunkBytes: 4096 }));
    await target.batch(populate('mine', 20));
    const stale = await target.fsm.snapshot();
    const streaming = await target.fsm.snapshot();
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    let written = 0;
    let firstWrite!: () => void;
    const started = new Promise<void>((resolve) => (firstWrite = resolve));
    const persisting = streaming.persist(async () => {
      written++;
      firstWrite();
      await blocked;
    });
    await started;
    let restored = false;
    const restoring = target.fsm.restore(stream(chunks)).then(() => (restored = true));
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(restored, false, 'the restore waits for the copy being streamed');
    unblock();
    await persisting;
    await restoring;
    assert.ok(written > 1);
    assert.deepEqual(await target.fsm.digest(), await source.fsm.digest());
    await assert.rejects(persistView(stale), /a restore replaced the state/);
  });
});

test('reads during a restore see the old state, the new one, or NamespaceUnavailableError while the file is swapped', async () => {
  await withFsms(async (open) => {
    const source = await Replica.bootstrap(open('source'));
    await source.batch([mkdir('/new')]);
    const chunks = await persistToChunks(source.fsm);
    const target = await Replica.bootstrap(open('target'));
    await target.batch([mkdir('/old')]);
    const seen = new Set<string>();
    let done = false;
    const restoring = target.fsm.restore(stream(chunks)).finally(() => (done = true));
    while (!done) {
      try {
        seen.add(target.exists('/old') ? 'old' : target.exists('/new') ? 'new' : 'neither');
      } catch (error) {
        assert.ok(error instanceof NamespaceUnavailableError, String(error));
        seen.add('unavailable');
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await restoring;
    assert.ok(!seen.has('neither'), [...seen].join());
    assert.ok(target.exists('/new'));
    // The window itself, deterministically: withdrawn, reads fail with the retryable error.
    const env = target.fsm.state.env;
    target.fsm.state.withdrawEnvironment();
    assert.throws(() => target.exists('/new'), NamespaceUnavailableError);
    target.fsm.state.replaceEnvironment(env);
    assert.ok(target.exists('/new'));
  });
});
