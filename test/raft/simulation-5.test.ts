import { test } from 'node:test';
import { simulate } from './simulation-cases';

test('simulation: 5-node clusters under faults stay safe and linearizable', async (t) => {
  await simulate(t, 5, 250, 100_001, 'dist/test/raft/simulation-5.test.js');
});
