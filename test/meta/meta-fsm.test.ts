/**
 * The namespace FSM as Raft sees it: the root made by the entry at index 1, the applied index
 * (continuity, reopen), undecodable commands, and idempotency keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Packr } from 'msgpackr';
import { LogType } from '../../src/raft';
import { COMMAND_VERSION, IMPORT_COMMAND_VERSION, MAX_IMPORT_NODES, encodeCommand, type ImportCommand } from '../../src/meta/commands';
import { MAX_REQUEST_ID_LENGTH, REQUEST_ID_TTL_MS } from '../../src/meta/command-applier';
import { MetaFsm } from '../../src/meta/meta-fsm';
import { NamespaceReader } from '../../src/meta/namespace-reader';
import { DIRECTORY, FILE, ROOT_INODE } from '../../src/meta/node-types';
import {
  MiB,
  Replica,
  T0,
  allocate,
  assertRefusalChangesNothing,
  assertRefused,
  create,
  entries,
  finalize,
  mkdir,
  remove,
  withDir,
  withFsms,
} from './support/meta-harness';

const packr = new Packr({ useRecords: false, mapsAsObjects: true });
/** A command entry's bytes: the version byte, then `value` packed. */
const IMPORT_X: ImportCommand = { op: 'import', nodes: [['/x', FILE]], replication: 3, at: T0 };
const raw = (value: unknown, version = COMMAND_VERSION): Uint8Array => Buffer.concat([Buffer.from([version]), packr.pack(value)]);

test('the entry at index 1 makes the root, whatever its type', async () => {
  await withFsms(async (open) => {
    for (const [name, first] of [
      ['configuration', LogType.Configuration],
      ['noop', LogType.Noop],
      ['command', create('/a')],
    ] as const) {
      const fsm = open(name);
      const reader = new NamespaceReader(fsm.state);
      assertRefused(reader.stat('/'), 'failed-precondition', 'no root yet');
      const [result] = await fsm.applyBatch(entries(1, [first]));
      await fsm.settled(); // results come before the commit (pipelined applies)
      assert.deepEqual(result, name === 'command' ? { ok: true, inode: 2 } : { ok: true });
      const root = reader.stat('/');
      assert.ok(!('kind' in root));
      assert.equal(root.inode, ROOT_INODE);
      assert.equal(root.record.t, DIRECTORY);
      assert.equal(root.path, '/');
      assert.equal(!('kind' in reader.stat('/a')), name === 'command', `${name}: /a`);
    }
  });
});

test('the root is made only once: later entries keep its size and mtime', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const inode = await r.inode(allocate('/f', 10, { create: true, at: T0 + 5 }));
    await r.ok(finalize('/f', inode, 10, { at: T0 + 6 }));
    const before = r.stat('/').record;
    assert.equal(before.s, 10);
    assert.equal(before.m, T0 + 5);
    await r.batch([LogType.Configuration, LogType.Noop, create('/g', FILE, { at: T0 + 7 })]);
    assert.deepEqual(r.stat('/').record, { ...before, m: T0 + 7 });
    assert.deepEqual(r.keys<number>('inodes'), [1, 2, 3]);
  });
});

test('applied index: each batch must continue it; a bad batch throws and changes nothing', async () => {
  await withFsms(async (open) => {
    const fsm = open('a');
    assert.equal(fsm.appliedIndex(), 0);
    await assert.rejects(fsm.applyBatch(entries(2, [LogType.Noop])), /batch 2\.\.2 \(1 entries\) does not continue applied index 0/);
    const results = await fsm.applyBatch(entries(1, [LogType.Configuration, mkdir('/d'), LogType.Noop]));
    assert.deepEqual(results, [{ ok: true }, { ok: true, inode: 2 }, { ok: true }]);
    await fsm.committedAtLeast(3);
    assert.equal(fsm.appliedIndex(), 3);
    assert.deepEqual(await fsm.applyBatch([]), []);
    const digest = await fsm.digest();
    assert.equal(digest.appliedIndex, 3);
    await assert.rejects(fsm.applyBatch(entries(5, [create('/x')])), /does not continue applied index 3/);
    await assert.rejects(fsm.applyBatch(entries(3, [create('/x')])), /does not continue applied index 3/);
    const gap = [...entries(4, [create('/x')]), ...entries(6, [create('/y')])];
    await assert.rejects(fsm.applyBatch(gap), /batch 4\.\.6 \(2 entries\)/);
    assert.deepEqual(await fsm.digest(), digest);
    assert.equal(fsm.appliedIndex(), 3);
  });
});

