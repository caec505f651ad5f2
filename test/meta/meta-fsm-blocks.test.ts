/**
 * Block allocation (GetBlockLocations' write mode) and FinalizeWrite in the namespace FSM, and the
 * recursive directory sizes they keep up to date.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_SIZE_BYTES, DIRECTORY, FILE, MAX_BLOCKS_PER_FILE } from '../../src/meta/node-types';
import {
  MiB,
  Replica,
  T0,
  allocate,
  assertRefusalChangesNothing,
  create,
  finalize,
  mkdir,
  placementsFor,
  remove,
  rename,
  withFsms,
} from './support/meta-harness';

const MD5 = '0123456789abcdef0123456789abcdef';

test('allocate: ceil(size / 4 MiB) blocks with ids from the counter and the given locations', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    let nextId = 1;
    for (const [name, size, blocks] of [
      ['one-byte', 1, 1],
      ['one-block', BLOCK_SIZE_BYTES, 1],
      ['just-over', BLOCK_SIZE_BYTES + 1, 2],
      ['three', 3 * BLOCK_SIZE_BYTES, 3],
    ] as const) {
      const p = `/${name}`;
      const inode = await r.inode(create(p));
      const placements = placementsFor(size, nextId);
      const result = await r.run(allocate(p, size, { placements, at: T0 + 4 }));
      const expected = placements.map((locations, i) => ({ blockId: nextId + i, locations }));
      assert.deepEqual(result, { ok: true, inode, blocks: expected }, name);
      assert.deepEqual(r.reader.blocks(r.stat(p)), expected, name);
      assert.deepEqual(r.stat(p).record, { t: FILE, p: 1, n: name, s: 0, m: T0 + 4, r: 3, h: '', b: blocks }, name);
      nextId += blocks;
    }
    assert.deepEqual(r.keys('gc'), []);
  });
});

test('allocate refusals: placements that do not match, sizes 0, negative or too big; none changes anything', async () => {
  const setup = [create('/f')];
  const twoBlocks = BLOCK_SIZE_BYTES + 1;
  await assertRefusalChangesNothing(
    setup,
    allocate('/f', twoBlocks, { placements: placementsFor(1) }),
    'invalid-argument',
    'needs 2 blocks but 1 placements',
  );
  await assertRefusalChangesNothing(
    setup,
    allocate('/f', 1, { placements: placementsFor(twoBlocks) }),
    'invalid-argument',
    'needs 1 blocks but 2 placements',
  );
  await assertRefusalChangesNothing(setup, allocate('/f', 1, { placements: [[]] }), 'invalid-argument', 'a block has no locations');
  await assertRefusalChangesNothing(setup, allocate('/f', 0, { placements: [] }), 'invalid-argument', 'cannot allocate blocks for size 0');
  await assertRefusalChangesNothing(setup, allocate('/f', -1, { placements: [] }), 'invalid-argument', 'invalid size -1');
  const tooBig = MAX_BLOCKS_PER_FILE * BLOCK_SIZE_BYTES + 1;
  await assertRefusalChangesNothing(setup, allocate('/f', tooBig, { placements: [] }), 'invalid-argument', 'beyond the largest file');
  await assertRefusalChangesNothing(setup, allocate('f', 1), 'invalid-argument', 'must be absolute');
});

test('allocate refusals: missing file, directory, bad parent; none changes anything', async () => {
  const setup = [mkdir('/d'), create('/f')];
  await assertRefusalChangesNothing(setup, allocate('/nope', 1), 'not-found', 'file not found: /nope');
  await assertRefusalChangesNothing(setup, allocate('/d', 1), 'is-a-directory', 'cannot get block locations for directory: /d');
  await assertRefusalChangesNothing(
    setup,
    allocate('/d', 1, { create: true }),
    'is-a-directory',
    'cannot get block locations for directory: /d',
  );
  await assertRefusalChangesNothing(setup, allocate('/', 1, { create: true }), 'is-a-directory', 'directory: /');
  await assertRefusalChangesNothing(setup, allocate('/x/y', 1, { create: true }), 'not-found', 'parent directory does not exist: /x');
  await assertRefusalChangesNothing(setup, allocate('/d/x/y', 1, { create: true }), 'not-found', 'parent directory does not exist: /d/x');
  await assertRefusalChangesNothing(setup, allocate('/f/y', 1, { create: true }), 'not-a-directory', 'parent is not a directory: /f');
  await assertRefusalChangesNothing(setup, allocate('/f/y/z', 1, { create: true }), 'not-a-directory', 'parent is not a directory: /f');
});

test('allocate with create makes the file (replication from the command) and maps its blocks', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(mkdir('/d'));
    const result = await r.run(allocate('/d/new', 2 * BLOCK_SIZE_BYTES, { create: true, replication: 2, at: T0 + 8 }));
    assert.deepEqual(result, {
      ok: true,
      inode: 3,
      blocks: placementsFor(2 * BLOCK_SIZE_BYTES).map((locations, i) => ({ blockId: 1 + i, locations })),
    });
    assert.deepEqual(r.stat('/d/new').record, { t: FILE, p: 2, n: 'new', s: 0, m: T0 + 8, r: 2, h: '', b: 2 });
    assert.equal(r.stat('/d').record.m, T0 + 8);
    assert.deepEqual(r.names('/d'), ['new']);
  });
});

test('re-allocation drops the old blocks into gc, removes stale higher mappings, and resets size and md5', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(mkdir('/d'));
    const inode = await r.inode(allocate('/d/f', 3 * BLOCK_SIZE_BYTES, { create: true }));
    await r.ok(finalize('/d/f', inode, 3 * BLOCK_SIZE_BYTES, { md5: MD5 }));
    const old = r.reader.blocks(r.stat('/d/f'));
    assert.equal(r.size('/'), 3 * BLOCK_SIZE_BYTES);

    const again = await r.run(allocate('/d/f', 10, { at: T0 + 20 }));
    assert.deepEqual(again, { ok: true, inode, blocks: [{ blockId: 4, locations: placementsFor(10)[0]! }] });
    assert.deepEqual(r.keys('blocks'), [[inode, 0]]);
    assert.deepEqual(r.keys('gc'), [1, 2, 3]);
    for (const b of old) assert.deepEqual(r.fsm.state.env.gc.get(b.blockId), b.locations);
    assert.deepEqual(r.stat('/d/f').record, { t: FILE, p: 2, n: 'f', s: 0, m: T0 + 20, r: 3, h: '', b: 1 });
    assert.deepEqual([r.size('/d'), r.size('/')], [0, 0]);
  });
});

test('finalize sets size, md5 and mtime', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const inode = await r.inode(allocate('/f', 5 * MiB, { create: true }));
    assert.deepEqual(await r.run(finalize('/f', inode, 5 * MiB, { md5: MD5, at: T0 + 30 })), { ok: true });
    assert.deepEqual(r.stat('/f').record, { t: FILE, p: 1, n: 'f', s: 5 * MiB, m: T0 + 30, r: 3, h: MD5, b: 2 });
    // An empty file has no blocks and may be finalized with size 0 and no md5.
    const empty = await r.inode(create('/e'));
    assert.deepEqual(await r.run(finalize('/e', empty, 0, { md5: '', at: T0 + 31 })), { ok: true });
    assert.deepEqual(r.stat('/e').record, { t: FILE, p: 1, n: 'e', s: 0, m: T0 + 31, r: 3, h: '', b: 0 });
    // Finalizing again with another size in the same blocks replaces the first.
    assert.deepEqual(await r.run(finalize('/f', inode, 8 * MiB, { md5: MD5 })), { ok: true });
    assert.equal(r.size('/'), 8 * MiB);
  });
});

test('finalize refusals: wrong inode, size not fitting the blocks, directory, bad md5 or inode; none changes anything', async () => {
  // /f is inode 2 with 2 blocks; /d is inode 3.
  const setup = [allocate('/f', 5 * MiB, { create: true }), mkdir('/d')];
  await assertRefusalChangesNothing(
    setup,
    finalize('/f', 3, 5 * MiB),
    'failed-precondition',
    'inode 3 is not the file at /f (that is inode 2)',
  );
  await assertRefusalChangesNothing(
    setup,
    finalize('/f', 2, 4 * MiB),
    'failed-precondition',
    'size 4194304 needs 1 blocks but /f has 2 allocated',
  );
  await assertRefusalChangesNothing(setup, finalize('/f', 2, 8 * MiB + 1), 'failed-precondition', 'needs 3 blocks but /f has 2');
  await assertRefusalChangesNothing(setup, finalize('/f', 2, 0), 'failed-precondition', 'needs 0 blocks but /f has 2');
  await assertRefusalChangesNothing(setup, finalize('/d', 3, 0), 'is-a-directory', 'cannot finalize a directory: /d');
  await assertRefusalChangesNothing(setup, finalize('/nope', 2, 1), 'not-found', 'file not found: /nope');
  await assertRefusalChangesNothing(
    setup,
    finalize('/f', 2, 5 * MiB, { md5: MD5.toUpperCase() }),
    'invalid-argument',
    'md5 must be 32 lower-case hex digits',
  );
  await assertRefusalChangesNothing(setup, finalize('/f', 2, 5 * MiB, { md5: 'abc' }), 'invalid-argument', 'md5 must be');
  await assertRefusalChangesNothing(setup, finalize('/f', 0, 5 * MiB), 'invalid-argument', 'invalid inode 0');
  await assertRefusalChangesNothing(setup, finalize('/f', 2, -5), 'invalid-argument', 'invalid size -5');
  // After a re-allocation with fewer blocks, the old size no longer fits.
  await assertRefusalChangesNothing([...setup, allocate('/f', 1)], finalize('/f', 2, 5 * MiB), 'failed-precondition', 'has 1 allocated');
});

test('directory sizes (recursive sums) follow finalize, delete, rename and re-allocation in every ancestor', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const dirs = ['/', '/a', '/a/b', '/a/c', '/x', '/x/y'];
    const sizes = (): number[] => dirs.map((p) => r.size(p));
    await r.ok(mkdir('/a/b', { parents: true }));
    await r.ok(mkdir('/a/c'));
    await r.ok(mkdir('/x/y', { parents: true }));
    const f1 = await r.inode(allocate('/a/b/f1', 6 * MiB, { create: true }));
    const f2 = await r.inode(allocate('/a/c/f2', 10, { create: true }));
    const f3 = await r.inode(allocate('/x/y/f3', 3, { create: true }));
    assert.deepEqual(sizes(), [0, 0, 0, 0, 0, 0], 'allocated, not yet finalized');
    await r.ok(finalize('/a/b/f1', f1, 5 * MiB));
    assert.deepEqual(sizes(), [5 * MiB, 5 * MiB, 5 * MiB, 0, 0, 0]);
    await r.ok(finalize('/a/c/f2', f2, 10));
    await r.ok(finalize('/x/y/f3', f3, 3));
    assert.deepEqual(sizes(), [5 * MiB + 13, 5 * MiB + 10, 5 * MiB, 10, 3, 3]);
    await r.ok(finalize('/a/b/f1', f1, 6 * MiB));
    assert.deepEqual(sizes(), [6 * MiB + 13, 6 * MiB + 10, 6 * MiB, 10, 3, 3]);
    await r.ok(allocate('/a/c/f2', 1));
    assert.deepEqual(sizes(), [6 * MiB + 3, 6 * MiB, 6 * MiB, 0, 3, 3]);
    await r.ok(finalize('/a/c/f2', f2, 7));
    // A directory moves with its size: it leaves one ancestor chain and joins the other.
    await r.ok(rename('/a/b', '/x/y/b'));
    assert.deepEqual(
      ['/', '/a', '/a/c', '/x', '/x/y', '/x/y/b'].map((p) => r.size(p)),
      [6 * MiB + 10, 7, 7, 6 * MiB + 3, 6 * MiB + 3, 6 * MiB],
    );
    // A file moves too.
    await r.ok(rename('/a/c/f2', '/f2'));
    assert.deepEqual(
      ['/', '/a', '/a/c', '/f2'].map((p) => r.size(p)),
      [6 * MiB + 10, 0, 0, 7],
    );
    await r.ok(remove('/x/y/b/f1'));
    assert.deepEqual(
      ['/', '/x', '/x/y', '/x/y/b'].map((p) => r.size(p)),
      [10, 3, 3, 0],
    );
    await r.ok(remove('/x', true));
    assert.deepEqual(
      ['/', '/a'].map((p) => r.size(p)),
      [7, 0],
    );
    assert.equal(r.stat('/a').record.t, DIRECTORY);
  });
});
