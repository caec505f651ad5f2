/**
 * The upkeep command on the namespace FSM: the DataServer registry, the indexes kept beside the
 * block maps (replicas by holder, owners, gc by holder, writing), and every upkeep item's re-check
 * against the state it lands on, so that replicas agree whatever the leader believed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpkeepCommand } from '../../src/meta/commands';
import { MiB, Replica, T0, allocate, finalize, mkdir, remove, withFsms } from './support/meta-harness';

const upkeep = (lists: Omit<UpkeepCommand, 'op' | 'at'>, at = T0): UpkeepCommand => ({ op: 'upkeep', at, ...lists });

/** A file of `blocks` blocks on ds-1..ds-3, finalized; returns its inode and block ids. */
async function writtenFile(r: Replica, path: string, blocks = 2): Promise<{ inode: number; ids: number[] }> {
  const size = blocks * 4 * MiB;
  const placements = Array.from({ length: blocks }, () => ['ds-1', 'ds-2', 'ds-3']);
  const inode = await r.inode(allocate(path, size, { placements, create: true }));
  await r.ok(finalize(path, inode, size));
  const ids = r.reader.blocks(r.stat(path)).map((b) => b.blockId);
  return { inode, ids };
}

test('registry: DataServers are registered and moved through the log; bad names are refused and change nothing', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(upkeep({ register: [['ds-1', '127.0.0.1:8001'], ['ds-2', '127.0.0.1:8002']] }));
    await r.ok(upkeep({ register: [['ds-1', '10.0.0.1:8001']] }));
    assert.deepEqual([...r.reader.registry()], [['ds-1', '10.0.0.1:8001'], ['ds-2', '127.0.0.1:8002']]);
    const refused = await r.run(upkeep({ register: [['ds-3', '127.0.0.1:8003'], ['', 'x:1']] }));
    assert.equal(refused.ok, false);
    assert.equal(r.reader.addressOf('ds-3'), undefined, 'a refused command registers nothing, not even its good items');
  });
});

test('indexes follow the block maps: allocate, finalize, overwrite and delete', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const { inode, ids } = await writtenFile(r, '/f');
    assert.deepEqual([...r.reader.blocksHeldBy('ds-2')], ids);
    assert.deepEqual(r.reader.mappedBlock(ids[1]!), { inode, index: 1, holders: ['ds-1', 'ds-2', 'ds-3'] });
    assert.equal(r.reader.isWriting(inode), false, 'finalized');
    // Overwrite: the old blocks go to gc with their holders, the new ones are being written.
    await r.ok(allocate('/f', 4 * MiB, { placements: [['ds-4']], create: true }));
    assert.equal(r.reader.isWriting(inode), true);
    assert.deepEqual([...r.reader.blocksHeldBy('ds-2')], []);
    assert.equal(r.reader.mappedBlock(ids[0]!), undefined);
    assert.deepEqual(r.reader.gcOf('ds-3', 10), ids);
    await r.ok(remove('/f'));
    assert.equal(r.reader.isWriting(inode), false, 'a deleted file is not being written');
    assert.deepEqual(r.reader.upkeepCounts(), { gcBlocks: 3, repairs: 0 });
  });
});

test('gc: confirmations shrink a record to nothing; an orphan of a mapped holder is refused by the re-check', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const { ids } = await writtenFile(r, '/f', 1);
    const blockId = ids[0]!;
    const added = await r.ok(upkeep({ gcAdd: [[blockId, 'ds-2'], [blockId, 'ds-9'], [999_999, 'ds-1']] }));
    assert.deepEqual(added, { ok: true, applied: 2, skipped: 1 }, 'ds-2 holds a mapped replica and keeps it');
    assert.deepEqual(r.reader.gcHolders(blockId), ['ds-9']);
    assert.deepEqual(r.reader.gcOf('ds-1', 10), [999_999]);
    assert.deepEqual(await r.ok(upkeep({ gcDone: [[blockId, 'ds-9'], [blockId, 'ds-9'], [999_999, 'ds-1']] })), { ok: true, applied: 2, skipped: 1 });
    assert.deepEqual(r.reader.upkeepCounts(), { gcBlocks: 0, repairs: 0 });
    assert.deepEqual(r.reader.gcOf('ds-9', 10), []);
  });
});