test('the applied index and the namespace persist across close and reopen', async () => {
  await withDir(async (dir) => {
    const where = path.join(dir, 'fsm');
    let fsm = MetaFsm.open(where);
    const r = await Replica.bootstrap(fsm);
    await r.batch([mkdir('/d'), create('/d/f'), LogType.Noop]);
    const digest = await fsm.digest();
    assert.equal(digest.appliedIndex, 4);
    await fsm.close();
    await fsm.close(); // idempotent
    await assert.rejects(fsm.applyBatch(entries(5, [LogType.Noop])), /after close/);

    fsm = MetaFsm.open(where);
    try {
      assert.equal(fsm.appliedIndex(), 4);
      assert.deepEqual(await fsm.digest(), digest);
      const again = new Replica(fsm);
      assert.deepEqual(again.names('/d'), ['f']);
      assert.deepEqual(await again.run(create('/d/g')), { ok: true, inode: 4 });
      assert.equal(fsm.appliedIndex(), 5);
    } finally {
      await fsm.close();
    }
  });
});

test('undecodable or malformed command bytes are invalid-argument and change nothing', async () => {
  const setup = [mkdir('/d'), create('/d/f')];
  const cases: [string, Uint8Array, string][] = [
    ['no bytes', new Uint8Array(0), 'empty command'],
    ['version only', new Uint8Array([COMMAND_VERSION]), 'empty command'],
    ['unknown version', encodeCommand(remove('/d/f')).map((b, i) => (i === 0 ? 9 : b)), 'unknown command version 9'],
    ['the never-used msgpack byte', new Uint8Array([COMMAND_VERSION, 0xc1]), 'unknown command op'],
    ['a string header without its bytes', new Uint8Array([COMMAND_VERSION, 0xd9]), 'undecodable command'],
    ['trailing bytes', Buffer.concat([encodeCommand(remove('/d/f')), Buffer.from([0])]), 'undecodable command'],
    ['truncated msgpack', encodeCommand(remove('/d/f')).subarray(0, 6), 'undecodable command'],
    ['a number', raw(5), 'command is not a record'],
    ['null', raw(null), 'command is not a record'],
    ['unknown op', raw({ op: 'chmod', path: '/d/f', at: T0 }), 'unknown command op chmod'],
    ['no time', raw({ op: 'delete', path: '/d/f', recursive: false }), 'command has no time'],
    ['fractional time', raw({ op: 'delete', path: '/d/f', recursive: false, at: 1.5 }), 'command has no time'],
    ['path not a string', raw({ op: 'delete', path: 7, recursive: false, at: T0 }), 'delete: path is not a string'],
    ['type not a number', raw({ ...create('/x'), type: 'file' }), 'create: type is not a number'],
    ['parents not a boolean', raw({ ...create('/x'), parents: 1 }), 'create: parents is not a boolean'],
    ['placements not lists', raw({ ...allocate('/d/f', 1), placements: ['a'] }), 'allocate: placements are not lists'],
    ['request id not a string', raw({ ...remove('/d/f'), requestId: 3 }), 'request id is not a string'],
    ['an import under the first version', raw(IMPORT_X), 'command version 1 has no op import'],
    ['a create under the import version', raw(create('/x'), IMPORT_COMMAND_VERSION), 'command version 2 has no op create'],
    ['import items not pairs', raw({ ...IMPORT_X, nodes: [['/x']] }, IMPORT_COMMAND_VERSION), 'import: nodes are not [path, type] pairs'],
    [
      'import path not a string',
      raw({ ...IMPORT_X, nodes: [[7, FILE]] }, IMPORT_COMMAND_VERSION),
      'import: nodes are not [path, type] pairs',
    ],
    [
      'an import over the limit',
      encodeCommand({ ...IMPORT_X, nodes: Array.from({ length: MAX_IMPORT_NODES + 1 }, (_, i) => [`/x${i}`, FILE] as const) }),
      `at most ${MAX_IMPORT_NODES} nodes`,
    ],
    [
      'request id too long',
      encodeCommand(remove('/d/f', false, { requestId: 'r'.repeat(MAX_REQUEST_ID_LENGTH + 1) })),
      'request id is longer',
    ],
  ];
  for (const [name, bytes, message] of cases) {
    await assertRefusalChangesNothing(setup, bytes, 'invalid-argument', message).catch((error: unknown) => {
      throw new Error(`case ${name}: ${String(error)}`);
    });
  }
});

