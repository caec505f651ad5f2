import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BugName } from '../../src/raft/index';
import { runFigure8 } from '../support/sim/figure8';
import { runRule7 } from '../support/sim/rule7';
import { runSeeds } from '../support/sim/seed-runner';

/**
 * The simulation's checks can fail: with a known Raft bug switched on, the same simulation
 * (same seeds, same budget as the normal run) must report a failure. With every switch off the
 * simulation tests pass, so each failure here is the bug's doing.
 */
const BUDGET = 250;

const cases: { bug: BugName; size: number }[] = [
  { bug: 'voteWithoutLogCheck', size: 3 },
  { bug: 'ackBeforePersist', size: 3 },
  { bug: 'skipHardStatePersist', size: 3 },
  { bug: 'readIndexWithoutQuorum', size: 3 },
];

for (const { bug, size } of cases) {
  test(`simulation catches the ${bug} bug`, async (t) => {
    const seeds = Array.from({ length: BUDGET }, (_, i) => 1 + i);
    const summary = await runSeeds(size, seeds, { [bug]: true }, true);
    const caught = summary.failures[0];
    assert.ok(caught, `${bug} went unnoticed in ${BUDGET} seeds`);
    t.diagnostic(`${bug}: caught at seed ${caught.seed} (history ${summary.histories} of ${BUDGET}): ${caught.failure.slice(0, 200)}`);
  });
}

/**
 * Figure 8 needs a precise interleaving that random faults rarely produce (460 random 5-node
 * seeds did not), so it gets a scripted schedule through the same runtime and checker.
 */
test('the scripted Figure 8 schedule catches commitOldTermByCounting and is safe without it', async (t) => {
  const seeds = Array.from({ length: 10 }, (_, i) => 1 + i);
  let caught = 0;
  for (const seed of seeds) {
    assert.deepEqual(await runFigure8(seed), [], `seed ${seed}: the correct commit rule must stay safe`);
    if ((await runFigure8(seed, { commitOldTermByCounting: true })).length > 0) caught++;
  }
  t.diagnostic(`commitOldTermByCounting: caught in ${caught} of ${seeds.length} Figure 8 schedules`);
  assert.ok(caught > 0, 'the Figure 8 schedule must expose commitOldTermByCounting');
});

/**
 * Rule 7 likewise needs a follower holding a conflicting entry at exactly the index a snapshot
 * ends at, when the leader has compacted past where they diverged: scripted.
 */
test('the scripted rule 7 schedule catches installSnapshotKeepsConflictingLog and is safe without it', async (t) => {
  const seeds = Array.from({ length: 5 }, (_, i) => 1 + i);
  let caught = 0;
  for (const seed of seeds) {
    assert.deepEqual(await runRule7(seed), [], `seed ${seed}: installing a snapshot must stay safe`);
    if ((await runRule7(seed, { installSnapshotKeepsConflictingLog: true })).length > 0) caught++;
  }
  t.diagnostic(`installSnapshotKeepsConflictingLog: caught in ${caught} of ${seeds.length} rule 7 schedules`);
  assert.equal(caught, seeds.length, 'every rule 7 schedule must expose installSnapshotKeepsConflictingLog');
});