test('repairs: start, confirm (the target joins the holders), cancel (its copy is deleted), and the re-checks', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const { ids } = await writtenFile(r, '/f', 2);
    const [a, b] = ids as [number, number];
    const started = await r.ok(upkeep({ repairStart: [[a, 'ds-1', 'ds-4'], [a, 'ds-2', 'ds-5'], [b, 'ds-1', 'ds-2'], [b, 'ds-1', 'ds-5']] }));
    assert.deepEqual(started, { ok: true, applied: 2, skipped: 2 }, 'one copy per block; never to a current holder');
    assert.equal(r.reader.repairTarget(a), 'ds-4');
    assert.deepEqual(r.reader.repairsTo('ds-5'), [{ blockId: b, source: 'ds-1', at: T0 }]);
    assert.deepEqual(
      r.reader.repairsByTarget(),
      new Map([
        ['ds-4', [{ blockId: a, source: 'ds-1', at: T0 }]],
        ['ds-5', [{ blockId: b, source: 'ds-1', at: T0 }]],
      ]),
      'the same copies in one scan, by target',
    );
    assert.deepEqual(await r.ok(upkeep({ repairDone: [[a, 'ds-5'], [a, 'ds-4']] })), { ok: true, applied: 1, skipped: 1 });
    assert.deepEqual(r.reader.mappedBlock(a)?.holders, ['ds-1', 'ds-2', 'ds-3', 'ds-4']);
    assert.deepEqual([...r.reader.blocksHeldBy('ds-4')], [a]);
    await r.ok(upkeep({ repairCancel: [[b, 'ds-5']] }));
    assert.equal(r.reader.repairTarget(b), undefined);
    assert.deepEqual(r.reader.gcHolders(b), ['ds-5'], 'whatever the cancelled copy wrote is deleted');
    // Dropping a replica: never the last holder.
    await r.ok(upkeep({ dropReplica: [[a, 'ds-1'], [a, 'ds-2'], [a, 'ds-3']] }));
    assert.deepEqual(r.reader.mappedBlock(a)?.holders, ['ds-4']);
    assert.deepEqual(await r.ok(upkeep({ dropReplica: [[a, 'ds-4']] })), { ok: true, applied: 0, skipped: 1 });
    assert.deepEqual(r.reader.gcHolders(a), ['ds-1', 'ds-2', 'ds-3']);
  });
});

test('a file deleted while a copy of its block is in flight: the repair ends and the target is told to delete', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const { ids } = await writtenFile(r, '/f', 1);
    await r.ok(upkeep({ repairStart: [[ids[0]!, 'ds-1', 'ds-7']] }));
    await r.ok(remove('/f'));
    assert.deepEqual(r.reader.upkeepCounts(), { gcBlocks: 1, repairs: 0 });
    assert.deepEqual(r.reader.gcHolders(ids[0]!), ['ds-1', 'ds-2', 'ds-3', 'ds-7']);
    assert.deepEqual(r.reader.repairsTo('ds-7'), []);
    assert.deepEqual(await r.ok(upkeep({ repairDone: [[ids[0]!, 'ds-7']] })), { ok: true, applied: 0, skipped: 1 });
  });
});

test('abandoned writes: only a file still in the same write goes; its blocks are queued for deletion', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(mkdir('/dir'));
    const inode = await r.inode(allocate('/dir/w', 4 * MiB, { placements: [['ds-1']], at: T0 + 5, create: true }));
    const writing = [...r.reader.writing()];
    assert.deepEqual(writing, [[inode, T0 + 5]]);
    assert.deepEqual(await r.ok(upkeep({ abandon: [[inode, T0 + 4]] })), { ok: true, applied: 0, skipped: 1 }, 'another write');
    assert.deepEqual(await r.ok(upkeep({ abandon: [[inode, T0 + 5]] }, T0 + 99)), { ok: true, applied: 1, skipped: 0 });
    assert.ok('kind' in r.reader.stat('/dir/w'), 'the abandoned file is gone');
    assert.equal(r.stat('/dir').record.m, T0 + 99, 'the parent is touched at the command time');
    assert.equal(r.reader.gcOf('ds-1', 10).length, 1);
    assert.deepEqual([...r.reader.writing()], []);
  });
});

test('a fresh block id clears a rogue gc record under the same id, so the new block is not deleted', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    // Block ids start at 1: a DataServer reported a rogue block 1 before any allocation.
    await r.ok(upkeep({ gcAdd: [[1, 'ds-1']] }));
    await r.ok(allocate('/f', 4 * MiB, { placements: [['ds-1', 'ds-2']], create: true }));
    assert.equal(r.reader.mappedBlock(1)?.holders.length, 2);
    assert.equal(r.reader.gcHolders(1), undefined);
    assert.deepEqual(r.reader.gcOf('ds-1', 10), []);
  });
});

test('malformed upkeep lists are refused at decode', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    for (const bad of [{ gcAdd: 'x' }, { gcAdd: [[1]] }, { repairStart: [[1, 'a', 2]] }, { abandon: [['1', 2]] }]) {
      const result = await r.run(upkeep(bad as unknown as Omit<UpkeepCommand, 'op' | 'at'>));
      assert.equal(result.ok, false, JSON.stringify(bad));
      assert.ok(!result.ok && result.kind === 'invalid-argument');
    }
  });
});
