import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BugSwitches } from '../../../src/raft/bugs';
import type { LogEntry } from '../../../src/raft/log';
import { LogType } from '../../../src/raft/log';
import type { RaftMessage } from '../../../src/raft/messages';
import { configEntry, entriesWithTerms, votersConfig } from './array-log';
import { Harness } from './harness';

/** Replication: the commit rule (Figure 8), recovery of a follower, fast backtracking. */

const payload = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => new Uint8Array([i]));

function termsOf(entries: readonly LogEntry[]): number[] {
  return entries.map((e) => e.term);
}

/**
 * Raft Figure 8, built directly. Five servers, all at term 3:
 *   s1: [cfg, 2@t2]  (led term 2, wrote index 2, reached no one)
 *   s5: [cfg, 2@t3]  (led term 3, wrote index 2, reached no one)
 *   s2, s3, s4: [cfg]
 * s1 wins term 4 and, one entry per message, gets 2@t2 onto s2 and s3: a majority holds it, but
 * s1's own no-op (3@t4) reaches no one. Then s1 is cut off; s5 (last term 3) can still win
 * with s2..s4 and overwrite index 2 with 2@t3. So 2@t2 must not count as committed.
 */
function figure8(bugs: BugSwitches): { commitAfterCounting: number; s1Applied: LogEntry[]; s2Applied: LogEntry[] } {
  const h = new Harness(5);
  const config = votersConfig(['s1', 's2', 's3', 's4', 's5']);
  const cfg = configEntry(1, 1, config);
  const atTerm3 = { term: 3, votedFor: undefined };
  h.add('s1', { log: [cfg, ...entriesWithTerms(2, [2])], hardState: atTerm3, bugs, config: { maxAppendEntries: 1 } });
  for (const id of ['s2', 's3', 's4']) h.add(id, { log: [cfg], hardState: atTerm3 });
  h.add('s5', { log: [cfg, ...entriesWithTerms(2, [3])], hardState: atTerm3 });
  const s1 = h.node('s1');

  h.isolated.add('s5');
  // Hold back the no-op (index 3) from anyone that holds index 2 (a probe carrying it to a
  // server without index 2 is only rejected), and keep s4 out of the log.
  const carriesNoop = (m: RaftMessage): boolean =>
    m.type === 'AppendEntries' && m.entries.some((e) => e.index === 3) && h.node(m.to).core.log.lastIndex() >= 2;
  const allowed = (m: RaftMessage): boolean => !carriesNoop(m) && !(m.type === 'AppendEntries' && m.to === 's4');
  h.now = s1.core.nextDeadline();
  s1.core.tick(h.now);
  h.flush('s1');
  h.deliver(allowed);
  assert.equal(s1.role(), 'leader');
  assert.equal(s1.term(), 4);
  for (const id of ['s2', 's3']) assert.deepEqual(termsOf(h.node(id).store.all()), [1, 2], `${id} holds 2@t2`);
  const commitAfterCounting = s1.core.commitIndex();

  // s1 is cut off; the others forget it (no contact for a full timeout) and s5 campaigns.
  h.network = [];
  h.isolated.clear();
  h.isolated.add('s1');
  h.now += 2000;
  for (let i = 0; i < 3 && h.node('s5').role() !== 'leader'; i++) h.campaign('s5');
  assert.equal(h.node('s5').role(), 'leader', 's5 (last term 3) wins without s1');
  h.advance(500);
  return { commitAfterCounting, s1Applied: s1.applied, s2Applied: h.node('s2').applied };
}

test('Figure 8: a leader does not commit an older-term entry by counting replicas', () => {
  const r = figure8({});
  assert.equal(r.commitAfterCounting, 0, '2@t2 is on a majority but is not of the current term');
  assert.ok(!r.s1Applied.some((e) => e.index === 2), 's1 never applied 2@t2');
  assert.deepEqual(
    r.s2Applied.filter((e) => e.index === 2).map((e) => e.term),
    [3],
    'the cluster went on to commit 2@t3, with no one having applied 2@t2',
  );
});

