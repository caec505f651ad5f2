import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogType } from '../../../src/raft/log';
import type { AppendEntries, RaftMessage } from '../../../src/raft/messages';
import { Harness } from './harness';

/** The leader's client-facing operations: read index, membership changes, leadership transfer. */

const isVote = (m: RaftMessage): boolean => m.type === 'RequestVote' || m.type === 'RequestVoteResponse';

/** A 3-node cluster where `a` has just won an election and its AppendEntries are still in the network. */
function freshLeader(seed: number): Harness {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, seed);
  const a = h.node('a');
  h.now = a.core.nextDeadline();
  a.core.tick(h.now);
  h.flush('a');
  h.deliver(isVote);
  assert.equal(a.role(), 'leader');
  assert.equal(a.core.commitIndex(), 0, 'its no-op is not committed yet');
  return h;
}

test('read index waits for the leader’s own-term commit, then for a quorum round sent after the read', () => {
  const h = freshLeader(31);
  const a = h.node('a');
  a.core.requestRead(1);
  h.flush('a');
  assert.deepEqual(a.readStates, [], 'deferred: the commit index may be stale before the no-op commits');
  assert.deepEqual(a.readFailures, []);

  // b acknowledges the no-op: a commits its own term, which starts a confirmation round.
  const link = (x: string, y: string) => (m: RaftMessage) => (m.from === x && m.to === y) || (m.from === y && m.to === x);
  h.deliver(
    (m) => (link('a', 'b')(m) && m.type !== 'AppendEntries') || (m.type === 'AppendEntries' && m.to === 'b' && m.entries.length > 0),
  );
  assert.equal(a.core.commitIndex(), 2);
  assert.deepEqual(a.readStates, [], 'the round that confirms leadership has not been answered yet');

  const appendsFromA = h.network.filter((m): m is AppendEntries => m.type === 'AppendEntries' && m.from === 'a');
  const roundSeq = Math.max(...appendsFromA.map((m) => m.seq));
  // c answers only messages sent before the read's round: that proves nothing about now.
  h.deliver((m) => (m.type === 'AppendEntries' && m.to === 'c' && m.seq < roundSeq) || (m.from === 'c' && m.to === 'a'));
  assert.ok(
    h.delivered.some((m) => m.type === 'AppendEntriesResponse' && m.from === 'c'),
    'c did answer',
  );
  assert.deepEqual(a.readStates, [], 'answers to older rounds do not confirm the read');

  // b answers the round itself: with a, that is a quorum.
  h.deliver((m) => (m.type === 'AppendEntries' && m.to === 'b' && m.seq >= roundSeq) || (m.from === 'b' && m.to === 'a'));
  assert.deepEqual(a.readStates, [{ requestId: 1, index: 2 }], 'confirmed at the commit index of the own-term commit');
});

test('read index: a read after the own-term commit needs one fresh round; followers refuse reads', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 32);
  const leader = h.stableLeader();
  leader.core.requestRead(7);
  h.flush(leader.id, true); // takes the Ready even if hasReady() overlooks the read (see below)
  assert.deepEqual(leader.readStates, [], 'not confirmed by the leader alone');
  const round = h.network.filter((m) => m.type === 'AppendEntries' && m.from === leader.id);
  assert.equal(round.length, 2, 'one heartbeat to each follower');
  h.deliver();
  assert.deepEqual(leader.readStates, [{ requestId: 7, index: leader.core.commitIndex() }]);

  const follower = [...h.nodes.values()].find((n) => n !== leader)!;
  follower.core.requestRead(8);
  h.flush(follower.id);
  assert.deepEqual(follower.readFailures, [{ requestId: 8, reason: 'not-leader' }]);
});

/**
 * hasReady() is the runtime's only cue to call takeReady() (runtime/raft.ts flush()), and it is
 * takeReady() that starts a read's confirmation round. A read on an idle leader must therefore
 * make hasReady() true, or its round waits for the next heartbeat tick.
 */
test('read index: hasReady() reports a read whose confirmation round is still to be sent', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 32);
  const leader = h.stableLeader();
  assert.equal(leader.core.hasReady(), false, 'idle');
  leader.core.requestRead(7);
  assert.equal(leader.core.hasReady(), true, 'takeReady() would broadcast the round, so there is a Ready');
  h.flush(leader.id);
  h.deliver();
  assert.deepEqual(leader.readStates, [{ requestId: 7, index: leader.core.commitIndex() }], 'confirmed without waiting for a tick');
});

test('read index: reads that arrive while a round is out wait and go together in the next one, started when it is confirmed', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 34);
  const leader = h.stableLeader();
  const heartbeats = (): number => h.sent.filter((m) => m.type === 'AppendEntries' && m.from === leader.id).length;
  leader.core.requestRead(1);
  h.flush(leader.id);
  const afterFirstRound = heartbeats();
  for (const id of [2, 3, 4]) {
    leader.core.requestRead(id);
    assert.equal(leader.core.hasReady(), false, `read ${id}: no Ready while the first round is out`);
    h.flush(leader.id, true);
  }
  assert.equal(heartbeats(), afterFirstRound, 'no second round while the first is unanswered');
  h.deliver();
  assert.deepEqual(
    leader.readStates.map((r) => r.requestId),
    [1, 2, 3, 4],
    'the first round confirmed read 1; its answer started one round for reads 2-4, itself confirmed',
  );
  assert.equal(heartbeats(), afterFirstRound + 2, 'exactly one more round (a heartbeat to each follower)');
});

