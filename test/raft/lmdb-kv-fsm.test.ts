/**
 * The persistent LMDB key-value FSM of test/support/lmdb-kv: results and applied index of
 * batches, snapshots (environment copies) taken while batches keep committing, restore from
 * streams cut at every awkward place, replacement of the old state, reopen, and damaged or
 * interrupted restores that change nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CorruptionError, LogType, type LogEntry } from '../../src/raft';
import { LmdbKvFsm, type LmdbKvFsmOptions } from '../support/lmdb-kv/lmdb-kv-fsm';
import { encodeDel, encodePut, mapHash } from '../support/process-cluster/kv-fsm';
import { seededRandom } from '../support/process-cluster/workload';
import { stream } from '../support/chunk-stream';

const encoder = new TextEncoder();

/** Runs `body` with a fresh temp dir, removed afterwards. */
async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmdb-kv-fsm-'));
  try {
    await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens FSMs in subdirectories of one temp dir and closes them all at the end. */
async function withFsms(body: (open: (name: string, options?: LmdbKvFsmOptions) => LmdbKvFsm) => Promise<void>): Promise<void> {
  await withDir(async (dir) => {
    const opened: LmdbKvFsm[] = [];
    try {
      await body((name, options) => {
        const fsm = LmdbKvFsm.open(path.join(dir, name), options);
        opened.push(fsm);
        return fsm;
      });
    } finally {
      await Promise.all(opened.map((fsm) => fsm.close()));
    }
  });
}

/** A command entry or (for `undefined`) a no-op, numbered from `first`. */
function batch(first: number, commands: readonly (Uint8Array | undefined)[]): LogEntry[] {
  return commands.map((data, i) => ({
    index: first + i,
    term: 1,
    type: data === undefined ? LogType.Noop : LogType.Command,
    data: data ?? new Uint8Array(0),
  }));
}

/** Applies puts of `entries` one batch at a time, continuing the FSM's applied index; mirrors them into `model`. */
async function putAll(fsm: LmdbKvFsm, entries: readonly [string, string][], model?: Map<string, string>): Promise<void> {
  for (let i = 0; i < entries.length; i += 100) {
    const slice = entries.slice(i, i + 100);
    await fsm.applyBatch(
      batch(
        fsm.appliedIndex() + 1,
        slice.map(([k, v]) => encodePut(k, v)),
      ),
    );
    for (const [k, v] of slice) model?.set(k, v);
  }
}

async function persistToChunks(fsm: LmdbKvFsm, between?: () => Promise<void>): Promise<Buffer[]> {
  const view = await fsm.snapshot();
  const chunks: Buffer[] = [];
  try {
    await view.persist(async (chunk) => {
      chunks.push(Buffer.from(chunk));
      await between?.();
    });
  } finally {
    view.release();
  }
  return chunks;
}

/** The chunks as the async iterable restore() takes (a plain array's async iteration). */
/** `bytes` cut at the given offsets. */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [0, ...[...offsets].sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

test('applyBatch: results, deletes and the applied index; one batch must continue the last', async () => {
  await withFsms(async (open) => {
    const fsm = open('a');
    assert.equal(fsm.appliedIndex(), 0);
    const long = 'k'.repeat(1979);
    const results = await fsm.applyBatch(
      batch(1, [
        encodePut('a', '1'),
        encodePut('b', '2'),
        undefined,
        encodeDel('a'),
        encodeDel('zz'),
        encoder.encode('no-equals-sign'),
        encoder.encode('=v'),
        encodePut('e', ''),
        encodePut('\u0001ctl', 'x'),
        encodePut(long, 'x'),
        encodeDel(long),
        encodeDel(''),
      ]),
    );
    assert.deepEqual(results, [
      'set',
      'set',
      'absent',
      'deleted',
      'absent',
      'bad-command',
      'bad-command',
      'set',
      'set',
      'bad-command',
      'absent',
      'absent',
    ]);
    assert.equal(fsm.appliedIndex(), 12);
    assert.equal(fsm.get('a'), null);
    assert.equal(fsm.get('b'), '2');
    assert.equal(fsm.get('e'), '');
    assert.equal(fsm.get('\u0001ctl'), 'x');
    assert.equal(fsm.get(long), null);
    assert.deepEqual(await fsm.apply(batch(13, [encodePut('a', '3')])[0]!), 'set');

    // A gap or a replay is a Raft bug: refused, and nothing of it is applied.
    await assert.rejects(fsm.applyBatch(batch(15, [encodePut('x', '1')])), /does not continue applied index 13/);
    await assert.rejects(fsm.applyBatch(batch(13, [encodePut('x', '1')])), /does not continue/);
    assert.equal(fsm.get('x'), null);
    assert.equal(fsm.appliedIndex(), 13);

    const digest = await fsm.digest();
    const model = new Map([
      ['a', '3'],
      ['b', '2'],
      ['e', ''],
      ['\u0001ctl', 'x'],
    ]);
    assert.equal(digest.mapHash, mapHash(model), 'digest agrees with process-cluster mapHash of the same map');
    assert.deepEqual([digest.appliedIndex, digest.keys], [13, 4]);
  });
});

test('snapshot: a copy taken while batches commit is a state the source went through, at or after the label', async () => {
  await withFsms(async (open) => {
    // Small chunks: many writes, with a batch committed after each.
    const source = open('source', { snapshotChunkBytes: 256 });
    const model = new Map<string, string>();
    await putAll(
      source,
      Array.from({ length: 500 }, (_, i) => [`key${String(i).padStart(4, '0')}`, `v${i}`]),
      model,
    );
    const label = source.appliedIndex();
    const digests = new Map([[label, await source.digest()]]);
    const view = await source.snapshot();
    // Taken and not yet persisted: overwrite, delete and add before and while it is written.
    const later: Uint8Array[][] = [];
    const mutate = async (): Promise<void> => {
      const i = later.length;
      const commands = [
        encodePut(`key${String(i).padStart(4, '0')}`, 'changed'),
        encodeDel(`key${String(499 - i).padStart(4, '0')}`),
        encodePut(`new${i}`, 'x'),
      ];
      later.push(commands);
      await source.applyBatch(batch(source.appliedIndex() + 1, commands));
      digests.set(source.appliedIndex(), await source.digest());
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
    assert.ok(later.length > 5, `persist wrote ${chunks.length} chunks; applies should have run between them`);
    const now = await source.digest();

    const copy = open('copy');
    await copy.restore(stream(chunks));
    const restored = await copy.digest();
    assert.ok(restored.appliedIndex >= label, `the copy (at ${restored.appliedIndex}) is not behind the label ${label}`);
    assert.deepEqual(restored, digests.get(restored.appliedIndex));
    // Raft resumes after the label: entries the copy holds are skipped, the rest applied.
    let index = label + 1;
    for (const commands of later) {
      await copy.applyBatch(batch(index, commands));
      index += commands.length;
    }
    assert.deepEqual(await copy.digest(), now);
  });
});

test('restore: streams cut anywhere (1-byte pieces, random cuts, inside the header) give the same state', async () => {
  await withFsms(async (open) => {
    const source = open('source', { snapshotChunkBytes: 1000 });
    const random = seededRandom(7);
    const big = 'B'.repeat(5000); // spans several chunks
    await putAll(source, [
      ['', 'ignored: the empty key is a bad command'],
      ['big', big],
      ['empty', ''],
      ['\u0000nul', 'z'],
      ['\u00e9t\u00e9', '\u{1f600}'],
      ...Array.from({ length: 300 }, (_, i): [string, string] => [`k${i}`, 'v'.repeat(Math.floor(random() * 40))]),
    ]);
    const expected = await source.digest();
    const chunks = await persistToChunks(source);
    assert.ok(chunks.length > 5);
    assert.ok(
      chunks.slice(1, -1).every((c) => c.length === 1000),
      'the header, then full chunks but the last',
    );
    const bytes = Buffer.concat(chunks);

    const cuts: [string, Buffer[]][] = [
      ['one piece', [bytes]],
      [
        '1-byte pieces',
        cut(
          bytes,
          Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
        ),
      ],
      ['inside the header and near the end', cut(bytes, [1, 4, 7, 15, bytes.length - 9, bytes.length - 1])],
      [
        'random',
        cut(
          bytes,
          Array.from({ length: 200 }, () => 1 + Math.floor(random() * (bytes.length - 1))),
        ),
      ],
      ['with empty pieces', [Buffer.alloc(0), ...cut(bytes, [16, 16, 17]), Buffer.alloc(0)]],
    ];
    for (const [name, pieces] of cuts) {
      const copy = open(`copy-${name}`);
      await copy.restore(stream(pieces));
      assert.deepEqual(await copy.digest(), expected, name);
      assert.equal(copy.get('big'), big);
      assert.equal(copy.get('empty'), '');
    }
  });
});

test('restore replaces the whole state, whatever the old applied index', async () => {
  await withFsms(async (open) => {
    const source = open('source');
    await putAll(source, [
      ['shared', 'from-snapshot'],
      ['only-in-snapshot', '1'],
    ]);
    const chunks = await persistToChunks(source);
    const expected = await source.digest();

    for (const [name, entries] of [
      ['ahead', Array.from({ length: 50 }, (_, i): [string, string] => [`old${i}`, 'x'])],
      ['behind', [['shared', 'stale'] as [string, string]]],
    ] as const) {
      const target = open(name);
      await putAll(target, [...entries, ['shared', 'stale']]);
      await target.restore(stream(chunks));
      assert.deepEqual(await target.digest(), expected, name);
      assert.equal(target.get('old1'), null);
      assert.equal(target.appliedIndex(), expected.appliedIndex);
      // It goes on from the snapshot's index.
      await target.applyBatch(batch(expected.appliedIndex + 1, [encodePut('after', 'restore')]));
      assert.equal(target.get('after'), 'restore');
    }
  });
});

test('reopen keeps the state and the applied index', async () => {
  await withDir(async (dir) => {
    let fsm = LmdbKvFsm.open(dir);
    await putAll(
      fsm,
      Array.from({ length: 250 }, (_, i) => [`k${i}`, `v${i}`]),
    );
    await fsm.applyBatch(batch(fsm.appliedIndex() + 1, [encodeDel('k1'), undefined]));
    const before = await fsm.digest();
    await fsm.close();

    fsm = LmdbKvFsm.open(dir);
    try {
      assert.equal(fsm.appliedIndex(), before.appliedIndex);
      assert.deepEqual(await fsm.digest(), before);
      assert.equal(fsm.get('k1'), null);
      assert.deepEqual(await fsm.applyBatch(batch(before.appliedIndex + 1, [encodeDel('k2')])), ['deleted']);
    } finally {
      await fsm.close();
    }
  });
});

test('damaged or interrupted streams change nothing', async () => {
  await withFsms(async (open) => {
    const source = open('source');
    await putAll(
      source,
      Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]),
    );
    const bytes = Buffer.concat(await persistToChunks(source));
    const target = open('target');
    await putAll(target, [['mine', '1']]);
    const mine = await target.digest();

    const badMagic = Buffer.from(bytes);
    badMagic[0] = 0x58;
    const garbage = Buffer.concat([bytes.subarray(0, 16), Buffer.alloc(bytes.length - 16, 0x33)]);
    const interrupted = stream([bytes.subarray(0, Math.floor(bytes.length / 2))], { after: 1, error: new Error('connection lost') });
    const cases: [string, AsyncIterable<Uint8Array>, RegExp | typeof CorruptionError][] = [
      ['bad magic', stream([badMagic]), CorruptionError],
      ['cut short', stream([bytes.subarray(0, bytes.length - 3)]), CorruptionError],
      ['overlong', stream([bytes, Buffer.from([0])]), CorruptionError],
      ['no LMDB file', stream([garbage]), CorruptionError],
      ['interrupted', interrupted, /connection lost/],
    ];
    for (const [name, chunks, error] of cases) {
      await assert.rejects(target.restore(chunks), error, name);
      assert.deepEqual(await target.digest(), mine, name);
      assert.equal(target.get('mine'), '1', name);
    }
  });
});

test('persist writes 1 MiB chunks by default', async () => {
  await withFsms(async (open) => {
    const fsm = open('a');
    const value = 'x'.repeat(10_000);
    await putAll(
      fsm,
      Array.from({ length: 300 }, (_, i) => [`k${i}`, value]),
    );
    const chunks = await persistToChunks(fsm);
    assert.ok(chunks.length >= 4);
    assert.ok(chunks.slice(1, -1).every((c) => c.length === 1 << 20), 'the header, then 1 MiB chunks');
    assert.ok(chunks.at(-1)!.length <= 1 << 20);
  });
});

// Raft.shutdown() does not wait for the FSM's work under way, so close() must.
test('close() waits for a batch and a persist under way, stops the persist, and refuses new work', async () => {
  await withDir(async (dir) => {
    const fsm = LmdbKvFsm.open(dir, { snapshotChunkBytes: 64 });
    await putAll(
      fsm,
      Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`]),
    );
    const view = await fsm.snapshot();
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    let writing!: () => void;
    const firstWrite = new Promise<void>((resolve) => (writing = resolve));
    const persisting = view.persist(() => {
      writing();
      return blocked;
    });
    // The persist is under way once it writes (its copy is made first, on a worker thread).
    await firstWrite;
    const applying = fsm.applyBatch(batch(fsm.appliedIndex() + 1, [encodePut('late', 'batch')]));
    let closed = false;
    const closing = fsm.close().then(() => (closed = true));
    assert.deepEqual(await applying, ['set'], 'the batch under way completes');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false, 'close() waits for the persist');
    unblock();
    await assert.rejects(persisting, /closed during persist/);
    await closing;
    view.release(); // nothing to release after close(): a no-op
    await assert.rejects(fsm.applyBatch(batch(100, [encodePut('x', 'y')])), /after close/);

    const reopened = LmdbKvFsm.open(dir);
    try {
      assert.equal(reopened.get('late'), 'batch');
      assert.equal(reopened.appliedIndex(), 51);
    } finally {
      await reopened.close();
    }
  });
});
