import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Progress } from '../../../src/raft/core/progress';

test('a new follower starts in probe: one AppendEntries outstanding at a time, next does not move', () => {
  const pr = new Progress(5, 100);
  assert.equal(pr.state, 'probe');
  assert.equal(pr.match, 0);
  assert.equal(pr.lastContact, 100);
  assert.equal(pr.progressAt, 100);
  assert.ok(pr.canSend(8));
  pr.sent(7);
  assert.ok(pr.probeSent);
  assert.equal(pr.next, 5, 'a probe is not optimistic: next stays until the answer');
  assert.ok(!pr.canSend(8), 'wait for the answer (or the next heartbeat)');
  assert.deepEqual(pr.inflight, []);
});

test('probe → replicate once the match is found; next follows the match', () => {
  const pr = new Progress(5, 0);
  pr.sent(7);
  assert.equal(pr.acknowledge(7), true);
  assert.equal(pr.match, 7);
  assert.equal(pr.next, 8);
  pr.becomeReplicate();
  assert.equal(pr.state, 'replicate');
  assert.equal(pr.next, 8);
  assert.equal(pr.probeSent, false);
  assert.deepEqual(pr.inflight, []);
});

test('replicate streams up to the window; acknowledgements free it in order', () => {
  const pr = new Progress(1, 0);
  pr.becomeReplicate();
  pr.sent(10);
  pr.sent(12);
  assert.ok(pr.canSend(3));
  pr.sent(14);
  assert.equal(pr.next, 15, 'optimistic: next moves on send');
  assert.deepEqual(pr.inflight, [10, 12, 14]);
  assert.ok(!pr.canSend(3), 'window full');

  assert.equal(pr.acknowledge(12), true);
  assert.deepEqual(pr.inflight, [14], 'everything up to the acknowledged index is freed');
  assert.equal(pr.match, 12);
  assert.equal(pr.next, 15, 'next never moves back on an acknowledgement');
  assert.ok(pr.canSend(3));

  assert.equal(pr.acknowledge(11), false, 'stale acknowledgement');
  assert.equal(pr.match, 12);
  assert.deepEqual(pr.inflight, [14]);

  assert.equal(pr.acknowledge(14), true);
  assert.deepEqual(pr.inflight, []);
});

test('acknowledge frees the window even when it does not advance the match', () => {
  const pr = new Progress(1, 0);
  pr.becomeReplicate();
  pr.acknowledge(5);
  pr.sent(5); // a resend of what is already matched (e.g. after a heartbeat retransmit)
  assert.equal(pr.acknowledge(5), false);
  assert.deepEqual(pr.inflight, []);
});

test('becomeProbe drops the window and never goes below match + 1', () => {
  const pr = new Progress(1, 0);
  pr.becomeReplicate();
  pr.acknowledge(12);
  pr.sent(20);
  pr.sent(30);
  pr.becomeProbe(9);
  assert.equal(pr.state, 'probe');
  assert.equal(pr.next, 13, 'the match is known good: probing below it is pointless');
  assert.deepEqual(pr.inflight, []);
  assert.equal(pr.probeSent, false);
  pr.becomeProbe(17);
  assert.equal(pr.next, 17);
});

test('becomeReplicate after a probe keeps next at least match + 1', () => {
  const pr = new Progress(3, 0);
  pr.match = 6; // as after the leader learned the match out of band
  pr.becomeReplicate();
  assert.equal(pr.next, 7);
});
