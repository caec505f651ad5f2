/**
 * The leader's DataServer upkeep on a manual clock: registration, a dead server's blocks copied
 * and confirmed, the dead holder dropped, orphans deleted and confirmed, commands re-sent only
 * after resendAfterMs, safe mode after a new leadership, and abandoned writes. One MetaServer
 * (a lone Raft leader on LMDB); heartbeats are handed to BlockUpkeep directly (upkeep-fixture.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { UpkeepSettings } from '../../src/cluster/upkeep-settings';
import { silentLogger, type LogFields } from '../../src/raft';
import { MiB, SETTINGS, beat, oneBlockFile, propose, report, tick, upkeepOn, withUpkeep } from '../support/meta-cluster/upkeep-fixture';

test('a dead server: the block is copied to the emptiest live server, confirmed by its report, and the dead holder dropped', async () => {
  await withUpkeep(async (f) => {
    const { reader } = f.lone.node;
    for (let n = 1; n <= 4; n++) await beat(f, report(n, [], n === 4 ? 500 : 100));
    assert.equal(reader.addressOf('ds-4'), '127.0.0.1:8004', 'registered through the log');
    const block = await oneBlockFile(f, '/f');
    for (let n = 1; n <= 3; n++) await beat(f, report(n, [block]));
    await tick(f);
    assert.equal(reader.repairTarget(block), undefined, 'healthy: nothing to do');
    // ds-1 falls silent; the others keep heartbeating.
    f.clock.advance(3_001);
    for (const n of [2, 3, 4]) await beat(f, report(n, n === 4 ? [] : [block], n === 4 ? 500 : 100));
    await tick(f);
    assert.equal(reader.repairTarget(block), 'ds-4');
    const commands = await beat(f, report(4, [], 500));
    assert.deepEqual(commands, [
      {
        action: 'COPY_BLOCK',
        block_id: block,
        targets: [reader.repairsTo('ds-4')[0]!.source === 'ds-2' ? '127.0.0.1:8002' : '127.0.0.1:8003'],
      },
    ]);
    assert.deepEqual(await beat(f, report(4, [], 500)), [], 'not re-sent before resendAfterMs');
    f.clock.advance(501);
    for (const n of [2, 3]) await beat(f, report(n, [block]));
    assert.equal((await beat(f, report(4, [], 500))).length, 1, 're-sent after resendAfterMs');
    await beat(f, report(4, [block], 500));
    assert.deepEqual(reader.mappedBlock(block)?.holders, ['ds-1', 'ds-2', 'ds-3', 'ds-4'], 'the copy joins once the report shows it');
    await tick(f);
    assert.deepEqual(reader.mappedBlock(block)?.holders, ['ds-2', 'ds-3', 'ds-4'], 'the dead holder is dropped');
    await tick(f);
    assert.deepEqual(reader.gcOf('ds-1', 10), [], "the dead holder's deletion is confirmed (it never can)");
  });
});

test('an orphan in a report is deleted: DELETE_BLOCK until the report no longer lists it', async () => {
  await withUpkeep(async (f) => {
    const { reader } = f.lone.node;
    for (let n = 1; n <= 3; n++) await beat(f, report(n));
    await beat(f, report(1, [424_242]));
    assert.deepEqual(reader.gcOf('ds-1', 10), [424_242]);
    assert.deepEqual(await beat(f, report(1, [424_242])), [{ action: 'DELETE_BLOCK', block_id: 424_242, targets: [] }]);
    await beat(f, report(1, []));
    assert.deepEqual(reader.gcOf('ds-1', 10), []);
    assert.equal(reader.upkeepCounts().gcBlocks, 0);
  });
});

test('safe mode: a new leadership plans no repair until every registered server was heard from or the grace passed', async () => {
  await withUpkeep(async (f) => {
    const { reader } = f.lone.node;
    for (let n = 1; n <= 4; n++) await beat(f, report(n));
    const block = await oneBlockFile(f, '/g');
    // A new leader's upkeep: the replicated state as it is, the in-memory view empty.
    await f.upkeep.stop();
    f.upkeep = upkeepOn(f.lone, f.clock, () => f.wall);
    while (!f.upkeep.status().ready) await nextTurn();
    for (const n of [2, 3, 4]) await beat(f, report(n, n === 4 ? [] : [block]));
    assert.equal(f.upkeep.status().safeMode, true, 'ds-1 has not been heard from');
    f.clock.advance(1_999);
    for (const n of [2, 3, 4]) await beat(f, report(n, n === 4 ? [] : [block]));
    await tick(f);
    assert.equal(reader.repairTarget(block), undefined, 'no repair in safe mode');
    f.clock.advance(1_002); // grace over; ds-1 silent 3,001 ms since the leadership began: dead
    for (const n of [2, 3, 4]) await beat(f, report(n, n === 4 ? [] : [block]));
    assert.equal(f.upkeep.status().safeMode, false);
    await tick(f);
    assert.equal(reader.repairTarget(block), 'ds-4');
  });
});

test('an abandoned write is removed after abandonAfterMs; a finalized one stays', async () => {
  await withUpkeep(async (f) => {
    const { reader } = f.lone.node;
    await propose(f, { op: 'allocate', path: '/w', size: MiB, placements: [['ds-1']], create: true, replication: 1, at: f.wall });
    await oneBlockFile(f, '/done');
    f.wall += 10_000;
    await tick(f);
    assert.ok(!('kind' in reader.stat('/w')), 'not yet');
    f.wall += 1;
    await tick(f);
    assert.ok('kind' in reader.stat('/w'), 'removed');
    assert.ok(!('kind' in reader.stat('/done')));
    assert.equal(reader.gcOf('ds-1', 10).length, 1, 'its block is queued for deletion');
  });
});

test('a report heard before the new leadership is ready is compared whole at the next heartbeat', async () => {
  await withUpkeep(async (f) => {
    const { reader } = f.lone.node;
    for (let n = 1; n <= 3; n++) await beat(f, report(n));
    await f.upkeep.stop();
    f.upkeep = upkeepOn(f.lone, f.clock, () => f.wall);
    assert.equal(f.upkeep.status().ready, false, 'still waiting for its barrier');
    f.upkeep.heartbeat(report(1, [777_777])); // an orphan, first heard before ready
    while (!f.upkeep.status().ready) await nextTurn();
    for (let n = 2; n <= 3; n++) await beat(f, report(n));
    f.clock.advance(101); // safe mode re-checks the registry at most every 100 ms: every server heard now
    await beat(f, report(1, [777_777])); // the same report: its difference is empty
    assert.equal(f.upkeep.status().safeMode, false);
    assert.deepEqual(reader.gcOf('ds-1', 10), [777_777], 'the orphan is still found');
  });
});

test('a report that may predate a write is not believed, however long ago the write was; a later one is', async () => {
  const settings: UpkeepSettings = { ...SETTINGS, reportGraceMs: 10_000, fullCheckMs: 0 };
  await withUpkeep(async (f) => {
    const { reader } = f.lone.node;
    for (let n = 1; n <= 4; n++) await beat(f, report(n));
    const kept = await oneBlockFile(f, '/kept', 0);
    const lost = await oneBlockFile(f, '/lost', 0);
    // A second after the writes, ds-1's report lists neither: it may have been made before them
    // (a heartbeat held up in the leader's queue while a fill runs at full speed).
    f.wall += 1_000;
    for (const n of [2, 3]) await beat(f, report(n, [kept, lost]));
    await beat(f, report(1));
    await beat(f, report(4));
    // Much later by the wall clock, with no newer report from ds-1 (the monotonic clock stands
    // still, so every server is live): not enough to call its replicas missing.
    f.wall += 20_000;
    await tick(f);
    assert.equal(reader.repairTarget(kept), undefined, 'not repaired on the strength of an early report');
    assert.equal(reader.repairTarget(lost), undefined);
    // ds-1 reports again, well after the writes: it holds one block and not the other.
    await beat(f, report(1, [kept]));
    await tick(f);
    assert.equal(reader.repairTarget(kept), undefined, 'reported: healthy');
    assert.equal(reader.repairTarget(lost), 'ds-4', 'missing from a report that postdates the write: repaired');
  }, settings);
});

test('a report is believed only when its predecessor arrived after the write: it was made after the answer to that one', async () => {
  const settings: UpkeepSettings = { ...SETTINGS, reportGraceMs: 10_000, fullCheckMs: 0 };
  await withUpkeep(async (f) => {
    const { reader } = f.lone.node;
    for (let n = 1; n <= 4; n++) await beat(f, report(n));
    const block = await oneBlockFile(f, '/late', -500); // written half a second after those reports
    // ds-1's next report arrives 30 s later without the block, long past the grace; but its
    // predecessor arrived before the write, so it may have been made before the write too and
    // only waited in a queue meanwhile.
    f.wall += 30_000;
    for (const n of [2, 3]) await beat(f, report(n, [block]));
    await beat(f, report(1));
    await beat(f, report(4));
    await tick(f);
    assert.equal(reader.repairTarget(block), undefined, 'a report that may predate the write proves nothing');
    // The next one was made after the leader answered a report that came after the write.
    f.wall += 5_000;
    await beat(f, report(1));
    await tick(f);
    assert.equal(reader.repairTarget(block), 'ds-4', 'missing from a report made after the write: repaired');
  }, settings);
});

test('a tick while a restore swaps the namespace in skips that round; a failing round is logged, never thrown into the timer', async (t) => {
  await withUpkeep(async (f) => {
    const { reader, fsm } = f.lone.node;
    for (let n = 1; n <= 4; n++) await beat(f, report(n, [], n === 4 ? 500 : 100));
    const block = await oneBlockFile(f, '/f');
    for (let n = 1; n <= 3; n++) await beat(f, report(n, [block]));
    f.clock.advance(3_001);
    for (const n of [2, 3, 4]) await beat(f, report(n, n === 4 ? [] : [block], n === 4 ? 500 : 100));

    // The state a restore leaves the namespace in between closing the old data file and opening
    // the new one (environment-snapshots.ts). A throw from tick() there ended the leader's process.
    const env = fsm.state.env;
    fsm.state.withdrawEnvironment();
    assert.doesNotThrow(() => f.upkeep.tick());
    fsm.state.replaceEnvironment(env);
    await f.upkeep.idle();
    assert.equal(reader.repairTarget(block), undefined, 'the round in the swap planned nothing');
    await tick(f);
    assert.equal(reader.repairTarget(block), 'ds-4', 'the next round plans from the state it finds');

    // Any other failure of a round: logged as an error, and the round after it runs as usual.
    const errors: string[] = [];
    const logger = {
      ...silentLogger,
      error: (message: string, fields?: LogFields) => errors.push(`${message} ${String(fields?.['error'])}`),
    };
    const upkeep = upkeepOn(f.lone, f.clock, () => f.wall, SETTINGS, logger);
    t.after(() => upkeep.stop());
    while (!upkeep.status().ready) await nextTurn();
    // An own property over the class's method, deleted again afterwards.
    reader.registry = () => {
      throw new Error('a bug in planning');
    };
    try {
      assert.doesNotThrow(() => upkeep.tick());
    } finally {
      Reflect.deleteProperty(reader, 'registry');
    }
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^upkeep: a planning round failed; the next one tries again Error: a bug in planning/);
    assert.doesNotThrow(() => upkeep.tick());
    assert.equal(errors.length, 1);
  });
});
