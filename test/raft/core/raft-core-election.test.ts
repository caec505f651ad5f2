import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestVote } from '../../../src/raft/messages';
import { configEntry, entriesWithTerms, votersConfig } from './array-log';
import { Harness } from './harness';

/** Elections: bootstrap, one leader per term, pre-vote, check-quorum, the vote's log check. */

test('a lone voter elects itself at once and commits its no-op only once it is durable', () => {
  const h = new Harness();
  const a = h.add('a', { autoPersist: false });
  assert.equal(a.core.bootstrap(votersConfig(['a']), h.now), undefined);
  assert.equal(a.core.nextDeadline(), h.now, 'no one to wait for: the election is due now');
  h.flush('a');
  a.core.tick(h.now);
  h.flush('a');
  assert.equal(a.role(), 'leader');
  assert.equal(a.term(), 2, 'bootstrap wrote term 1; the election is term 2');
  assert.equal(a.lastEntry()?.index, 2, 'the no-op follows the configuration');
  assert.equal(a.core.commitIndex(), 0, 'nothing is durable yet, not even on the only voter');
  assert.equal(a.pending.length, 2, 'two writes held: bootstrap, then election and no-op');

  h.persist('a', 1);
  assert.equal(a.core.commitIndex(), 0, 'the configuration is of term 1: not committed by counting');
  h.persist('a');
  assert.equal(a.core.commitIndex(), 2);
  assert.deepEqual(
    a.applied.map((e) => [e.index, e.term]),
    [
      [1, 1],
      [2, 2],
    ],
  );
  assert.equal(a.core.bootstrap(votersConfig(['a']), h.now), 'this node already has state (a term or log entries); bootstrap ignored');
});

for (const size of [3, 5]) {
  test(`${size} nodes elect exactly one leader per term, and it stays (seeds 1..5)`, () => {
    for (let seed = 1; seed <= 5; seed++) {
      const ids = Array.from({ length: size }, (_, i) => `n${i}`);
      const h = Harness.bootstrapped(ids, {}, seed * 100);
      const leader = h.stableLeader();
      const term = leader.term();
      h.advance(3000);
      assert.deepEqual(
        h.leaders().map((n) => n.id),
        [leader.id],
        `seed ${seed}: a healthy cluster keeps its leader`,
      );
      assert.equal(leader.term(), term, `seed ${seed}: no further elections`);
      // Election safety over the whole history: at most one node ever led each term.
      const leadersByTerm = new Map<number, Set<string>>();
      for (const n of h.nodes.values()) {
        for (const s of n.softStates) {
          if (s.role !== 'leader') continue;
          const set = leadersByTerm.get(s.term) ?? new Set<string>();
          set.add(n.id);
          leadersByTerm.set(s.term, set);
        }
      }
      for (const [t, set] of leadersByTerm) assert.equal(set.size, 1, `seed ${seed}: term ${t} had leaders ${[...set].join(',')}`);
      assert.ok(
        [...h.nodes.values()].every((n) => n.core.commitIndex() === leader.core.log.lastIndex()),
        `seed ${seed}: the no-op is committed everywhere`,
      );
    }
  });
}

/** Isolates a follower for 10 s, then heals; returns what the cluster looked like. */
function partitionAndRejoin(preVote: boolean): { termWhileAway: number; termBefore: number; leaderKept: boolean } {
  const h = Harness.bootstrapped(['a', 'b', 'c'], { config: { preVote } }, 7);
  const leader = h.stableLeader();
  const away = [...h.nodes.values()].find((n) => n !== leader)!;
  const termBefore = leader.term();
  h.isolated.add(away.id);
  h.advance(10_000); // at least five election timeouts
  const termWhileAway = away.term();
  h.isolated.delete(away.id);
  h.advance(3000);
  return { termBefore, termWhileAway, leaderKept: leader.role() === 'leader' && leader.term() === termBefore };
}

test('pre-vote: a partitioned node does not raise its term, and on rejoining does not disrupt the leader', () => {
  const r = partitionAndRejoin(true);
  assert.equal(r.termWhileAway, r.termBefore, 'failed pre-votes never increase the term');
  assert.ok(r.leaderKept, 'the leader survives the rejoin');
});

