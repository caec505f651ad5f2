/** Rename in the namespace FSM: files and directories, the entries and inodes it moves, and its refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILE } from '../../src/meta/node-types';
import {
  Replica,
  T0,
  allocate,
  assertNoEffect,
  assertRefusalChangesNothing,
  create,
  finalize,
  mkdir,
  rename,
  withFsms,
} from './support/meta-harness';

test('rename a file: same inode under the new name; both parents touched, sizes moved', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(mkdir('/a'));
    await r.ok(mkdir('/b'));
    const inode = await r.inode(allocate('/a/f', 100, { create: true }));
    await r.ok(finalize('/a/f', inode, 100, { at: T0 + 1 }));
    const blocks = r.reader.blocks(r.stat('/a/f'));
    assert.deepEqual(await r.run(rename('/a/f', '/b/g', { at: T0 + 7 })), { ok: true });
    assert.ok(!r.exists('/a/f'));
    const moved = r.stat('/b/g');
    assert.equal(moved.inode, inode);
    assert.deepEqual(moved.record, { t: FILE, p: r.stat('/b').inode, n: 'g', s: 100, m: T0 + 1, r: 3, h: moved.record.h, b: 1 });
    assert.deepEqual(r.reader.blocks(moved), blocks);
    assert.deepEqual([r.stat('/a').record.m, r.stat('/b').record.m], [T0 + 7, T0 + 7]);
    assert.deepEqual([r.size('/a'), r.size('/b'), r.size('/')], [0, 100, 100]);
    assert.equal(r.reader.pathOf(inode), '/b/g');
    // Within one directory.
    await r.ok(rename('/b/g', '/b/h'));
    assert.deepEqual(r.names('/b'), ['h']);
  });
});

test('rename a directory: its whole subtree moves, inodes unchanged', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(mkdir('/a/b/c', { parents: true }));
    await r.ok(create('/a/b/c/f'));
    await r.ok(mkdir('/z'));
    const inodes = ['/a/b', '/a/b/c', '/a/b/c/f'].map((p) => r.stat(p).inode);
    assert.deepEqual(await r.run(rename('/a/b', '/z/b2')), { ok: true });
    assert.deepEqual(
      ['/z/b2', '/z/b2/c', '/z/b2/c/f'].map((p) => r.stat(p).inode),
      inodes,
    );
    assert.deepEqual(r.names('/a'), []);
    assert.deepEqual(r.names('/z'), ['b2']);
    // Up the tree (a directory into its own ancestor) is allowed.
    await r.ok(rename('/z/b2/c', '/c'));
    assert.deepEqual(r.names('/'), ['a', 'c', 'z']);
    assert.equal(r.stat('/c/f').inode, inodes[2]);
  });
});

test('rename onto itself is success and changes nothing', async () => {
  const setup = [mkdir('/d'), create('/d/f')];
  await assertNoEffect(setup, rename('/d/f', '/d/./f', { at: T0 + 5 }), (result) => assert.deepEqual(result, { ok: true }));
  await assertNoEffect(setup, rename('/d', '/d', { at: T0 + 5 }), (result) => assert.deepEqual(result, { ok: true }));
});

test('rename refusals: under itself, onto an existing path, missing source, bad destination parent; none changes anything', async () => {
  const setup = [mkdir('/d/e', { parents: true }), create('/d/f'), create('/g'), mkdir('/h')];
  await assertRefusalChangesNothing(
    setup,
    rename('/d', '/d/e/x'),
    'invalid-argument',
    'cannot move a directory under itself: /d -> /d/e/x',
  );
  await assertRefusalChangesNothing(setup, rename('/d', '/d/x'), 'invalid-argument', 'cannot move a directory under itself');
  await assertRefusalChangesNothing(setup, rename('/d/e', '/d/e/x'), 'invalid-argument', 'under itself');
  await assertRefusalChangesNothing(setup, rename('/d/f', '/g'), 'already-exists', 'destination already exists: /g');
  await assertRefusalChangesNothing(setup, rename('/d/f', '/h'), 'already-exists', 'destination already exists: /h');
  await assertRefusalChangesNothing(setup, rename('/h', '/d/e'), 'already-exists', 'destination already exists: /d/e');
  await assertRefusalChangesNothing(setup, rename('/d/e', '/d'), 'already-exists', 'destination already exists: /d');
  await assertRefusalChangesNothing(setup, rename('/g', '/'), 'already-exists', 'destination already exists: /');
  await assertRefusalChangesNothing(setup, rename('/nope', '/x'), 'not-found', 'no such file or directory: /nope');
  await assertRefusalChangesNothing(setup, rename('/g/x', '/x'), 'not-a-directory', 'not a directory: /g');
  await assertRefusalChangesNothing(setup, rename('/g', '/x/y'), 'not-found', 'parent directory does not exist: /x');
  await assertRefusalChangesNothing(setup, rename('/g', '/d/f/y'), 'not-a-directory', 'parent is not a directory: /d/f');
  await assertRefusalChangesNothing(setup, rename('/g', '/g/y'), 'not-a-directory', 'parent is not a directory: /g');
  await assertRefusalChangesNothing(setup, rename('/', '/x'), 'invalid-argument', 'the root directory cannot be renamed');
  await assertRefusalChangesNothing(setup, rename('/g', 'x'), 'invalid-argument', 'must be absolute');
});
