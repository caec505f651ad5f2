import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstallSnapshot, RaftMessage } from '../../../src/raft/messages';
import { TcpTransport } from '../../../src/raft/tcp';
import { appendEntries, Inbox, listen, numbered, oneOfEach, RecordingLogger } from './helpers';

test('every message type makes the round trip both ways, with the advertised address as fromAddress', async () => {
  const a = await listen('a');
  const b = await listen('b');
  try {
    assert.match(a.localAddress, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(a.localAddress, '127.0.0.1:0');
    const inboxA = new Inbox();
    const inboxB = new Inbox();
    a.setHandler(inboxA.handler);
    b.setHandler(inboxB.handler);
    const toB = oneOfEach('a', 'b');
    const toA = oneOfEach('b', 'a');
    for (const m of toB) a.send(b.localAddress, m);
    for (const m of toA) b.send(a.localAddress, m);
    await Promise.all([inboxA.waitFor(toA.length), inboxB.waitFor(toB.length)]);
    // Across lanes the order may change (heartbeats first), so compare sorted by type and seq.
    const key = (m: RaftMessage): string => `${m.type}/${m.type === 'AppendEntries' ? m.seq : ''}`;
    const sorted = (ms: RaftMessage[]): RaftMessage[] => [...ms].sort((x, y) => key(x).localeCompare(key(y)));
    assert.deepEqual(sorted(inboxB.received.map((r) => r.message)), sorted(toB));
    assert.deepEqual(sorted(inboxA.received.map((r) => r.message)), sorted(toA));
    for (const { from } of inboxB.received) assert.equal(from, a.localAddress);
    for (const { from } of inboxA.received) assert.equal(from, b.localAddress);
    const sa = a.stats();
    assert.equal(sa.framesSent, toB.length);
    assert.equal(sa.framesReceived, toA.length);
    assert.equal(sa.connectionsOpen, 2); // one out, one in
    assert.equal(sa.dropped + sa.undecodable + sa.handshakeRejected + sa.oversizedFrames + sa.handlerErrors, 0);
    assert.ok(sa.bytesSent > 0 && sa.bytesReceived > 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('many messages arrive in order on one connection', async () => {
  const a = await listen('a');
  const b = await listen('b');
  try {
    const inbox = new Inbox();
    b.setHandler(inbox.handler);
    const n = 20_000;
    // Spread over several event-loop turns so that batching across turns is exercised too.
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < n / 20; i++) a.send(b.localAddress, numbered('a', 'b', turn * (n / 20) + i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await inbox.waitFor(n);
    const order = inbox.received.map((r) => (r.message.type === 'RequestVote' ? r.message.lastLogIndex : -1));
    assert.deepEqual(
      order,
      Array.from({ length: n }, (_, i) => i),
    );
    assert.equal(a.stats().reconnects, 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('heartbeats overtake AppendEntries batches not yet written', async () => {
  const a = await listen('a');
  const b = await listen('b');
  try {
    const inbox = new Inbox();
    b.setHandler(inbox.handler);
    // Queued in one turn, before the connection exists: everything waits in the queue together.
    for (let seq = 0; seq < 20; seq++) a.send(b.localAddress, appendEntries('a', 'b', seq, 64, 1000));
    a.send(b.localAddress, appendEntries('a', 'b', 99, 0, 0));
    await inbox.waitFor(21);
    const seqs = inbox.received.map((r) => (r.message.type === 'AppendEntries' ? r.message.seq : -1));
    assert.deepEqual(seqs, [99, ...Array.from({ length: 20 }, (_, i) => i)]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('the advertise address is what peers see; a handler exception is logged and does not stop delivery', async () => {
  const logger = new RecordingLogger();
  const b = await listen('b', { logger });
  const a = await listen('a', { bindAddress: '127.0.0.1:0', advertiseAddress: 'node-a.example:7000' });
  try {
    const inbox = new Inbox();
    b.setHandler((message, from) => {
      inbox.handler(message, from);
      if (inbox.received.length === 1) throw new Error('handler bug');
    });
    a.send(b.localAddress, numbered('a', 'b', 1));
    a.send(b.localAddress, numbered('a', 'b', 2));
    await inbox.waitFor(2);
    assert.deepEqual(
      inbox.received.map((r) => r.from),
      ['node-a.example:7000', 'node-a.example:7000'],
    );
    assert.equal(a.localAddress, 'node-a.example:7000');
    assert.equal(b.stats().handlerErrors, 1);
    const record = await logger.waitFor('message handler threw');
    assert.equal(record.level, 'error');
    assert.match(String(record.fields.error), /handler bug/);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('send never throws: bad addresses, malformed messages and sends after close are dropped and counted', async () => {
  const logger = new RecordingLogger();
  const a = await listen('a', { logger, maxFrameBytes: 1000 });
  a.send('not-an-address', numbered('a', 'x', 1));
  a.send('127.0.0.1:0', numbered('a', 'x', 1));
  a.send('127.0.0.1:1', { ...numbered('a', 'x', 1), term: -1 });
  a.send('127.0.0.1:1', appendEntries('a', 'x', 1, 2, 1000)); // over maxFrameBytes
  assert.equal(a.stats().dropped, 4);
  assert.equal(logger.count('cannot encode'), 1);
  assert.equal(logger.count('maximum frame size'), 1);
  await a.close();
  await a.close(); // idempotent
  a.send('127.0.0.1:1', numbered('a', 'x', 2));
  assert.equal(a.stats().dropped, 5);
  assert.equal(a.stats().connectionsOpen, 0);
});

test('listen rejects bad options and a port in use', async () => {
  const base = { clusterId: 'c', localId: 'a' };
  await assert.rejects(TcpTransport.listen({ ...base, bindAddress: 'nope' }), TypeError);
  await assert.rejects(TcpTransport.listen({ ...base, bindAddress: '0.0.0.0:0' }), /advertiseAddress/);
  await assert.rejects(TcpTransport.listen({ ...base, bindAddress: '127.0.0.1:0', advertiseAddress: '127.0.0.1:0' }), TypeError);
  await assert.rejects(TcpTransport.listen({ ...base, bindAddress: '127.0.0.1:0', clusterId: '' }), TypeError);
  await assert.rejects(TcpTransport.listen({ ...base, bindAddress: '127.0.0.1:0', backoff: { initialMs: 10, maxMs: 1 } }), RangeError);
  const a = await listen('a');
  try {
    await assert.rejects(TcpTransport.listen({ ...base, bindAddress: a.localAddress }), /EADDRINUSE/);
  } finally {
    await a.close();
  }
});

test('a snapshot chunk is sent without a copy: written is called once its bytes are out, and only then may they change', async () => {
  const a = await listen('a');
  const b = await listen('b');
  try {
    const inbox = new Inbox();
    b.setHandler(inbox.handler);
    const chunks = Array.from({ length: 8 }, (_, i): InstallSnapshot => ({
      type: 'InstallSnapshot',
      from: 'a',
      to: 'b',
      term: 3,
      snapshotId: 'snap',
      lastIndex: 100,
      lastTerm: 3,
      configuration: { servers: [] },
      configurationIndex: 1,
      offset: i * (1 << 20),
      data: new Uint8Array(1 << 20).fill(i + 1),
      size: 8 << 20,
      crc32: 0,
      done: i === 7,
      seq: i,
    }));
    const written = chunks.map(
      (m) =>
        new Promise<void>((resolve) => {
          a.send(b.localAddress, m, () => {
            // The transport is done with the bytes: scribbling on them must not reach the peer.
            m.data.fill(0xee);
            resolve();
          });
        }),
    );
    await Promise.all(written);
    await inbox.waitFor(chunks.length);
    inbox.received.forEach(({ message }, i) => {
      assert.ok(message.type === 'InstallSnapshot');
      assert.equal(message.offset, i * (1 << 20));
      assert.ok(message.data.every((byte) => byte === i + 1), `chunk ${i} arrived as it was when sent`);
    });
    assert.equal(a.stats().undecodable + b.stats().undecodable, 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('written is called for a message that is dropped: after close, or queued when the transport closes', async () => {
  const a = await listen('a');
  const b = await listen('b');
  const closed = a.close();
  let calls = 0;
  a.send(b.localAddress, numbered('a', 'b', 1), () => calls++);
  assert.equal(calls, 1, 'dropped at once: the transport is closing');
  await closed;

  // Queued for a peer that never answers the dial (a port nobody listens on), then discarded by close().
  const c = await listen('c');
  const nobody = await listen('nobody');
  const address = nobody.localAddress;
  await nobody.close();
  c.send(address, numbered('c', 'nobody', 1), () => calls++);
  await c.close();
  await b.close();
  assert.equal(calls, 2);
});