test('Figure 8 with commitOldTermByCounting: the old entry commits and is then overwritten', () => {
  const r = figure8({ commitOldTermByCounting: true });
  assert.equal(r.commitAfterCounting, 2, 'the bug counts 2@t2 as committed');
  const s1At2 = r.s1Applied.find((e) => e.index === 2);
  const s2At2 = r.s2Applied.find((e) => e.index === 2);
  assert.equal(s1At2?.term, 2, 's1 applied 2@t2');
  assert.equal(s2At2?.term, 3, 's2 applied 2@t3: two different entries applied at index 2');
});

test('a follower that lost acknowledged entries is recovered: the leader resets its match and probes', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 21);
  const leader = h.stableLeader();
  leader.core.propose(LogType.Command, payload(5));
  h.advance(100);
  const last = leader.core.log.lastIndex();
  const victim = [...h.nodes.values()].find((n) => n !== leader)!;
  assert.equal(leader.core.peerProgress().get(victim.id)?.match, last);

  // The victim restarts from a disk that kept only its first two entries (same term and vote).
  const kept = victim.store.all().slice(0, 2);
  const reborn = h.add(victim.id, { log: kept, hardState: victim.durableHardState });

  // The next heartbeat (at the old match) is rejected with a short lastLogIndex.
  h.now = leader.core.nextDeadline();
  leader.core.tick(h.now);
  h.flush(leader.id);
  h.deliver((m) => m.type === 'AppendEntries' && m.to === reborn.id && m.entries.length === 0);
  const rejection = h.network.find((m) => m.type === 'AppendEntriesResponse' && m.from === reborn.id);
  assert.ok(rejection?.type === 'AppendEntriesResponse' && !rejection.success && rejection.lastLogIndex === 2);
  h.deliver((m) => m === rejection);
  const pr = leader.core.peerProgress().get(reborn.id)!;
  assert.equal(pr.match, 2, 'the leader forgot the match the follower can no longer back');
  assert.equal(pr.state, 'probe');

  h.advance(200);
  assert.deepEqual(reborn.store.all(), leader.store.all(), 'the follower has the whole log again');
  assert.equal(leader.core.peerProgress().get(reborn.id)?.match, last);
});

interface Backtrack {
  /** Distinct prevLogIndex values the follower rejected: one per backtracking step. (A heartbeat
   * answered while a probe is out re-sends the same probe, so raw rejections may be doubled.) */
  steps: number;
  /** Every message to or from the follower until it converged. */
  messages: number;
}

/**
 * Leader `a` (elected with `c`'s vote) and follower `b` share entries 1..10 (term 1), then
 * diverge: `a` has `leaderSuffix` and `b` a longer, divergent `followerSuffix`. Counts the
 * rejections and AppendEntries it takes to repair `b`, and checks the result.
 */
function backtrack(leaderSuffix: number[], followerSuffix: number[], leaderTerm: number): Backtrack {
  const h = new Harness(9);
  const cfg = configEntry(1, 1, votersConfig(['a', 'b', 'c']));
  const prefix = [cfg, ...entriesWithTerms(2, Array<number>(9).fill(1))];
  const hard = { term: leaderTerm, votedFor: undefined };
  const a = h.add('a', { log: [...prefix, ...entriesWithTerms(11, leaderSuffix)], hardState: hard, appliedIndex: 10 });
  const b = h.add('b', { log: [...prefix, ...entriesWithTerms(11, followerSuffix)], hardState: hard, appliedIndex: 10 });
  h.add('c', { log: prefix, hardState: hard, appliedIndex: 10 });
  h.isolated.add('b');
  h.campaign('a');
  assert.equal(a.role(), 'leader');
  const before = h.delivered.length;
  h.isolated.delete('b');
  const converged = (): boolean => b.store.lastIndex() === a.store.lastIndex() && b.store.all().at(-1)?.term === a.term();
  assert.ok(h.runUntil(converged, 300, 1), 'the follower converges within 300 ms');
  assert.deepEqual(b.store.all(), a.store.all(), 'the follower holds exactly the leader log');
  const withB = h.delivered.slice(before).filter((m) => m.to === 'b' || m.from === 'b');
  const rejected = new Set<number>();
  for (const m of withB) if (m.type === 'AppendEntriesResponse' && !m.success) rejected.add(m.matchIndex);
  return { steps: rejected.size, messages: withB.length };
}

