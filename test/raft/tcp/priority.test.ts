/** Which messages take the priority lane, and what that means for snapshot transfers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage } from '../../../src/raft/codec';
import type { InstallSnapshot, InstallSnapshotResponse, RaftMessage } from '../../../src/raft/messages';
import { isPriority } from '../../../src/raft/tcp';
import { FrameDecoder } from '../../../src/raft/tcp/frame-codec';
import { SendQueue } from '../../../src/raft/tcp/send-queue';
import { appendEntries, Inbox, listen, numbered, oneOfEach } from './helpers';

function snapshotChunk(offset: number, size: number, done = false): InstallSnapshot {
  return {
    type: 'InstallSnapshot',
    from: 'a',
    to: 'b',
    term: 4,
    snapshotId: 'snap-1',
    lastIndex: 1000,
    lastTerm: 3,
    configuration: { servers: [{ id: 'a', address: '127.0.0.1:1', suffrage: 'voter' }] },
    configurationIndex: 10,
    offset,
    data: new Uint8Array(size).fill(offset & 0xff),
    size: 1 << 24,
    crc32: 0x12345678,
    done,
    seq: offset,
  };
}

function snapshotResponse(nextOffset: number, installed = false): InstallSnapshotResponse {
  return {
    type: 'InstallSnapshotResponse',
    from: 'b',
    to: 'a',
    term: 4,
    snapshotId: 'snap-1',
    nextOffset,
    installed,
    lastIndex: 1000,
    seq: 1,
  };
}

test('bulk are AppendEntries with entries and every InstallSnapshot chunk; all else is priority', () => {
  const heartbeat = appendEntries('a', 'b', 1, 0, 0);
  const cases: [string, RaftMessage, boolean][] = [
    ['AppendEntries with entries', appendEntries('a', 'b', 1, 3, 10), false],
    ['heartbeat', heartbeat, true],
    ['InstallSnapshot chunk', snapshotChunk(0, 4096), false],
    ['empty last InstallSnapshot chunk', snapshotChunk(4096, 0, true), false],
    ['InstallSnapshotResponse', snapshotResponse(4096), true],
    ['InstallSnapshotResponse, installed', snapshotResponse(8192, true), true],
    ['RequestVote', numbered('a', 'b', 1), true],
  ];
  for (const [name, message, priority] of cases) assert.equal(isPriority(message), priority, name);
  // One message of every type: only the two bulk kinds are bulk.
  const bulk = oneOfEach('a', 'b')
    .filter((m) => !isPriority(m))
    .map((m) => m.type);
  assert.deepEqual(bulk, ['AppendEntries', 'InstallSnapshot']);
});

test('queued snapshot chunks do not hold up responses, votes or heartbeats; chunks keep their order', () => {
  const q = new SendQueue(1 << 24);
  const sent: RaftMessage[] = [
    snapshotChunk(0, 256 * 1024),
    snapshotChunk(256 * 1024, 256 * 1024),
    snapshotResponse(512),
    numbered('a', 'b', 7),
    snapshotChunk(512 * 1024, 256 * 1024, true),
    appendEntries('a', 'b', 2, 0, 0),
  ];
  for (const m of sent) assert.ok(q.push(encodeMessage(m), isPriority(m)));
  const order: string[] = [];
  for (let batch = q.takeBatch(1 << 16); batch !== undefined; batch = q.takeBatch(1 << 16)) {
    new FrameDecoder(1 << 24).push(Buffer.concat(batch.parts), (payload) => {
      order.push(String(payload[1])); // the codec's type tag
      return true;
    });
  }
  // Tags: 7 InstallSnapshotResponse, 3 RequestVote, 1 AppendEntries (heartbeat), then the chunks (6) in order.
  assert.deepEqual(order, ['7', '3', '1', '6', '6', '6']);
});

test('a 1 MiB snapshot chunk and its response cross TCP intact', async () => {
  const a = await listen('a');
  const b = await listen('b');
  try {
    const inboxA = new Inbox();
    const inboxB = new Inbox();
    a.setHandler(inboxA.handler);
    b.setHandler(inboxB.handler);
    const chunk = { ...snapshotChunk(0, 1 << 20), data: Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff) };
    a.send(b.localAddress, chunk);
    await inboxB.waitFor(1);
    assert.deepEqual(inboxB.received[0]!.message, chunk);
    const reply = snapshotResponse(1 << 20);
    b.send(a.localAddress, reply);
    await inboxA.waitFor(1);
    assert.deepEqual(inboxA.received[0]!.message, reply);
    assert.equal(a.stats().dropped + b.stats().dropped, 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
