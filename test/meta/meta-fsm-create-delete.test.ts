/**
 * CreateNode and DeleteNode in the namespace FSM: what each command does, every refusal (exact
 * kind and message, and that it changes nothing), mkdir -p, and recursive delete with purge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECTORY, FILE, ROOT_INODE, type NodeType } from '../../src/meta/node-types';
import {
  MiB,
  Replica,
  T0,
  allocate,
  assertNoEffect,
  assertRefusalChangesNothing,
  create,
  finalize,
  mkdir,
  purge,
  remove,
  withFsms,
} from './support/meta-harness';

test('create: a file and a directory get fresh inodes, type, mtime and replication; the parent is touched', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    assert.deepEqual(await r.run(mkdir('/d', { at: T0 + 1, replication: 2 })), { ok: true, inode: 2 });
    assert.deepEqual(await r.run(create('/d/f', FILE, { at: T0 + 2 })), { ok: true, inode: 3 });
    assert.deepEqual(r.stat('/d').record, { t: DIRECTORY, p: ROOT_INODE, n: 'd', s: 0, m: T0 + 2, r: 2, h: '', b: 0 });
    assert.deepEqual(r.stat('/d/f').record, { t: FILE, p: 2, n: 'f', s: 0, m: T0 + 2, r: 3, h: '', b: 0 });
    assert.equal(r.stat('/').record.m, T0 + 1);
    assert.deepEqual(r.names('/'), ['d']);
    assert.deepEqual(r.names('/d'), ['f']);
    // Paths are cleaned inside apply.
    assert.deepEqual(await r.run(create('//d/./x/../g/', FILE)), { ok: true, inode: 4 });
    assert.deepEqual(r.names('/d'), ['f', 'g']);
  });
});

test('create under a missing parent is not-found and changes nothing', async () => {
  await assertRefusalChangesNothing([mkdir('/d')], create('/d/x/f'), 'not-found', 'parent directory does not exist: /d/x');
  await assertRefusalChangesNothing([], mkdir('/x/y/z'), 'not-found', 'parent directory does not exist: /x');
});

test('create under a file is not-a-directory and changes nothing', async () => {
  await assertRefusalChangesNothing([create('/f')], create('/f/g'), 'not-a-directory', 'parent is not a directory: /f');
  await assertRefusalChangesNothing([create('/f')], mkdir('/f/g/h'), 'not-a-directory', 'parent is not a directory: /f');
  await assertRefusalChangesNothing([create('/f')], mkdir('/f/g/h', { parents: true }), 'not-a-directory', 'parent is not a directory: /f');
});

test('create of an existing path is already-exists and changes nothing', async () => {
  const setup = [mkdir('/d'), create('/d/f')];
  for (const type of [FILE, DIRECTORY] as const) {
    await assertRefusalChangesNothing(setup, create('/d/f', type), 'already-exists', 'path already exists: /d/f');
    await assertRefusalChangesNothing(setup, create('/d', type), 'already-exists', 'path already exists: /d');
  }
  // mkdir -p accepts an existing directory only.
  await assertRefusalChangesNothing(setup, mkdir('/d/f', { parents: true }), 'already-exists', 'path already exists: /d/f');
  await assertRefusalChangesNothing(setup, create('/d', FILE, { parents: true }), 'already-exists', 'path already exists: /d');
});

test('create of the root is already-exists and changes nothing', async () => {
  await assertRefusalChangesNothing([], mkdir('/'), 'already-exists', 'the root directory already exists');
  await assertRefusalChangesNothing([], create('/', FILE, { parents: true }), 'already-exists', 'the root directory already exists');
  await assertRefusalChangesNothing([mkdir('/a')], mkdir('/a/..'), 'already-exists', 'the root directory already exists');
});

test('create with a bad type, replication or path is invalid-argument and changes nothing', async () => {
  for (const type of [0, 1, 4]) {
    await assertRefusalChangesNothing([], create('/x', type as NodeType), 'invalid-argument', `cannot create a node of type ${type}`);
  }
  await assertRefusalChangesNothing([], create('/x', FILE, { replication: 0 }), 'invalid-argument', 'replication factor 0 is below 1');
  await assertRefusalChangesNothing([], create('x'), 'invalid-argument', 'must be absolute');
  await assertRefusalChangesNothing([], create(''), 'invalid-argument', 'path is empty');
});

test('mkdir -p creates the missing chain in order and accepts an existing directory', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(mkdir('/a'));
    assert.deepEqual(await r.run(mkdir('/a/b/c/d', { parents: true, at: T0 + 9, replication: 2 })), { ok: true, inode: 5 });
    for (const [p, inode] of [
      ['/a/b', 3],
      ['/a/b/c', 4],
      ['/a/b/c/d', 5],
    ] as const) {
      const node = r.stat(p);
      assert.equal(node.inode, inode, p);
      assert.equal(node.record.t, DIRECTORY, p);
      assert.equal(node.record.m, T0 + 9, p);
      assert.equal(node.record.r, 2, p);
    }
    assert.equal(r.stat('/a').record.m, T0 + 9, 'the existing parent is touched');
    // A file with parents: the directories above it are made too.
    assert.deepEqual(await r.run(create('/x/y/f', FILE, { parents: true })), { ok: true, inode: 8 });
    assert.equal(r.stat('/x/y').record.t, DIRECTORY);
    assert.equal(r.stat('/x/y/f').record.t, FILE);
  });
  // An existing directory (or the root) is success with its own inode, and changes nothing.
  const setup = [mkdir('/a/b', { parents: true, at: T0 + 1 })];
  await assertNoEffect(setup, mkdir('/a/b', { parents: true, at: T0 + 99 }), (result) => assert.deepEqual(result, { ok: true, inode: 3 }));
  await assertNoEffect(setup, mkdir('/a/./', { parents: true, at: T0 + 99 }), (result) => assert.deepEqual(result, { ok: true, inode: 2 }));
  await assertNoEffect(setup, mkdir('/', { parents: true, at: T0 + 99 }), (result) =>
    assert.deepEqual(result, { ok: true, inode: ROOT_INODE }),
  );
});

test('delete: a file goes with its blocks (to gc) and its size leaves the ancestors', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(mkdir('/d/e', { parents: true }));
    const inode = await r.inode(allocate('/d/e/f', 5 * MiB, { create: true }));
    await r.ok(finalize('/d/e/f', inode, 5 * MiB));
    const other = await r.inode(allocate('/d/g', 7, { create: true }));
    await r.ok(finalize('/d/g', other, 7));
    assert.equal(r.size('/'), 5 * MiB + 7);
    assert.deepEqual(await r.run(remove('/d/e/f', false, { at: T0 + 3 })), { ok: true, purgePending: false });
    assert.ok(!r.exists('/d/e/f'));
    assert.deepEqual([r.size('/d/e'), r.size('/d'), r.size('/')], [0, 7, 7]);
    assert.equal(r.stat('/d/e').record.m, T0 + 3);
    assert.deepEqual(r.keys('gc'), [1, 2]);
    assert.deepEqual(r.keys('blocks'), [[other, 0]]);
    assert.ok(!r.keys<number>('inodes').includes(inode));
  });
});

test('delete: an empty directory goes at once, recursive or not', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(mkdir('/d/e', { parents: true }));
    assert.deepEqual(await r.run(remove('/d/e')), { ok: true, purgePending: false });
    assert.deepEqual(await r.run(remove('/d', true)), { ok: true, purgePending: false });
    assert.deepEqual(r.keys('inodes'), [ROOT_INODE]);
    assert.deepEqual(r.keys('dirents'), []);
    assert.deepEqual(r.keys('trash'), []);
  });
});

test('delete refusals: non-empty without recursive, the root, a missing path; none changes anything', async () => {
  const setup = [mkdir('/d'), create('/d/f'), create('/g')];
  await assertRefusalChangesNothing(setup, remove('/d'), 'not-empty', 'directory not empty: /d');
  await assertRefusalChangesNothing(setup, remove('/', true), 'invalid-argument', 'the root directory cannot be deleted');
  await assertRefusalChangesNothing(setup, remove('/d/..', true), 'invalid-argument', 'the root directory cannot be deleted');
  await assertRefusalChangesNothing(setup, remove('/nope'), 'not-found', 'no such file or directory: /nope');
  await assertRefusalChangesNothing(setup, remove('/d/x', true), 'not-found', 'no such file or directory: /d/x');
  await assertRefusalChangesNothing(setup, remove('/g/x'), 'not-a-directory', 'not a directory: /g');
  await assertRefusalChangesNothing(setup, remove('d'), 'invalid-argument', 'must be absolute');
});

test('recursive delete detaches the tree at once; purges with a small limit then remove every node and block', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    // /t/{f1, e/{f2, g/, h/{f3}}} and /keep/k
    await r.ok(mkdir('/t/e/g', { parents: true }));
    await r.ok(mkdir('/t/e/h', { parents: true }));
    await r.ok(mkdir('/keep'));
    const sizes: Record<string, number> = { '/t/f1': 9 * MiB, '/t/e/f2': 1, '/t/e/h/f3': 4 * MiB, '/keep/k': 3 };
    for (const [p, size] of Object.entries(sizes)) {
      const inode = await r.inode(allocate(p, size, { create: true }));
      await r.ok(finalize(p, inode, size));
    }
    const keptBlocks = r.reader.blocks(r.stat('/keep/k')).map((b) => b.blockId);
    const deletedBlocks = ['/t/f1', '/t/e/f2', '/t/e/h/f3'].flatMap((p) => r.reader.blocks(r.stat(p)).map((b) => b.blockId));
    assert.equal(deletedBlocks.length, 3 + 1 + 1);
    const kept = ['/', '/keep', '/keep/k'].map((p) => r.stat(p).inode);
    const t = r.stat('/t').inode;
    assert.equal(r.size('/'), 13 * MiB + 4);

    assert.deepEqual(await r.run(remove('/t', true, { at: T0 + 5 })), { ok: true, purgePending: true });
    assert.ok(!r.exists('/t'));
    assert.ok(!r.exists('/t/e/h/f3'));
    assert.equal(r.size('/'), 3);
    assert.equal(r.stat('/').record.m, T0 + 5);
    assert.deepEqual(r.names('/'), ['keep']);
    assert.deepEqual(r.keys('trash'), [t]);
    assert.ok(r.reader.hasTrash());
    assert.deepEqual(
      [...r.reader.files()].map((f) => f.path),
      ['/keep/k'],
    );
    // A new tree at the same path is independent of the one in the trash.
    await r.ok(mkdir('/t'));
    assert.deepEqual(r.names('/t'), []);

    let purges = 0;
    for (let more = true; more; purges++) {
      assert.ok(purges < 50, 'purge must finish');
      const result = await r.run(purge(1));
      assert.ok(result.ok && 'removed' in result, JSON.stringify(result));
      assert.equal(result.removed, 1);
      more = result.more;
      assert.equal(more, r.reader.hasTrash());
    }
    assert.ok(purges >= 9, `every node of the tree is a step: ${purges} purges`);
    assert.deepEqual(await r.run(purge(10)), { ok: true, removed: 0, more: false });
    const newT = r.stat('/t').inode;
    assert.deepEqual(
      r.keys('inodes'),
      [...kept, newT].sort((a, b) => a - b),
    );
    assert.deepEqual(r.keys('trash'), []);
    assert.deepEqual(
      r.keys('gc'),
      [...deletedBlocks].sort((a, b) => a - b),
    );
    assert.deepEqual(
      r.keys<[number, number]>('blocks').map(([inode]) => inode),
      keptBlocks.map(() => kept[2]),
    );
    assert.equal(r.keys('dirents').length, 3);
  });
});

test('purge: limit below 1 is invalid-argument and changes nothing; a big limit empties the trash in one command', async () => {
  const setup = [mkdir('/t/a/b', { parents: true }), create('/t/a/b/f'), create('/t/g'), remove('/t', true)];
  await assertRefusalChangesNothing(setup, purge(0), 'invalid-argument', 'purge limit 0 is below 1');
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.batch(setup);
    const result = await r.run(purge(1000));
    assert.ok(result.ok && 'removed' in result);
    assert.equal(result.more, false);
    assert.ok(result.removed >= 5 && result.removed < 1000, `removed ${result.removed}`);
    assert.deepEqual(r.keys('inodes'), [ROOT_INODE]);
    assert.deepEqual(r.keys('dirents'), []);
  });
});

test('import: each item as a create with parents; existing same-type items counted, conflicting ones refused while the rest apply', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(create('/taken'));
    const result = await r.run({
      op: 'import',
      nodes: [
        ['/a/b/f', FILE], // makes /a and /a/b on the way (not counted)
        ['/a', DIRECTORY], // made just before: existing
        ['/', DIRECTORY], // the root: existing
        ['/a/b/f/x', FILE], // under a file
        ['/taken', DIRECTORY], // a file already
        ['/a/./c//', DIRECTORY], // cleaned inside apply
        ['/v', 1], // Volume
        ['relative', FILE],
      ],
      replication: 2,
      at: T0 + 9,
    });
    assert.ok(result.ok && 'firstRefusal' in result, JSON.stringify(result));
    assert.deepEqual({ ...result, firstRefusal: undefined }, { ok: true, created: 2, existed: 2, refused: 4, firstRefusal: undefined });
    assert.equal(result.firstRefusal, '/a/b/f/x: parent is not a directory: /a/b/f');
    assert.deepEqual(r.names('/a'), ['b', 'c']);
    assert.deepEqual(r.stat('/a/b/f').record, { t: FILE, p: r.stat('/a/b').inode, n: 'f', s: 0, m: T0 + 9, r: 2, h: '', b: 0 });
    assert.equal(r.stat('/a').record.r, 2, 'a directory made on the way takes the import replication');
    assert.equal(r.stat('/taken').record.t, FILE);
    assert.deepEqual(r.names('/'), ['a', 'taken']);
  });
});
