import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogType, type LogEntry, type Raft } from '../../src/raft/index';
import { SafetyChecker, type ObservedLog } from '../support/sim/safety-checker';

/** A stand-in exposing only what the checker reads: a log, whose entries before `first` are compacted. */
function fakeRaft(entries: LogEntry[], first = 1): Raft<unknown> {
  return {
    logEntry: (i: number) => (i >= first ? entries[i - 1] : undefined),
    stats: () => ({ firstLogIndex: first }),
  } as unknown as Raft<unknown>;
}

function observed(id: string, entries: LogEntry[], first = 1): ObservedLog {
  return { id, raft: fakeRaft(entries, first), first, last: entries.length };
}

const entry = (index: number, term: number, text: string): LogEntry => ({ index, term, type: LogType.Command, data: Buffer.from(text) });

test('the per-step log matching check fires on the same (index, term) with other content', () => {
  const checker = new SafetyChecker();
  checker.observeLog(observed('a', [entry(1, 1, 'x'), entry(2, 2, 'y')]));
  checker.observeLog(observed('b', [entry(1, 1, 'x'), entry(2, 2, 'y')]));
  assert.equal(checker.violations.length, 0, checker.violations.join('; '));
  checker.observeLog(observed('c', [entry(1, 1, 'DIFFERENT'), entry(2, 2, 'y')]));
  assert.ok(
    checker.violations.some((v) => v.startsWith('log matching')),
    checker.violations.join('; '),
  );
});

test('the per-step log matching check fires on the same (index, term) after a different previous term', () => {
  const checker = new SafetyChecker();
  checker.observeLog(observed('a', [entry(1, 1, 'x'), entry(2, 2, 'y')]));
  checker.observeLog(observed('b', [entry(1, 3, 'z'), entry(2, 2, 'y')]));
  assert.ok(
    checker.violations.some((v) => v.includes('after term')),
    checker.violations.join('; '),
  );
});

test('a compacted prefix is not read, and the entries after it are still checked', () => {
  const checker = new SafetyChecker();
  checker.observeLog(observed('a', [entry(1, 1, 'x'), entry(2, 1, 'y'), entry(3, 2, 'z')]));
  checker.observeLog(observed('b', [entry(1, 1, 'gone'), entry(2, 1, 'y'), entry(3, 2, 'z')], 2));
  assert.equal(checker.violations.length, 0, checker.violations.join('; '));
  checker.observeLog(observed('c', [entry(1, 1, 'gone'), entry(2, 1, 'y'), entry(3, 2, 'OTHER')], 2));
  assert.ok(checker.violations.length > 0);
});

test('a node whose log is truncated and rewritten is re-checked from the change', () => {
  const checker = new SafetyChecker();
  const log = [entry(1, 1, 'x'), entry(2, 1, 'old')];
  checker.observeLog(observed('a', log));
  log[1] = entry(2, 3, 'new');
  checker.observeLog(observed('a', log));
  checker.observeLog(observed('b', [entry(1, 1, 'x'), entry(2, 3, 'new')]));
  assert.equal(checker.violations.length, 0, checker.violations.join('; '));
});

test('election safety, leader completeness and state machine safety each fire', () => {
  const checker = new SafetyChecker();
  const full = fakeRaft([entry(1, 1, 'x')]);
  checker.observeCommit('a', full, 1, 1);
  checker.onLeader('a', 2, full);
  checker.onLeader('b', 2, full);
  checker.onLeader('c', 3, fakeRaft([]));
  checker.onApply('a', entry(1, 1, 'x'), 'chain-x');
  checker.onApply('b', entry(1, 1, 'other'), 'chain-other');
  const kinds = ['election safety', 'leader completeness', 'state machine safety'];
  for (const k of kinds)
    assert.ok(
      checker.violations.some((v) => v.startsWith(k)),
      `${k} not reported: ${checker.violations.join('; ')}`,
    );
});

test('a replica restored from a snapshot of another history is a state machine safety violation', () => {
  const checker = new SafetyChecker();
  checker.onApply('a', entry(1, 1, 'x'), 'chain-1');
  checker.onRestore('b', 1, 'chain-1');
  assert.equal(checker.violations.length, 0, checker.violations.join('; '));
  checker.onRestore('c', 1, 'chain-resurrected');
  assert.ok(checker.violations.some((v) => v.startsWith('state machine safety')));
});
