/**
 * The count of under-replicated blocks the leader's full check keeps (replication-tally.ts), on a
 * manual clock: 4 DataServers, files of replication 3. A dead server's blocks are counted by the
 * next complete pass and no earlier, copies in flight do not count, repairs bring it back to 0;
 * a block with several dead holders is counted once; a stale holder still counts as a replica; a
 * pass in slices is published whole, when its last slice is done.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpkeepSettings } from '../../src/cluster/upkeep-settings';
import { SETTINGS, beat, fileOn, report, tick, withUpkeep, type Fixture } from '../support/meta-cluster/upkeep-fixture';

/** What each simulated DataServer holds, by number (ds-1 is 1). */
type Disks = Map<number, Set<number>>;

/**
 * Four servers and three files, 5 blocks: a0 on ds-1,2,3; a1 on ds-2,3,4; b0 on ds-1,3,4; c0 and
 * c1 on ds-1,2,4. ds-1 holds 4 of them (all but a1). Every server has reported its blocks.
 */
async function cluster(f: Fixture): Promise<{ disks: Disks; blocks: number[] }> {
  for (let n = 1; n <= 4; n++) await beat(f, report(n));
  const placements = {
    '/a': [
      [1, 2, 3],
      [2, 3, 4],
    ],
    '/b': [[1, 3, 4]],
    '/c': [
      [1, 2, 4],
      [1, 2, 4],
    ],
  };
  const disks: Disks = new Map([1, 2, 3, 4].map((n) => [n, new Set<number>()]));
  const blocks: number[] = [];
  for (const [path, servers] of Object.entries(placements)) {
    const ids = await fileOn(
      f,
      path,
      servers.map((ns) => ns.map((n) => `ds-${n}`)),
    );
    ids.forEach((id, i) => servers[i]!.forEach((n) => disks.get(n)!.add(id)));
    blocks.push(...ids);
  }
  await heartbeats(f, disks, [1, 2, 3, 4]);
  return { disks, blocks };
}

/** A heartbeat from each of `servers` with what it holds; with `obey`, it then does what the answer says. */
async function heartbeats(f: Fixture, disks: Disks, servers: number[], obey = true): Promise<void> {
  for (const n of servers) {
    const disk = disks.get(n)!;
    const commands = await beat(f, report(n, [...disk]));
    if (!obey) continue;
    for (const c of commands) {
      if (c.action === 'COPY_BLOCK') disk.add(Number(c.block_id));
      if (c.action === 'DELETE_BLOCK') disk.delete(Number(c.block_id));
    }
  }
}

const counted = (f: Fixture): [number, number, number] => {
  const { underReplicated, withoutLiveReplica, finishedAtWallMs } = f.upkeep.status().lastFullCheck;
  return [underReplicated, withoutLiveReplica, finishedAtWallMs];
};

