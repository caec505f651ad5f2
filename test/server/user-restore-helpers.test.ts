/**
 * After an operator's snapshot restore (Raft.restore, minfs-admin snapshot restore) the leader's
 * helpers beside the FSM work from the restored state: the trash purger empties trash the snapshot
 * holds, and block upkeep starts over in safe mode, as a new leader's does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DIRECTORY, FILE } from '../../src/meta/node-types';
import { TrashPurger } from '../../src/server/trash-purger';
import { stream as chunksOf } from '../support/chunk-stream';
import { beat, propose, report, withUpkeep } from '../support/meta-cluster/upkeep-fixture';

test('a restored snapshot holding trash is purged; block upkeep starts over in safe mode', async () => {
  await withUpkeep(async (f) => {
    const { node } = f.lone;
    for (let n = 1; n <= 3; n++) await beat(f, report(n));
    assert.equal(f.upkeep.status().safeMode, false, 'every registered server was heard from');

    // Trash of a recursive delete that no purger has worked on yet (none runs here so far).
    await propose(f, { op: 'create', path: '/d', type: DIRECTORY, parents: false, replication: 3, at: f.wall });
    for (let i = 0; i < 5; i++)
      await propose(f, { op: 'create', path: `/d/f${i}`, type: FILE, parents: false, replication: 3, at: f.wall });
    await propose(f, { op: 'delete', path: '/d', recursive: true, at: f.wall });
    assert.equal(node.reader.hasTrash(), true);

    // The operator's saved copy holds that trash.
    const saved: Uint8Array[] = [];
    const view = await node.fsm.snapshot();
    try {
      await view.persist((chunk) => {
        saved.push(new Uint8Array(chunk));
        return Promise.resolve();
      });
    } finally {
      view.release();
    }
    const index = await node.fsm.inspectSnapshot(chunksOf(saved));
    const size = saved.reduce((sum, c) => sum + c.byteLength, 0);

    // Constructed now, so that nothing but the restore kicks it.
    const purger = new TrashPurger(node);
    try {
      await node.raft.restore({ index, size }, chunksOf(saved));
      await purger.idle();
      assert.equal(node.reader.hasTrash(), false, 'the restored trash was purged (purge batches of 2: several commands)');
    } finally {
      await purger.stop();
    }

    while (!f.upkeep.status().ready) await nextTurn();
    assert.equal(f.upkeep.status().safeMode, true, 'upkeep plans nothing until the DataServers have reported against the restored maps');
    for (let n = 1; n <= 3; n++) await beat(f, report(n));
    f.clock.advance(101); // safe mode re-checks the registry at most every 100 ms
    await beat(f, report(1));
    assert.equal(f.upkeep.status().safeMode, false);
  });
});