test('fast backtracking: a long divergent suffix of an older term costs one rejection, not one per entry', (t) => {
  // a: 11..110 @t3; b: 11..210 @t2 (200 entries, 100 of them past a's last index).
  const r = backtrack(Array<number>(100).fill(3), Array<number>(200).fill(2), 3);
  t.diagnostic(`steps ${r.steps}, messages ${r.messages}`);
  assert.equal(r.steps, 1, 'one rejected probe, then the leader jumps to the common prefix');
  assert.ok(r.messages <= 10, `messages exchanged with the follower: ${r.messages}`);
});

test('fast backtracking: a follower suffix of a newer term than the leader’s is skipped at once too', (t) => {
  // a: 11..60 @t2 (elected by c alone); b: 11..210 @t3, which a's log does not contain.
  const r = backtrack(Array<number>(50).fill(2), Array<number>(200).fill(3), 3);
  t.diagnostic(`steps ${r.steps}, messages ${r.messages}`);
  assert.equal(r.steps, 1, 'one rejected probe, then the leader jumps to the common prefix');
  assert.ok(r.messages <= 10, `messages exchanged with the follower: ${r.messages}`);
});

test('fast backtracking: a suffix made of many short terms still converges in few round trips', (t) => {
  // b's divergent suffix has a new term every 5 entries: term-by-term backtracking would need 40.
  const follower = Array.from({ length: 200 }, (_, i) => 2 + Math.floor(i / 5));
  const r = backtrack(Array<number>(100).fill(60), follower, 60);
  t.diagnostic(`steps ${r.steps}, messages ${r.messages}`);
  assert.ok(r.steps <= 2, `backtracking steps: ${r.steps}`);
  assert.ok(r.messages <= 12, `messages exchanged with the follower: ${r.messages}`);
});

test('a follower far behind has its window filled a few AppendEntries per turn, however many acks the turn handles, and still catches up', () => {
  const perTurn = 4;
  const config = { maxAppendEntries: 10, maxInflightAppends: 64, maxAppendsPerTurn: perTurn };
  const h = new Harness(5);
  const cfg = configEntry(1, 1, votersConfig(['a', 'b', 'c']));
  const prefix = [cfg, ...entriesWithTerms(2, Array<number>(9).fill(1))];
  const full = [...prefix, ...entriesWithTerms(11, Array<number>(2000).fill(1))];
  const hard = { term: 1, votedFor: undefined };
  const a = h.add('a', { log: full, hardState: hard, appliedIndex: 10, config });
  const b = h.add('b', { log: prefix, hardState: hard, appliedIndex: 10, config });
  h.add('c', { log: full, hardState: hard, appliedIndex: 10, config });
  h.isolated.add('b');
  h.campaign('a');
  assert.equal(a.role(), 'leader');
  h.isolated.delete('b');

  let largestBurst = 0;
  let mostAcksInATurn = 0;
  const caughtUp = (): boolean => b.store.lastIndex() === a.store.lastIndex();
  for (let turns = 0; !caughtUp(); turns++) {
    assert.ok(turns < 10_000, 'b catches up');
    // Everything the others have to say, delivered (their answers pile up for the leader).
    h.deliver((m) => m.to !== a.id);
    const toLeader = h.drop((m) => m.to === a.id);
    if (toLeader.length === 0) {
      h.now += 10; // a heartbeat restarts the exchange
      h.tickAll();
      continue;
    }
    // One turn of the leader's loop: every waiting answer stepped, then one Ready.
    const before = h.sent.length;
    for (const m of toLeader) a.core.step(m, h.now);
    h.flush(a.id);
    mostAcksInATurn = Math.max(mostAcksInATurn, toLeader.filter((m) => m.type === 'AppendEntriesResponse' && m.from === b.id).length);
    const burst = h.sent.slice(before).filter((m) => m.type === 'AppendEntries' && m.to === b.id && m.entries.length > 0).length;
    largestBurst = Math.max(largestBurst, burst);
  }
  assert.ok(mostAcksInATurn > 1, `some turn handled several of b's acks (at most ${mostAcksInATurn})`);
  assert.equal(largestBurst, perTurn, 'a turn sends at most maxAppendsPerTurn messages to the follower');
  assert.deepEqual(b.store.all(), a.store.all());
});
