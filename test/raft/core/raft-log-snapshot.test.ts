import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RaftLog } from '../../../src/raft/core/raft-log';
import { ArrayLog, entriesWithTerms } from './array-log';

/** A durable log of `terms` (entries 1..n), committed up to `commit`. */
function durableLog(terms: readonly number[], commit: number): RaftLog {
  const log = new RaftLog(new ArrayLog(entriesWithTerms(1, terms)), 8192);
  log.commitIndex = commit;
  return log;
}

test('installing a snapshot whose last entry we hold with its term keeps the entries after it', () => {
  const log = durableLog([1, 1, 2, 2, 3], 2);
  assert.equal(log.installSnapshot({ index: 4, term: 2 }), 'kept');
  assert.equal(log.commitIndex, 4);
  assert.equal(log.lastIndex(), 5);
  assert.equal(log.term(5), 3);
  assert.equal(log.takeWrite(), undefined, 'nothing to write: the log stays as it is');
});

test('installing a snapshot that conflicts with our entry at its last index discards the whole log (rule 7)', () => {
  const log = durableLog([1, 1, 2, 2, 2], 2);
  assert.equal(log.installSnapshot({ index: 4, term: 3 }), 'wiped');
  assert.equal(log.commitIndex, 4);
  assert.equal(log.lastIndex(), 4, 'the log now ends at the snapshot');
  assert.equal(log.firstIndex(), 5);
  assert.equal(log.term(4), 3, 'the snapshot answers for its last entry');
  assert.equal(log.term(5), undefined);
  assert.equal(log.entry(2), undefined, 'entries under the snapshot are no longer read, even before their deletion is durable');
  assert.equal(log.persistedIndex(), 4);
  assert.deepEqual(
    log.takeWrite(),
    { truncateFrom: 5, entries: [], compactThrough: 4 },
    'every stored entry is deleted: those after the snapshot at once, those under it as compaction',
  );
  log.append(entriesWithTerms(5, [3]));
  assert.equal(log.lastIndex(), 5);
});

test('a snapshot beyond the end of our log discards it too', () => {
  const log = durableLog([1, 1], 1);
  assert.equal(log.installSnapshot({ index: 10, term: 2 }), 'wiped');
  assert.equal(log.lastIndex(), 10);
  assert.equal(log.lastTerm(), 2);
});

test('a snapshot our commit index already covers changes nothing', () => {
  const log = durableLog([1, 1, 2], 3);
  assert.equal(log.installSnapshot({ index: 2, term: 1 }), 'stale');
  assert.equal(log.lastIndex(), 3);
  assert.equal(log.takeWrite(), undefined);
});

test('the test-only rule 7 bug keeps a conflicting log', () => {
  const log = durableLog([1, 1, 2, 2, 2], 2);
  assert.equal(log.installSnapshot({ index: 4, term: 3 }, true), 'kept');
  assert.equal(log.term(3), 2, 'the stale entries survive under the new commit index');
});

test('compaction raises the first index, remembers the term there, and hands the deletion to the runtime', () => {
  const log = durableLog([1, 1, 2, 2, 3], 5);
  log.compact(3);
  assert.equal(log.firstIndex(), 4);
  assert.equal(log.entry(3), undefined);
  assert.equal(log.term(3), 2, 'replication can still start right after the compaction point');
  assert.equal(log.term(2), undefined);
  assert.deepEqual(log.entries(2, 5, 10, Infinity), [], 'compacted entries are never handed out');
  assert.deepEqual(log.takeWrite(), { truncateFrom: undefined, entries: [], compactThrough: 3 });
  log.compact(2);
  assert.equal(log.takeWrite(), undefined, 'compacting below the current point is a no-op');
});

test('compaction never passes the commit index or the durable point', () => {
  const log = durableLog([1, 1, 2], 2);
  assert.throws(() => log.compact(3), /refusing to compact/);
  assert.equal(log.firstIndex(), 1);
});

test('a restarted log starts after its snapshot: from the store when it continues it, else at the snapshot', () => {
  const empty = new RaftLog(new ArrayLog([]), 8192, { index: 7, term: 3 });
  assert.equal(empty.lastIndex(), 7);
  assert.equal(empty.firstIndex(), 8);
  assert.equal(empty.term(7), 3);
  assert.equal(empty.lastTerm(), 3);

  const continuing = new RaftLog(new ArrayLog(entriesWithTerms(8, [3, 4])), 8192, { index: 7, term: 3 });
  assert.equal(continuing.firstIndex(), 8);
  assert.equal(continuing.term(7), 3);
  assert.equal(continuing.lastIndex(), 9);

  const overlapping = new RaftLog(new ArrayLog(entriesWithTerms(5, [2, 2, 3, 3])), 8192, { index: 7, term: 3 });
  assert.equal(overlapping.firstIndex(), 5, 'entries before the snapshot that the store still holds stay readable');
  assert.equal(overlapping.term(4), undefined);
});
