import { test } from 'node:test';
import { simulate } from './simulation-cases';

test('simulation: 3-node clusters under faults stay safe and linearizable', async (t) => {
  await simulate(t, 3, 250, 1, 'dist/test/raft/simulation-3.test.js');
});
