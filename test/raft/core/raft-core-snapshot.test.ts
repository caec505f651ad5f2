import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogType } from '../../../src/raft/log';
import type { InstallSnapshot, InstallSnapshotResponse, RaftMessage } from '../../../src/raft/messages';
import { votersConfig } from './array-log';
import { Harness } from './harness';

/** The core's side of snapshots: when the leader asks for one, how chunks and answers are handled. */

const payload = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => new Uint8Array([i]));

/** A three-node cluster where `c` missed entries that the leader has since compacted away. */
function leaderCompactedPastC(): { h: Harness; leaderId: string; compactedTo: number } {
  const h = Harness.bootstrapped(['a', 'b', 'c']);
  const leader = h.stableLeader();
  h.isolated.add('c');
  leader.core.propose(LogType.Command, payload(20));
  h.flush(leader.id);
  h.deliver();
  const commit = leader.core.commitIndex();
  assert.equal(commit, leader.core.log.lastIndex(), 'a and b committed everything');
  leader.core.compactLog(commit);
  h.flush(leader.id);
  assert.equal(leader.core.log.firstIndex(), commit + 1);
  return { h, leaderId: leader.id, compactedTo: commit };
}

function chunk(h: Harness, from: string, to: string, lastIndex: number, overrides: Partial<InstallSnapshot> = {}): InstallSnapshot {
  const leader = h.core(from);
  return {
    type: 'InstallSnapshot',
    from,
    to,
    term: leader.currentTerm(),
    snapshotId: `s-${lastIndex}`,
    lastIndex,
    lastTerm: leader.log.term(lastIndex)!,
    configuration: votersConfig(['a', 'b', 'c']),
    configurationIndex: 1,
    offset: 0,
    data: new Uint8Array(0),
    size: 0,
    crc32: 0,
    done: true,
    seq: 0,
    ...overrides,
  };
}

test('a leader that compacted past a follower asks for a snapshot, and replicates again once it is installed', () => {
  const { h, leaderId, compactedTo } = leaderCompactedPastC();
  const leader = h.node(leaderId);
  h.isolated.delete('c');
  // Entries sent to c while it was cut off are retransmitted after half a heartbeat timeout.
  h.advance(1000);
  assert.ok(
    leader.events.some((e) => e.kind === 'send-snapshot' && e.peer === 'c'),
    'the runtime is asked to stream a snapshot to c',
  );
  assert.equal(leader.core.peerProgress().get('c')!.state, 'snapshot');
  const appendsWithEntries = (): number =>
    h.count('AppendEntries', (m) => m.to === 'c' && m.type === 'AppendEntries' && m.entries.length > 0);
  const before = appendsWithEntries();
  const heartbeatsBefore = h.count('AppendEntries', (m) => m.to === 'c');
  h.advance(300);
  assert.equal(appendsWithEntries(), before, 'no entries go to a follower that waits for a snapshot');
  assert.ok(h.count('AppendEntries', (m) => m.to === 'c') > heartbeatsBefore, 'heartbeats continue');

  // The runtime streamed the snapshot; c's runtime reports it durable.
  const c = h.node('c');
  assert.equal(c.core.installSnapshot(chunk(h, leaderId, 'c', compactedTo)), 'wiped');
  h.flush('c');
  h.deliver();
  h.advance(100);
  assert.equal(c.core.log.lastIndex(), leader.core.log.lastIndex(), 'c replicated everything after the snapshot');
  assert.equal(c.core.commitIndex(), leader.core.commitIndex());
  assert.notEqual(leader.core.peerProgress().get('c')!.state, 'snapshot');
});

test('a failed transfer is retried from the next heartbeat, not at once', () => {
  const { h, leaderId } = leaderCompactedPastC();
  const leader = h.node(leaderId);
  h.isolated.delete('c');
  // Entries sent to c while it was cut off are retransmitted after half a heartbeat timeout.
  h.advance(1000);
  const requests = (): number => leader.events.filter((e) => e.kind === 'send-snapshot').length;
  const first = requests();
  leader.core.snapshotFailed('c');
  h.flush(leaderId);
  assert.equal(requests(), first, 'no immediate retry');
  h.advance(300);
  assert.ok(requests() > first, 'the next heartbeat asks for the snapshot again');
});

test('a chunk from the current leader goes to the runtime and holds off elections; one from a stale term is answered with our term', () => {
  const { h, leaderId, compactedTo } = leaderCompactedPastC();
  const c = h.node('c');
  const current = chunk(h, leaderId, 'c', compactedTo, { done: false, size: 10 });
  c.core.step(current, h.now);
  h.flush('c');
  assert.ok(c.events.some((e) => e.kind === 'snapshot-chunk' && e.message === current));
  assert.equal(c.core.softState().leaderId, leaderId);

  const staleTerm = c.term() - 1;
  const answers: RaftMessage[] = [];
  const eventsBefore = c.events.length;
  c.core.step({ ...current, term: staleTerm, snapshotId: 'stale' }, h.now);
  const ready = c.core.takeReady();
  answers.push(...ready.messages, ...ready.messagesAfterPersist);
  const answer = answers.find((m): m is InstallSnapshotResponse => m.type === 'InstallSnapshotResponse');
  assert.ok(answer, 'the stale sender hears back');
  assert.equal(answer.term, c.term(), 'with our term, so it steps down');
  assert.equal(answer.installed, false);
  assert.ok(!ready.events.some((e) => e.kind === 'snapshot-chunk'), 'the stale chunk is not written');
  assert.equal(c.events.length, eventsBefore);
});

test('a snapshot the follower already covers is acknowledged without touching its log', () => {
  const h = Harness.bootstrapped(['a', 'b', 'c']);
  const leader = h.stableLeader();
  leader.core.propose(LogType.Command, payload(5));
  h.flush(leader.id);
  h.deliver();
  h.advance(100);
  const b = h.node(leader.id === 'b' ? 'c' : 'b');
  const last = b.core.log.lastIndex();
  assert.equal(b.core.installSnapshot(chunk(h, leader.id, b.id, 3)), 'stale');
  assert.equal(b.core.log.lastIndex(), last);
  const ready = b.core.takeReady();
  const answer = ready.messagesAfterPersist.find((m): m is InstallSnapshotResponse => m.type === 'InstallSnapshotResponse');
  assert.equal(answer?.installed, true);
});
