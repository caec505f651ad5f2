import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RaftLog } from '../../../src/raft/core/raft-log';
import { ArrayLog, entriesWithTerms, entry } from './array-log';

/** Terms of entries 1..n of `log`, to compare whole logs in one assertion. */
function terms(log: RaftLog): number[] {
  const out: number[] = [];
  for (let i = 1; i <= log.lastIndex(); i++) out.push(log.term(i)!);
  return out;
}

/** A log whose first `stored` entries are durable in the store and the rest only in memory. */
function logOf(termList: readonly number[], stored: number, cacheEntries = 8192): { log: RaftLog; store: ArrayLog } {
  const store = new ArrayLog(entriesWithTerms(1, termList.slice(0, stored)));
  const log = new RaftLog(store, cacheEntries);
  log.append(entriesWithTerms(stored + 1, termList.slice(stored)));
  return { log, store };
}

test('append accepts only the next index', () => {
  const { log } = logOf([1, 1], 2);
  assert.throws(() => log.append([entry(4, 1)]), /out of order/);
  assert.throws(() => log.append([entry(2, 1)]), /out of order/);
  log.append([entry(3, 1), entry(4, 2)]);
  assert.equal(log.lastIndex(), 4);
  assert.equal(log.lastTerm(), 2);
});

test('term() and entry() read across the store and the in-memory tail', () => {
  // 20 durable entries, a cache of 4: 17..20 are cached, 1..16 come from the store.
  const store = new ArrayLog(entriesWithTerms(1, [...Array<number>(10).fill(1), ...Array<number>(10).fill(2)]));
  const log = new RaftLog(store, 4);
  log.append(entriesWithTerms(21, [3, 3, 3]));
  assert.equal(log.firstIndex(), 1);
  assert.equal(log.lastIndex(), 23);
  assert.equal(log.persistedIndex(), 20);

  const before = store.reads;
  assert.equal(log.term(18), 2, 'cached durable entry');
  assert.equal(log.term(22), 3, 'entry not yet durable');
  assert.equal(log.entry(23)?.term, 3);
  assert.equal(store.reads, before, 'the hot tail is served from memory');

  assert.equal(log.term(5), 1, 'older entry from the store');
  assert.equal(log.entry(16)?.index, 16);
  assert.ok(store.reads > before);

  assert.equal(log.term(0), 0, 'index 0 has term 0');
  assert.equal(log.term(24), undefined);
  assert.equal(log.term(-1), undefined);
  assert.equal(log.entry(0), undefined);
  assert.equal(log.entry(24), undefined);
  assert.ok(log.matchTerm(22, 3));
  assert.ok(!log.matchTerm(22, 2));
});

test('mergeFrom skips entries already present and appends the rest', () => {
  const { log } = logOf([1, 1, 1, 1, 1], 5);
  assert.equal(log.mergeFrom(entriesWithTerms(3, [1, 1])), undefined);
  assert.equal(log.lastIndex(), 5, 'a duplicate changes nothing');
  assert.equal(log.takeWrite(), undefined, 'and writes nothing');
  assert.equal(log.mergeFrom(entriesWithTerms(4, [1, 1, 2, 2])), undefined);
  assert.deepEqual(terms(log), [1, 1, 1, 1, 1, 2, 2]);
  assert.deepEqual(
    log.takeWrite()?.entries.map((e) => e.index),
    [6, 7],
  );
});

test('mergeFrom truncates at the first conflict and returns its index', () => {
  const { log } = logOf([1, 1, 1, 1, 1], 5);
  log.commitIndex = 2;
  // 3 matches; 4 conflicts: 4 and 5 go, 4'..6' come in.
  assert.equal(log.mergeFrom(entriesWithTerms(3, [1, 3, 3, 3])), 4);
  assert.deepEqual(terms(log), [1, 1, 1, 3, 3, 3]);
  assert.equal(log.persistedIndex(), 3, 'the truncated entries are no longer durable ones');
  const w = log.takeWrite();
  assert.equal(w?.truncateFrom, 4);
  assert.deepEqual(
    w?.entries.map((e) => [e.index, e.term]),
    [
      [4, 3],
      [5, 3],
      [6, 3],
    ],
  );
});

test('mergeFrom refuses to truncate at or below the commit index, leaving the log untouched', () => {
  const { log } = logOf([1, 1, 1, 1], 4);
  log.commitIndex = 3;
  assert.throws(() => log.mergeFrom(entriesWithTerms(3, [2, 2])), /refusing to truncate committed entry 3/);
  assert.throws(() => log.mergeFrom(entriesWithTerms(2, [1, 2])), /refusing to truncate committed entry 3/);
  assert.deepEqual(terms(log), [1, 1, 1, 1]);
  assert.equal(log.takeWrite(), undefined);
  // Just above the commit index is fine.
  assert.equal(log.mergeFrom(entriesWithTerms(4, [2])), 4);
});