test('idempotency: a retry with the same key returns the first result without applying again', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const first = await r.run(create('/a', FILE, { requestId: 'r1' }));
    assert.deepEqual(first, { ok: true, inode: 2 });
    assert.deepEqual(await r.run(create('/a', FILE, { requestId: 'r1', at: T0 + 1 })), first);
    assert.deepEqual(await r.run(create('/b')), { ok: true, inode: 3 }, 'the retry allocated no inode');

    const allocation = await r.run(allocate('/a', 5 * MiB, { requestId: 'w1' }));
    assert.ok(allocation.ok && 'blocks' in allocation);
    assert.deepEqual(await r.run(allocate('/a', 5 * MiB, { requestId: 'w1', at: T0 + 2 })), allocation);
    assert.deepEqual(r.keys('gc'), [], 'the retry dropped no blocks');
    assert.deepEqual(
      r.reader.blocks(r.stat('/a')).map((b) => b.blockId),
      [1, 2],
    );

    // A refusal is remembered too: the retry answers it even after the state changed.
    const missing = await r.run(remove('/c', false, { requestId: 'd1' }));
    assertRefused(missing, 'not-found', 'no such file or directory: /c');
    await r.ok(create('/c'));
    assert.deepEqual(await r.run(remove('/c', false, { requestId: 'd1' })), missing);
    assert.ok(r.exists('/c'));
    // An empty key is no key.
    assert.deepEqual(await r.run(create('/e', FILE, { requestId: '' })), { ok: true, inode: 5 });
    assertRefused(await r.run(create('/e', FILE, { requestId: '' })), 'already-exists', '/e');
    assert.deepEqual(r.keys<string>('requests').sort(), ['d1', 'r1', 'w1']);
  });
});

test('idempotency: a key reused for another request is refused and changes nothing', async () => {
  await assertRefusalChangesNothing(
    [create('/a', FILE, { requestId: 'k' })],
    remove('/a', false, { requestId: 'k' }),
    'invalid-argument',
    'already used',
  );
  await assertRefusalChangesNothing(
    [create('/a', FILE, { requestId: 'k' })],
    create('/b', FILE, { requestId: 'k' }),
    'invalid-argument',
    'create /a',
  );
});

test('idempotency: keys expire REQUEST_ID_TTL_MS after first use, by the commands own clock', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    assert.deepEqual(await r.run(create('/a', FILE, { requestId: 'k', at: T0 })), { ok: true, inode: 2 });
    await r.ok(remove('/a', false, { at: T0 + 1 }));
    // Still remembered at exactly the TTL: the retry answers the first result and creates nothing.
    assert.deepEqual(await r.run(create('/a', FILE, { requestId: 'k', at: T0 + REQUEST_ID_TTL_MS })), { ok: true, inode: 2 });
    assert.ok(!r.exists('/a'));
    // One millisecond later it is forgotten: the same request applies again.
    assert.deepEqual(await r.run(create('/a', FILE, { requestId: 'k', at: T0 + REQUEST_ID_TTL_MS + 1 })), { ok: true, inode: 3 });
    assert.ok(r.exists('/a'));
    assert.deepEqual(r.keys('expiry'), [[T0 + REQUEST_ID_TTL_MS + 1, 'k']]);

    // Expired keys go a few per command, oldest first, whatever the command.
    const base = T0 + 10 * REQUEST_ID_TTL_MS;
    for (let i = 0; i < 6; i++) await r.ok(create(`/k${i}`, FILE, { requestId: `k${i}`, at: base + i }));
    const later = base + 6 + REQUEST_ID_TTL_MS;
    await r.ok(mkdir('/x', { at: later }));
    assert.deepEqual(r.keys<string>('requests'), ['k4', 'k5']);
    await r.run(LogType.Noop); // entries that are not commands expire nothing
    assert.deepEqual(r.keys<string>('requests'), ['k4', 'k5']);
    assertRefused(await r.run(mkdir('/x', { at: later })), 'already-exists', '/x');
    assert.deepEqual(r.keys<string>('requests'), []);
    assert.deepEqual(r.keys('expiry'), []);
  });
});

test('pipelined applies: results before the commit, appliedIndex() only what is committed, snapshot and digest wait for commits', async () => {
  await withFsms(async (open) => {
    const fsm = open('p');
    const first = fsm.applyBatch(entries(1, [LogType.Configuration, mkdir('/a')]));
    // The next batch may be handed over before the first is committed: it continues the handed index.
    const second = fsm.applyBatch(entries(3, [mkdir('/a/b'), mkdir('/c')]));
    assert.deepEqual(await first, [{ ok: true }, { ok: true, inode: 2 }]);
    assert.deepEqual(await second, [
      { ok: true, inode: 3 },
      { ok: true, inode: 4 },
    ]);
    assert.ok(fsm.appliedIndex() <= 4);
    await fsm.committedAtLeast(4);
    assert.equal(fsm.appliedIndex(), 4);
    const third = fsm.applyBatch(entries(5, [create('/a/b/f')]));
    const view = await fsm.snapshot();
    try {
      await third;
      assert.equal(fsm.appliedIndex(), 5, 'snapshot() waited until the handed batch was committed');
    } finally {
      view.release();
    }
    assert.equal((await fsm.digest()).appliedIndex, 5);
  });
});