test('without pre-vote the same partition raises the term and deposes the leader (the test can fail)', () => {
  const r = partitionAndRejoin(false);
  assert.ok(r.termWhileAway > r.termBefore + 2, `term went ${r.termBefore} → ${r.termWhileAway}`);
  assert.ok(!r.leaderKept);
});

test('check-quorum: a leader that hears from no one steps down within the lease checks', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 3);
  const leader = h.stableLeader();
  const lease = 500; // defaultConfig().leaderLeaseTimeoutMs
  const lastHeard = Math.max(...[...leader.core.peerProgress().values()].map((p) => p.lastContact));
  h.isolated.add(leader.id);
  let steppedDownAt: number | undefined;
  h.runUntil(() => {
    if (leader.role() !== 'leader') steppedDownAt ??= h.now;
    return steppedDownAt !== undefined;
  }, 5000);
  assert.ok(steppedDownAt !== undefined, 'the leader must step down');
  assert.ok(steppedDownAt - lastHeard > lease, `not before the lease ran out (${steppedDownAt - lastHeard} ms)`);
  // The check runs once per lease, so detection takes at most two leases.
  assert.ok(steppedDownAt - lastHeard <= 2 * lease + 10, `within two leases (${steppedDownAt - lastHeard} ms)`);
  assert.equal(leader.core.softState().leaderId, undefined);
});

test('without check-quorum an isolated leader keeps believing it leads', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], { config: { checkQuorum: false } }, 3);
  const leader = h.stableLeader();
  h.isolated.add(leader.id);
  h.advance(5000);
  assert.equal(leader.role(), 'leader');
});

test('a non-voter never campaigns, not even on TimeoutNow', () => {
  const h = new Harness(11);
  const config = votersConfig(['a', 'b'], ['n']);
  for (const id of ['a', 'b', 'n']) {
    h.add(id).core.bootstrap(config, h.now);
    h.flush(id);
  }
  const n = h.node('n');
  assert.equal(n.core.nextDeadline(), Infinity);
  h.isolated.add('n');
  h.advance(10_000);
  assert.equal(n.role(), 'follower');
  assert.equal(n.term(), 1);
  assert.equal(h.sent.filter((m) => m.from === 'n').length, 0, 'n sent nothing at all');
  n.core.step({ type: 'TimeoutNow', from: 'a', to: 'n', term: 1 }, h.now);
  h.flush('n');
  assert.equal(n.role(), 'follower');
  assert.equal(h.sent.filter((m) => m.from === 'n' && m.type === 'RequestVote').length, 0);
  // Meanwhile the voters elected a leader that replicates to n as well.
  h.isolated.delete('n');
  const leader = h.stableLeader();
  h.advance(200);
  assert.notEqual(leader.id, 'n');
  assert.equal(n.core.log.lastIndex(), leader.core.log.lastIndex());
});

/** A RequestVote from b (term 3) whose log (1 entry of term 1) is behind a's (2 entries, term 2). */
function staleCandidateVote(voteWithoutLogCheck: boolean, preVote: boolean): boolean {
  const h = new Harness();
  const config = votersConfig(['a', 'b', 'c']);
  const a = h.add('a', {
    log: [configEntry(1, 1, config), ...entriesWithTerms(2, [2])],
    hardState: { term: 2, votedFor: undefined },
    bugs: { voteWithoutLogCheck },
  });
  const vote: RequestVote = {
    type: 'RequestVote',
    from: 'b',
    to: 'a',
    term: 3,
    lastLogIndex: 1,
    lastLogTerm: 1,
    preVote,
    leadershipTransfer: false,
  };
  a.core.step(vote, h.now);
  h.flush('a');
  const answers = h.sent.filter((m) => m.type === 'RequestVoteResponse' && m.to === 'b');
  assert.equal(answers.length, 1);
  const answer = answers[0]!;
  assert.ok(answer.type === 'RequestVoteResponse');
  return answer.granted;
}

test('a vote is refused to a candidate with a stale log; voteWithoutLogCheck grants it', () => {
  assert.equal(staleCandidateVote(false, false), false);
  assert.equal(staleCandidateVote(false, true), false, 'pre-vote applies the same check');
  assert.equal(staleCandidateVote(true, false), true, 'the bug switch skips §5.4.1');
  assert.equal(staleCandidateVote(true, true), true);
});
