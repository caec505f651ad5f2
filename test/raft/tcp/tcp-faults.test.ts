import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage } from '../../../src/raft/codec';
import type { TcpTransport } from '../../../src/raft/tcp';
import { encodeFrame } from '../../../src/raft/tcp/frame-codec';
import { encodeHandshake } from '../../../src/raft/tcp/handshake';
import { Inbox, listen, numbered, rawConnect, RecordingLogger } from './helpers';

const CLUSTER = 'test-cluster';

/** A transport under attack plus a well-behaved peer, to show that it keeps serving. */
async function fixture(options: { handshakeTimeoutMs?: number } = {}): Promise<{
  target: TcpTransport;
  logger: RecordingLogger;
  inbox: Inbox;
  good: TcpTransport;
  close: () => Promise<void>;
}> {
  const logger = new RecordingLogger();
  const target = await listen('target', { logger, ...options });
  const inbox = new Inbox();
  target.setHandler(inbox.handler);
  const good = await listen('good');
  return { target, logger, inbox, good, close: () => Promise.all([target.close(), good.close()]).then(() => {}) };
}

/** The well-behaved peer still gets through (message `n` is the n-th it sends). */
async function stillServes(f: { target: TcpTransport; inbox: Inbox; good: TcpTransport }, n: number): Promise<void> {
  f.good.send(f.target.localAddress, numbered('good', 'target', n));
  await f.inbox.waitFor(n);
  assert.equal(f.inbox.received[n - 1]!.from, f.good.localAddress);
}

const handshake = (clusterId = CLUSTER): Buffer =>
  encodeFrame(encodeHandshake({ clusterId, senderId: 'raw', senderAdvertiseAddress: '127.0.0.1:1' }));

test('a peer of another cluster is refused, logged with fields and counted', async () => {
  const f = await fixture();
  const stranger = await listen('stranger', { clusterId: 'other-cluster' });
  try {
    stranger.send(f.target.localAddress, numbered('stranger', 'target', 1));
    const record = await f.logger.waitFor('refused incoming connection');
    assert.equal(record.level, 'warn');
    assert.equal(record.fields.reason, 'cluster id mismatch');
    assert.equal(record.fields.peerClusterId, 'other-cluster');
    assert.equal(record.fields.ourClusterId, CLUSTER);
    assert.equal(record.fields.peerId, 'stranger');
    assert.equal(f.target.stats().handshakeRejected, 1);
    await stillServes(f, 1);
    assert.equal(f.inbox.received.length, 1, 'nothing from the stranger was delivered');
  } finally {
    await Promise.all([f.close(), stranger.close()]);
  }
});

test('garbage instead of a handshake closes the connection and is counted', async () => {
  const f = await fixture();
  try {
    const http = await rawConnect(f.target.localAddress);
    http.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); // "GET " as a length is far over the handshake limit
    await http.closed;
    const small = await rawConnect(f.target.localAddress);
    small.socket.write(encodeFrame(Buffer.from('hello, raft'))); // small frame, wrong magic
    await small.closed;
    assert.equal(f.target.stats().handshakeRejected, 2);
    await stillServes(f, 1);
  } finally {
    await f.close();
  }
});

test('a connection that never sends its handshake is closed after the timeout', async () => {
  const f = await fixture({ handshakeTimeoutMs: 30 });
  try {
    const silent = await rawConnect(f.target.localAddress);
    await silent.closed;
    assert.equal(f.target.stats().handshakeRejected, 1);
    assert.match(String((await f.logger.waitFor('refused')).fields.reason), /no handshake/);
  } finally {
    await f.close();
  }
});

test('an oversized length prefix after the handshake closes the connection and is counted', async () => {
  const f = await fixture();
  try {
    const raw = await rawConnect(f.target.localAddress);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0xffffffff);
    raw.socket.write(Buffer.concat([handshake(), encodeFrame(encodeMessage(numbered('raw', 'target', 1))), header]));
    await raw.closed;
    assert.equal(f.target.stats().oversizedFrames, 1);
    assert.equal(f.inbox.received.length, 1, 'the valid frame before it was delivered');
    assert.equal(f.inbox.received[0]!.from, '127.0.0.1:1');
    await stillServes(f, 2);
  } finally {
    await f.close();
  }
});

test('a corrupted frame and garbage frames close the connection and are counted as undecodable', async () => {
  const f = await fixture();
  try {
    const corrupted = Buffer.from(encodeMessage(numbered('raw', 'target', 1)));
    corrupted[6] ^= 0x01; // the CRC catches a single flipped bit
    const raw1 = await rawConnect(f.target.localAddress);
    raw1.socket.write(Buffer.concat([handshake(), encodeFrame(corrupted), encodeFrame(encodeMessage(numbered('raw', 'target', 2)))]));
    await raw1.closed;
    const raw2 = await rawConnect(f.target.localAddress);
    raw2.socket.write(Buffer.concat([handshake(), encodeFrame(Buffer.from('definitely not a raft message'))]));
    await raw2.closed;
    const raw3 = await rawConnect(f.target.localAddress);
    raw3.socket.write(Buffer.concat([handshake(), encodeFrame(Buffer.alloc(0))]));
    await raw3.closed;
    const s = f.target.stats();
    assert.equal(s.undecodable, 3);
    assert.equal(s.framesReceived, 0, 'nothing after a bad frame on the same connection is delivered');
    assert.equal(f.logger.count('undecodable frame'), 3);
    await stillServes(f, 1);
  } finally {
    await f.close();
  }
});
