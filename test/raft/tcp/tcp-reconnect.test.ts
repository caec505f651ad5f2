import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage } from '../../../src/raft/codec';
import { appendEntries, freePort, Inbox, listen, numbered, RecordingLogger } from './helpers';

test('after the receiver restarts on the same port, the sender reconnects and delivers what it queued meanwhile', async () => {
  const senderLog = new RecordingLogger();
  const sender = await listen('a', { logger: senderLog });
  let receiver = await listen('b');
  const address = receiver.localAddress;
  try {
    const first = new Inbox();
    receiver.setHandler(first.handler);
    sender.send(address, numbered('a', 'b', 1));
    await first.waitFor(1);

    const lost = senderLog.waitFor('connection lost');
    await receiver.close();
    await lost; // the sender has noticed: what it sends now waits in its queue
    sender.send(address, numbered('a', 'b', 2));
    sender.send(address, numbered('a', 'b', 3));

    receiver = await listen('b', { bindAddress: address });
    const second = new Inbox();
    receiver.setHandler(second.handler);
    await second.waitFor(2);
    assert.deepEqual(
      second.received.map((r) => (r.message.type === 'RequestVote' ? r.message.lastLogIndex : -1)),
      [2, 3],
    );
    assert.equal(second.received[0]!.from, sender.localAddress);
    assert.ok(sender.stats().reconnects >= 1);
    assert.equal(sender.stats().dropped, 0);
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
});

test('messages queued before the peer is up are delivered, in order, once it listens', async () => {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const sender = await listen('a');
  let receiver: Awaited<ReturnType<typeof listen>> | undefined;
  try {
    for (let i = 0; i < 100; i++) sender.send(address, numbered('a', 'b', i));
    receiver = await listen('b', { bindAddress: address });
    const inbox = new Inbox();
    receiver.setHandler(inbox.handler);
    await inbox.waitFor(100);
    assert.deepEqual(
      inbox.received.map((r) => (r.message.type === 'RequestVote' ? r.message.lastLogIndex : -1)),
      Array.from({ length: 100 }, (_, i) => i),
    );
  } finally {
    await Promise.all([sender.close(), receiver?.close()]);
  }
});

test('while disconnected, the queue is bounded by bytes: the excess is dropped and counted', async () => {
  const logger = new RecordingLogger();
  const maxQueuedBytesPerPeer = 100_000;
  const sender = await listen('a', { logger, maxQueuedBytesPerPeer });
  const address = `127.0.0.1:${await freePort()}`;
  const message = (seq: number) => appendEntries('a', 'b', seq, 10, 1000);
  const frameBytes = 4 + encodeMessage(message(0)).byteLength;
  const fits = Math.floor(maxQueuedBytesPerPeer / frameBytes);
  const total = 3 * fits;
  for (let seq = 0; seq < total; seq++) sender.send(address, message(seq));
  assert.equal(sender.stats().dropped, total - fits);
  assert.equal(logger.count('send queue full'), 1, 'a full queue logs once, not per message');
  await sender.close();
  // Closing discards what was still queued, and counts it.
  assert.equal(sender.stats().dropped, total);
});

test('a peer that restarts and dials us is redialled at once, not after the rest of our backoff', async () => {
  const senderLog = new RecordingLogger();
  // A backoff far longer than the test may wait: only the peer's own dial can cut it short.
  const sender = await listen('a', { logger: senderLog, backoff: { initialMs: 60_000, maxMs: 60_000 } });
  let receiver = await listen('b');
  const address = receiver.localAddress;
  try {
    const first = new Inbox();
    receiver.setHandler(first.handler);
    sender.send(address, numbered('a', 'b', 1));
    await first.waitFor(1);
    const lost = senderLog.waitFor('connection lost');
    await receiver.close();
    await lost;
    sender.send(address, numbered('a', 'b', 2)); // queued behind a 60 s backoff

    receiver = await listen('b', { bindAddress: address });
    const second = new Inbox();
    receiver.setHandler(second.handler);
    receiver.send(sender.localAddress, numbered('b', 'a', 1)); // the restarted peer speaks first
    await second.waitFor(1, 5_000);
    assert.equal(second.received[0]!.message.type === 'RequestVote' ? second.received[0]!.message.lastLogIndex : -1, 2);
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
});
