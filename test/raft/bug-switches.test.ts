import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BugName } from '../../src/raft/index';
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