test('takeWrite hands out each entry once, with any pending truncation', () => {
  const { log } = logOf([1, 1, 1], 3);
  assert.equal(log.hasWriteToHandOut(), false);
  assert.equal(log.takeWrite(), undefined);

  log.append(entriesWithTerms(4, [1, 1]));
  assert.ok(log.hasWriteToHandOut());
  assert.deepEqual(log.takeWrite(), { truncateFrom: undefined, entries: entriesWithTerms(4, [1, 1]) });
  assert.equal(log.takeWrite(), undefined, 'nothing new');

  log.append([entry(6, 1)]);
  assert.deepEqual(
    log.takeWrite()?.entries.map((e) => e.index),
    [6],
    'only what was not handed out yet',
  );

  // 5 and 6 were handed out and are replaced; 7' was never handed out.
  assert.equal(log.mergeFrom(entriesWithTerms(5, [2, 2, 2])), 5);
  assert.deepEqual(log.takeWrite(), { truncateFrom: 5, entries: entriesWithTerms(5, [2, 2, 2]) });

  // A conflict inside entries not yet handed out: the write starts at the first unhanded entry.
  log.append(entriesWithTerms(8, [2, 2]));
  assert.equal(log.mergeFrom(entriesWithTerms(9, [3])), 9);
  const w = log.takeWrite();
  assert.equal(w?.truncateFrom, 9);
  assert.deepEqual(
    w?.entries.map((e) => [e.index, e.term]),
    [
      [8, 2],
      [9, 3],
    ],
  );
});

test('markPersisted ignores an ack for an entry that was truncated away and accepts the matching one', () => {
  const { log, store } = logOf([1, 1, 1], 3);
  log.append(entriesWithTerms(4, [1, 1, 1]));
  const w1 = log.takeWrite()!; // 4..6 at term 1
  assert.equal(log.mergeFrom(entriesWithTerms(5, [2, 2])), 5);
  const w2 = log.takeWrite()!; // truncate 5, then 5'..6' at term 2
  assert.equal(log.persistedIndex(), 3);

  store.apply(w1);
  log.markPersisted(6, 1); // W1's ack arrives: (6, 1) is no longer in the log
  assert.equal(log.persistedIndex(), 3, 'a write overtaken by a truncation is not the new one');

  store.apply(w2);
  log.markPersisted(6, 2);
  assert.equal(log.persistedIndex(), 6);

  log.markPersisted(4, 1);
  assert.equal(log.persistedIndex(), 6, 'an old ack never moves the durable point back');
});

test('markPersisted never claims entries not yet handed out', () => {
  const { log } = logOf([1], 1);
  log.append(entriesWithTerms(2, [1, 1]));
  log.takeWrite();
  log.append([entry(4, 1)]);
  log.markPersisted(4, 1);
  assert.equal(log.persistedIndex(), 3);
});

test('markPersisted trims the cache to durable entries, which are then read from the store', () => {
  const { log, store } = logOf([], 0, 4);
  log.append(entriesWithTerms(1, Array<number>(12).fill(1)));
  store.apply(log.takeWrite()!);
  log.markPersisted(12, 1);
  assert.equal(log.persistedIndex(), 12);
  const before = store.reads;
  assert.deepEqual(terms(log), Array<number>(12).fill(1));
  assert.ok(store.reads > before, 'older entries left the cache');
});

/** Reference for lastIndexWithTermAtMost: scan down from min(index, last). */
function bruteLastIndexWithTermAtMost(termList: readonly number[], index: number, term: number): number {
  for (let i = Math.min(index, termList.length); i >= 1; i--) {
    if (termList[i - 1]! <= term) return i;
  }
  return 0;
}

test('lastIndexWithTermAtMost agrees with a scan on random monotone logs (store + tail)', () => {
  // A nondecreasing term sequence, as every Raft log has, built from positive increments.
  const monotoneTerms = fc.array(fc.nat({ max: 2 }), { maxLength: 60 }).map((steps) => {
    let t = 1;
    return steps.map((s) => (t += s));
  });
  fc.assert(
    fc.property(
      monotoneTerms,
      fc.nat(),
      fc.nat({ max: 70 }),
      fc.nat({ max: 130 }),
      fc.integer({ min: 1, max: 16 }),
      (termList, storedSeed, index, term, cache) => {
        const stored = termList.length === 0 ? 0 : storedSeed % (termList.length + 1);
        const { log } = logOf(termList, stored, cache);
        assert.equal(log.lastIndexWithTermAtMost(index, term), bruteLastIndexWithTermAtMost(termList, index, term));
      },
    ),
    { numRuns: 2000 },
  );
});

