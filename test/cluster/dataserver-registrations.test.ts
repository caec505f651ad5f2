/**
 * What etcd's DataServer registrations change on the leader: a DELETE (a DataServer leaving) takes
 * it off new blocks and copy targets at once, while its replicas still count and its liveness is
 * untouched; the hint survives a new leadership, ends on re-registration or on heartbeats that keep
 * coming past heartbeat_timeout, and a key merely found missing after a gap gives no hint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { silentLogger } from '../../src/raft';
import { ManualClock } from '../../src/raft/inmem';
import { BlockUpkeep } from '../../src/cluster/block-upkeep';
import { DataServerTracker, sortedBlockIds, type DataServerReport } from '../../src/cluster/dataserver-tracker';
import { DEFAULT_UPKEEP, type UpkeepSettings } from '../../src/cluster/upkeep-settings';
import { encodeCommand, type MetaCommand } from '../../src/meta/commands';
import { loneMetaNode } from '../support/meta-cluster/lone-meta-node';

const MiB = 1024 * 1024;
const SETTINGS: UpkeepSettings = { ...DEFAULT_UPKEEP, staleAfterMs: 1_000, deadAfterMs: 3_000, safeModeGraceMs: 0, reportGraceMs: 0 };

const report = (n: number, blocks: number[] = [], freeGiB = 100): DataServerReport => ({
  id: `ds-${n}`,
  address: `127.0.0.1:${8000 + n}`,
  blockCount: blocks.length,
  freeBytes: freeGiB * 1024 ** 3,
  capacityBytes: 1024 ** 4,
  blocks: sortedBlockIds(blocks),
});

const ids = (servers: readonly { id: string }[]): string[] => servers.map((s) => s.id);

test('tracker: a leaving DataServer is not placeable but still live; the hint outlives reset() and ends as documented', () => {
  const clock = new ManualClock(0);
  const tracker = new DataServerTracker({ clock, staleAfterMs: 1_000, deadAfterMs: 3_000, wallClockMs: () => 0 });
  for (let n = 1; n <= 3; n++) tracker.heartbeat(report(n));
  tracker.registrations.registered({ id: 'ds-2', listen: '0.0.0.0:8002', dialable: false });
  assert.deepEqual(ids(tracker.registrations.all()), ['ds-2']);

  tracker.registrations.deregistered('ds-2', true);
  assert.deepEqual(ids(tracker.placeable()), ['ds-1', 'ds-3']);
  assert.deepEqual(ids(tracker.live()), ['ds-1', 'ds-2', 'ds-3'], 'liveness is untouched: repairs wait for the usual thresholds');
  assert.deepEqual(tracker.registrations.all(), []);

  tracker.reset(); // a new leadership: heartbeats forgotten, the etcd hint kept
  for (let n = 1; n <= 3; n++) tracker.heartbeat(report(n));
  assert.deepEqual(ids(tracker.placeable()), ['ds-1', 'ds-3']);

  clock.advance(1_000);
  tracker.heartbeat(report(2)); // a heartbeat in flight as it left: the hint holds
  assert.equal(tracker.registrations.isLeaving('ds-2'), true);
  clock.advance(1);
  for (let n = 1; n <= 3; n++) tracker.heartbeat(report(n)); // ds-2 still heartbeating past heartbeat_timeout: it did not leave
  assert.equal(tracker.registrations.isLeaving('ds-2'), false);
  assert.deepEqual(ids(tracker.placeable()), ['ds-1', 'ds-2', 'ds-3']);

  tracker.registrations.deregistered('ds-3', true);
  tracker.registrations.registered({ id: 'ds-3', listen: '127.0.0.1:8003', dialable: true }); // back again
  assert.deepEqual(tracker.registrations.leaving(), []);

  tracker.registrations.deregistered('ds-1', false); // missing from a listing after a gap: no hint
  assert.deepEqual(ids(tracker.placeable()), ['ds-1', 'ds-2', 'ds-3']);
});

test('leader: no new block and no copy goes to a leaving DataServer, and its replicas still count', async () => {
  const lone = await loneMetaNode();
  const clock = new ManualClock(0);
  const wall = 1_800_000_000_000;
  const upkeep = new BlockUpkeep({
    raft: lone.node.raft,
    reader: lone.node.reader,
    settled: () => lone.node.fsm.settled(),
    clock,
    wallClockMs: () => wall,
    logger: silentLogger,
    settings: SETTINGS,
  });
  try {
    while (!upkeep.status().ready) await nextTurn();
    const beat = async (r: DataServerReport): Promise<void> => {
      const { registered } = upkeep.heartbeat(r);
      if (registered !== undefined) await registered;
      await upkeep.idle();
    };
    const propose = async (command: MetaCommand): Promise<void> => {
      assert.ok((await lone.node.raft.apply(encodeCommand(command))).ok);
      await lone.node.fsm.settled();
    };
    // ds-4 is the emptiest: without the hint it would be the copy target.
    for (let n = 1; n <= 5; n++) await beat(report(n, [], n === 4 ? 900 : 100));
    const placements = [['ds-1', 'ds-2', 'ds-3']];
    await propose({ op: 'allocate', path: '/f', size: MiB, placements, create: true, replication: 3, at: wall - 60_000 });
    const file = lone.node.reader.stat('/f');
    assert.ok(!('kind' in file));
    await propose({ op: 'finalize', path: '/f', inode: file.inode, size: MiB, md5: '', at: wall - 60_000 });
    const block = lone.node.reader.blocks(file)[0]!.blockId;

    upkeep.tracker.registrations.deregistered('ds-4', true);
    upkeep.tracker.registrations.deregistered('ds-2', true);
    assert.deepEqual(ids(upkeep.placementCandidates()), ['ds-1', 'ds-3', 'ds-5']);

    for (let n = 1; n <= 5; n++) await beat(report(n, n <= 3 ? [block] : [], n === 4 ? 900 : 100));
    upkeep.tick();
    await upkeep.idle();
    assert.equal(lone.node.reader.repairTarget(block), undefined, "a leaving holder's replica still counts: nothing to repair");

    clock.advance(3_001); // ds-1 dies; the others keep heartbeating
    for (let n = 2; n <= 5; n++) await beat(report(n, n <= 3 ? [block] : [], n === 4 ? 900 : 100));
    assert.deepEqual(upkeep.tracker.registrations.leaving(), [], 'heartbeats past heartbeat_timeout ended both hints');
    upkeep.tracker.registrations.deregistered('ds-4', true); // and now ds-4 leaves for real
    upkeep.tick();
    await upkeep.idle();
    assert.equal(lone.node.reader.repairTarget(block), 'ds-5', 'the copy goes to ds-5, not to the emptier but leaving ds-4');
  } finally {
    await upkeep.stop();
    await lone.close();
  }
});
