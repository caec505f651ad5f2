import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogType, type LogEntry, type Raft } from '../../src/raft/index';
import { SafetyChecker } from '../support/sim/safety-checker';

/** A stand-in exposing only what the checker reads: a log. */
function fakeRaft(entries: LogEntry[]): Raft<unknown> {
  return { logEntry: (i: number) => entries[i - 1] } as unknown as Raft<unknown>;
}

const entry = (index: number, term: number, text: string): LogEntry => ({ index, term, type: LogType.Command, data: Buffer.from(text) });

test('the per-step log matching check fires when equal (index, term) sit on different prefixes', () => {
  const checker = new SafetyChecker();
  checker.observeLog('a', fakeRaft([entry(1, 1, 'x'), entry(2, 2, 'y')]), 2);
  checker.observeLog('b', fakeRaft([entry(1, 1, 'x'), entry(2, 2, 'y')]), 2);
  assert.equal(checker.violations.length, 0, checker.violations.join('; '));
  checker.observeLog('c', fakeRaft([entry(1, 1, 'DIFFERENT'), entry(2, 2, 'y')]), 2);
  assert.ok(
    checker.violations.some((v) => v.startsWith('log matching')),
    checker.violations.join('; '),
  );
});

test('a node whose log is truncated and rewritten is re-hashed from the change', () => {
  const checker = new SafetyChecker();
  const log = [entry(1, 1, 'x'), entry(2, 1, 'old')];
  checker.observeLog('a', fakeRaft(log), 2);
  log[1] = entry(2, 3, 'new');
  checker.observeLog('a', fakeRaft(log), 2);
  checker.observeLog('b', fakeRaft([entry(1, 1, 'x'), entry(2, 3, 'new')]), 2);
  assert.equal(checker.violations.length, 0, checker.violations.join('; '));
});

test('election safety, leader completeness and state machine safety each fire', () => {
  const checker = new SafetyChecker();
  const full = fakeRaft([entry(1, 1, 'x')]);
  checker.observeCommit('a', full, 1);
  checker.onLeader('a', 2, full);
  checker.onLeader('b', 2, full);
  checker.onLeader('c', 3, fakeRaft([]));
  checker.onApply('a', entry(1, 1, 'x'));
  checker.onApply('b', entry(1, 1, 'other'));
  const kinds = ['election safety', 'leader completeness', 'state machine safety'];
  for (const k of kinds)
    assert.ok(
      checker.violations.some((v) => v.startsWith(k)),
      `${k} not reported: ${checker.violations.join('; ')}`,
    );
});