test('entries() honours to, maxEntries and maxBytes, and always returns at least one entry', () => {
  // 1..6 durable (1..2 in the store only, with a cache of 4), 7..10 in memory; 100-byte payloads.
  const store = new ArrayLog(Array.from({ length: 6 }, (_, i) => entry(i + 1, 1, 100)));
  const log = new RaftLog(store, 4);
  log.append(Array.from({ length: 4 }, (_, i) => entry(i + 7, 1, 100)));
  const size = 100; // payload bytes, which is what maxBytes counts in memory and in the store
  const idx = (from: number, to: number, maxEntries: number, maxBytes: number): number[] =>
    log.entries(from, to, maxEntries, maxBytes).map((e) => e.index);

  assert.deepEqual(idx(1, 10, 100, Infinity), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(idx(3, 5, 100, Infinity), [3, 4, 5], 'stops at `to`');
  assert.deepEqual(idx(8, 99, 100, Infinity), [8, 9, 10], 'stops at the last index');
  assert.deepEqual(idx(2, 10, 3, Infinity), [2, 3, 4], 'maxEntries');
  assert.deepEqual(idx(11, 20, 5, Infinity), [], 'nothing beyond the log');
  assert.deepEqual(idx(5, 4, 5, Infinity), [], 'empty range');
  assert.deepEqual(idx(7, 10, 100, 1), [7], 'at least one, even over the byte limit');
  assert.deepEqual(idx(7, 10, 100, 2 * size), [7, 8], 'tail: no more than maxBytes of payload');
  assert.deepEqual(idx(7, 10, 100, 3 * size - 1), [7, 8]);
  assert.deepEqual(idx(1, 10, 100, 250), [1, 2], 'through the store, the same payload accounting');
  assert.deepEqual(idx(1, 10, 100, 500), [1, 2, 3, 4, 5], 'across the store and the cache');
  assert.deepEqual(idx(1, 10, 1, Infinity), [1]);
});

test('isUpToDate compares last term first, then length (Raft §5.4.1)', () => {
  const { log } = logOf([1, 1, 2, 3, 3], 5);
  assert.ok(log.isUpToDate(1, 4), 'a higher last term wins even if shorter');
  assert.ok(log.isUpToDate(5, 3), 'same term, same length');
  assert.ok(log.isUpToDate(9, 3), 'same term, longer');
  assert.ok(!log.isUpToDate(4, 3), 'same term, shorter');
  assert.ok(!log.isUpToDate(100, 2), 'a lower last term loses even if longer');
  const empty = logOf([], 0).log;
  assert.ok(empty.isUpToDate(0, 0), 'two empty logs');
  assert.equal(empty.lastTerm(), 0);
});

test('the cache of durable entries is bounded by payload bytes too; entries not yet durable always stay in memory', () => {
  // A cache of 1,000 entries but 1,000 bytes: ten 100-byte entries at most once durable.
  const store = new ArrayLog();
  const log = new RaftLog(store, 1000, undefined, 1000);
  log.append(Array.from({ length: 30 }, (_, i) => entry(i + 1, 1, 100)));
  store.apply(log.takeWrite()!);

  // Not durable yet: all 30 are read from memory, whatever the byte bound says.
  let before = store.reads;
  for (let i = 1; i <= 30; i++) assert.equal(log.entry(i)?.index, i);
  assert.equal(store.reads, before, 'entries not yet durable are never dropped');

  log.markPersisted(30, 1);
  before = store.reads;
  for (let i = 21; i <= 30; i++) assert.equal(log.entry(i)?.index, i);
  assert.equal(store.reads, before, 'the newest 1,000 bytes stay cached');
  assert.equal(log.entry(20)?.index, 20);
  assert.equal(store.reads, before + 1, 'older durable entries come from the store');
  assert.deepEqual(
    log.entries(15, 30, 100, Infinity).map((e) => e.index),
    Array.from({ length: 16 }, (_, i) => i + 15),
    'reads across the store and the cache still return every entry',
  );

  // After a truncation inside the cache and new entries, the accounting still holds.
  log.mergeFrom([entry(29, 2, 100), entry(30, 2, 100)].slice(0, 1));
  assert.equal(log.lastIndex(), 29);
  assert.equal(log.term(29), 2);
});

test('at startup the cache is warmed with the newest entries up to the byte bound, not with a whole run of large ones', () => {
  // 300 durable 100-byte entries, a cache of 1,000 bytes: one warming run of 64 covers the bound.
  const store = new ArrayLog(Array.from({ length: 300 }, (_, i) => entry(i + 1, 1, 100)));
  const log = new RaftLog(store, 1000, undefined, 1000);
  const before = store.reads;
  for (const i of [300, 237]) assert.equal(log.entry(i)?.index, i);
  assert.equal(store.reads, before, 'the newest run is in memory');
  assert.equal(log.entry(236)?.index, 236);
  assert.equal(store.reads, before + 1, 'older entries were never loaded: they come from the store');
  assert.equal(log.lastIndex(), 300);
  assert.deepEqual(
    log.entries(230, 300, 1000, Infinity).map((e) => e.index),
    Array.from({ length: 71 }, (_, i) => i + 230),
  );
});