test('read index: pending reads fail when the leader steps down', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 33);
  const leader = h.stableLeader();
  h.isolated.add(leader.id);
  leader.core.requestRead(9);
  h.runUntil(() => leader.role() !== 'leader', 2000);
  assert.deepEqual(leader.readStates, []);
  assert.deepEqual(leader.readFailures, [{ requestId: 9, reason: 'leadership-lost' }]);
});

test('proposeMembership: refused before the own-term commit and while another change is uncommitted', () => {
  const h = freshLeader(34);
  const a = h.node('a');
  const addD = { kind: 'add-nonvoter', id: 'd', address: 'addr-d' } as const;
  assert.equal(a.core.proposeMembership(addD, undefined, h.now), 'the leader has not yet committed an entry of its term');
  assert.equal(h.core('b').proposeMembership(addD, undefined, h.now), 'not-leader');

  h.deliver();
  assert.equal(a.core.commitIndex(), 2);
  assert.equal(a.core.proposeMembership(addD, 5, h.now), 'configuration changed since index 5 (now 1)');
  const index = a.core.proposeMembership(addD, 1, h.now);
  assert.equal(index, 3);
  assert.equal(a.core.configurationIndex(), 3, 'a configuration takes effect when appended');
  h.flush('a');
  const addE = { kind: 'add-nonvoter', id: 'e', address: 'addr-e' } as const;
  assert.equal(a.core.proposeMembership(addE, undefined, h.now), 'a configuration change is already in progress');

  h.deliver();
  assert.equal(a.core.commitIndex(), 3);
  assert.equal(a.core.proposeMembership(addE, undefined, h.now), 4, 'the next change once the first committed');
  assert.match(String(a.core.proposeMembership(addE, undefined, h.now)), /already in progress/);
});

test('a server added by proposeMembership receives the log without waiting for another proposal', () => {
  const h = Harness.bootstrapped(['a'], {}, 35);
  const a = h.stableLeader();
  h.add('b'); // a fresh, empty server
  const index = a.core.proposeMembership({ kind: 'add-voter', id: 'b', address: 'addr-b' }, undefined, h.now);
  assert.equal(index, 3);
  h.flush('a');
  h.advance(3000); // plenty of heartbeats, but no new proposals
  assert.equal(h.node('b').core.log.lastIndex(), 3, 'b must receive the log, including its own configuration');
  assert.equal(a.core.commitIndex(), 3, 'the 2-voter configuration needs b to commit');
});

test('transferLeadership to a caught-up follower sends TimeoutNow at once; the target campaigns with leadershipTransfer', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 36);
  const leader = h.stableLeader();
  const target = [...h.nodes.values()].find((n) => n !== leader)!;
  const term = leader.term();
  assert.equal(leader.core.transferLeadership(target.id, h.now), undefined);
  h.flush(leader.id);
  assert.ok(
    h.network.some((m) => m.type === 'TimeoutNow' && m.to === target.id),
    'sent at once',
  );
  assert.equal(leader.core.propose(LogType.Command, [new Uint8Array(1)]), 'transferring');
  assert.equal(leader.core.transferLeadership(target.id, h.now), 'a leadership transfer is already in progress');
  h.deliver();
  const votes = h.delivered.filter((m) => m.type === 'RequestVote' && m.from === target.id);
  assert.ok(votes.length > 0 && votes.every((m) => m.type === 'RequestVote' && m.leadershipTransfer && !m.preVote));
  assert.equal(target.role(), 'leader');
  assert.equal(target.term(), term + 1);
  assert.equal(leader.role(), 'follower');
  assert.ok(leader.events.some((e) => e.kind === 'transfer-finished' && e.ok));
});

test('transferLeadership to a lagging follower first catches it up, then sends TimeoutNow', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 37);
  const leader = h.stableLeader();
  const target = [...h.nodes.values()].find((n) => n !== leader)!;
  h.isolated.add(target.id);
  leader.core.propose(LogType.Command, [new Uint8Array(1), new Uint8Array(2), new Uint8Array(3)]);
  h.advance(100);
  h.isolated.delete(target.id);
  assert.ok(target.core.log.lastIndex() < leader.core.log.lastIndex());

  assert.equal(leader.core.transferLeadership(target.id, h.now), undefined);
  h.flush(leader.id);
  assert.ok(!h.network.some((m) => m.type === 'TimeoutNow'), 'not before the target has the whole log');
  assert.ok(
    h.runUntil(() => target.role() === 'leader', 1000),
    'the target takes over within the transfer deadline',
  );
  const timeoutNow = h.delivered.findIndex((m) => m.type === 'TimeoutNow');
  const caughtUp = h.delivered.findIndex(
    (m) => m.type === 'AppendEntriesResponse' && m.from === target.id && m.success && m.matchIndex === 5,
  );
  assert.ok(caughtUp >= 0 && caughtUp < timeoutNow, 'TimeoutNow follows the acknowledgement of the last entry');
});

test('transferLeadership refuses bad targets', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c'], {}, 38);
  const leader = h.stableLeader();
  assert.equal(leader.core.transferLeadership('zz', h.now), 'zz is not a voter of this cluster');
  assert.equal(leader.core.transferLeadership(leader.id, h.now), `${leader.id} is not a voter of this cluster`);
  const follower = [...h.nodes.values()].find((n) => n !== leader)!;
  assert.equal(follower.core.transferLeadership(undefined, h.now), 'not-leader');
});