test('a dead server: the next full pass counts the blocks it held, copies in flight not yet; after the repairs, 0', async () => {
  await withUpkeep(
    async (f) => {
      const { reader } = f.lone.node;
      const { disks } = await cluster(f);
      await tick(f);
      assert.deepEqual(counted(f), [0, 0, 0], 'no pass finished yet in this leadership');
      f.clock.advance(5_000);
      f.wall += 5_000;
      await heartbeats(f, disks, [1, 2, 3, 4]);
      await tick(f);
      assert.deepEqual(counted(f), [0, 0, f.wall], 'healthy');

      f.clock.advance(3_001); // ds-1 falls silent: dead
      f.wall += 3_001;
      await heartbeats(f, disks, [2, 3, 4]);
      await tick(f);
      assert.ok(reader.upkeepCounts().repairs > 0, 'the upkeep noticed at once and started copies');
      assert.deepEqual(counted(f)[0], 0, 'the gauge is the last pass: none has run since ds-1 died');

      f.clock.advance(2_000);
      f.wall += 2_000;
      await heartbeats(f, disks, [2, 3, 4], false); // the copies are not made yet
      await tick(f);
      assert.ok(reader.upkeepCounts().repairs > 0, 'copies still in flight');
      assert.deepEqual(counted(f), [4, 0, f.wall], "ds-1's 4 blocks; a copy in flight is no replica yet");

      for (let round = 0; round < 10 && (reader.upkeepCounts().repairs > 0 || [...reader.blocksHeldBy('ds-1')].length > 0); round++) {
        f.clock.advance(600); // past resendAfterMs: a command not obeyed yet is sent again
        f.wall += 600;
        await heartbeats(f, disks, [2, 3, 4]); // copies made, and reported at the next heartbeat
        await heartbeats(f, disks, [2, 3, 4]);
        await tick(f);
      }
      assert.equal(reader.upkeepCounts().repairs, 0, 'repairs done');
      assert.deepEqual([...reader.blocksHeldBy('ds-1')], [], 'the dead holder dropped from every block');
      f.clock.advance(5_000);
      f.wall += 5_000;
      await heartbeats(f, disks, [2, 3, 4]);
      await tick(f);
      assert.deepEqual(counted(f), [0, 0, f.wall], 'all replicated again');
    },
    { ...SETTINGS, fullCheckMs: 5_000 },
  );
});

test('a block with several dead holders is counted once; one with no live holder is counted apart too', async () => {
  await withUpkeep(
    async (f) => {
      const { disks } = await cluster(f);
      f.clock.advance(3_001); // ds-1, ds-2 and ds-3 fall silent
      await heartbeats(f, disks, [4]);
      await tick(f);
      // a0 (ds-1,2,3) has no live holder; a1, b0, c0, c1 have one each (ds-4).
      assert.deepEqual(counted(f), [5, 1, f.wall]);
    },
    { ...SETTINGS, fullCheckMs: 0 },
  );
});

test('a stale holder still counts as a replica: nothing is repaired until it is dead', async () => {
  await withUpkeep(
    async (f) => {
      for (let n = 1; n <= 4; n++) await beat(f, report(n));
      const [twice] = await fileOn(f, '/r2', [['ds-1', 'ds-2', 'ds-3']], 2);
      const [thrice] = await fileOn(f, '/r3', [['ds-1', 'ds-3', 'ds-4']], 3);
      const disks: Disks = new Map([
        [1, new Set([twice!, thrice!])],
        [2, new Set([twice!])],
        [3, new Set([twice!, thrice!])],
        [4, new Set([thrice!])],
      ]);
      await heartbeats(f, disks, [1, 2, 3, 4]);
      f.clock.advance(1_500);
      await heartbeats(f, disks, [2, 3, 4], false);
      f.clock.advance(1_501); // ds-1 silent 3,001 ms: dead; ds-2 silent 1,501 ms: stale
      await heartbeats(f, disks, [3, 4], false);
      await tick(f);
      // /r2's block keeps 2 holders that are not dead (ds-2 stale, ds-3): enough for replication 2.
      assert.deepEqual(counted(f), [1, 0, f.wall]);
    },
    { ...SETTINGS, fullCheckMs: 0 },
  );
});

test('a pass in slices is published whole, when its last slice is done', async () => {
  const settings: UpkeepSettings = { ...SETTINGS, fullCheckMs: 0, checksPerTick: 1 };
  await withUpkeep(async (f) => {
    const { disks } = await cluster(f);
    f.clock.advance(3_001); // ds-1 and ds-3 dead: every block has one of them
    await heartbeats(f, disks, [2, 4], false);
    let ticks = 0;
    while (counted(f)[2] === 0 && ticks < 10) {
      f.wall += 1_000;
      await tick(f);
      ticks++;
    }
    assert.ok(ticks > 1, `the pass took ${ticks} ticks; nothing was published before its end`);
    // ds-3's slice counts a0, a1 and b0; ds-1's, later, c0 and c1 (a0 and b0 were judged).
    assert.deepEqual(counted(f), [5, 0, f.wall], 'published at the tick that finished the pass');
  }, settings);
});
