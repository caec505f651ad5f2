/**
 * Mutual TLS between Raft peers: members (certificates of the cluster CA) exchange messages; a
 * peer with another CA's certificate, with none, or without TLS is refused, logged and counted,
 * and a member keeps being served meanwhile. Certificates are made per file by openssl.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { RaftMessage } from '../../../src/raft/messages';
import type { TcpTlsOptions, TcpTransport } from '../../../src/raft/tcp';
import { makeTestPki, type KeyPair, type TestPki } from '../../support/tls-certificates';
import { Inbox, listen, numbered, oneOfEach, rawConnect, RecordingLogger, withTimeout } from './helpers';

let dir: string;
let pki: TestPki;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'raft-tls-'));
  pki = makeTestPki(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** TLS options presenting `pair`, trusting the cluster CA unless told otherwise. */
function tlsOf(pair: KeyPair, ca: Buffer = pki.ca): TcpTlsOptions {
  return { ca, cert: pair.cert, key: pair.key };
}

/** A cluster member under test, with a logger and an inbox, and a second member to show it still serves. */
async function members(): Promise<{
  target: TcpTransport;
  logger: RecordingLogger;
  inbox: Inbox;
  good: TcpTransport;
  close: () => Promise<void>;
}> {
  const logger = new RecordingLogger();
  const target = await listen('target', { logger, tls: tlsOf(pki.nodeA) });
  const inbox = new Inbox();
  target.setHandler(inbox.handler);
  const good = await listen('good', { tls: tlsOf(pki.nodeB) });
  return { target, logger, inbox, good, close: () => Promise.all([target.close(), good.close()]).then(() => {}) };
}

/** The member `good` still gets message number `n` through to `target`. */
async function stillServes(f: { target: TcpTransport; inbox: Inbox; good: TcpTransport }, n: number): Promise<void> {
  f.good.send(f.target.localAddress, numbered('good', 'target', n));
  await f.inbox.waitFor(n);
  assert.equal(f.inbox.received[n - 1]!.from, f.good.localAddress);
}

test('two members with mutual TLS exchange every message type both ways', async () => {
  const a = await listen('a', { tls: tlsOf(pki.nodeA) });
  const b = await listen('b', { tls: tlsOf(pki.nodeB) });
  try {
    const inboxA = new Inbox();
    const inboxB = new Inbox();
    a.setHandler(inboxA.handler);
    b.setHandler(inboxB.handler);
    const toB = oneOfEach('a', 'b');
    const toA = oneOfEach('b', 'a');
    for (const m of toB) a.send(b.localAddress, m);
    for (const m of toA) b.send(a.localAddress, m);
    await Promise.all([inboxA.waitFor(toA.length), inboxB.waitFor(toB.length)]);
    const key = (m: RaftMessage): string => `${m.type}/${m.type === 'AppendEntries' ? m.seq : ''}`;
    const sorted = (ms: RaftMessage[]): RaftMessage[] => [...ms].sort((x, y) => key(x).localeCompare(key(y)));
    assert.deepEqual(sorted(inboxB.received.map((r) => r.message)), sorted(toB));
    assert.deepEqual(sorted(inboxA.received.map((r) => r.message)), sorted(toA));
    for (const { from } of inboxB.received) assert.equal(from, a.localAddress);
    const sa = a.stats();
    assert.equal(sa.connectionsOpen, 2);
    assert.equal(sa.tlsRejected + sa.handshakeRejected + sa.dropped + sa.undecodable, 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a peer whose certificate comes from another CA is refused, logged and counted', async () => {
  const f = await members();
  // It trusts our CA, so it gets as far as presenting its own certificate, which we must refuse.
  const stranger = await listen('stranger', { tls: tlsOf(pki.stranger) });
  try {
    stranger.send(f.target.localAddress, numbered('stranger', 'target', 1));
    const record = await f.logger.waitFor('refused incoming TLS connection');
    assert.equal(record.level, 'warn');
    assert.match(String(record.fields.reason), /client certificate refused: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    assert.ok(f.target.stats().tlsRejected >= 1);
    await stillServes(f, 1);
    assert.equal(f.inbox.received.length, 1, 'nothing from the stranger was delivered');
    assert.equal(f.target.stats().handshakeRejected, 0, 'refused before the Raft handshake');
  } finally {
    await Promise.all([f.close(), stranger.close()]);
  }
});

test('a plaintext peer is refused, logged and counted', async () => {
  const f = await members();
  const plain = await listen('plain');
  try {
    plain.send(f.target.localAddress, numbered('plain', 'target', 1));
    const record = await f.logger.waitFor('refused incoming TLS connection');
    assert.match(String(record.fields.remote), /^127\.0\.0\.1:\d+$/);
    assert.ok(f.target.stats().tlsRejected >= 1);
    await stillServes(f, 1);
    assert.equal(f.inbox.received.length, 1, 'nothing from the plaintext peer was delivered');
  } finally {
    await Promise.all([f.close(), plain.close()]);
  }
});

test('a TLS client that shows no certificate is refused', async () => {
  const f = await members();
  try {
    const [host, port] = [f.target.localAddress.split(':')[0]!, Number(f.target.localAddress.split(':')[1])];
    const socket = tls.connect({ host, port, ca: pki.ca, checkServerIdentity: () => undefined });
    socket.on('error', () => {}); // the refusal is what this test provokes
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await withTimeout(closed, 'the refused socket to close');
    const record = await f.logger.waitFor('refused incoming TLS connection');
    assert.match(String(record.fields.reason), /PEER_DID_NOT_RETURN_A_CERTIFICATE/);
    assert.equal(f.target.stats().tlsRejected, 1);
    await stillServes(f, 1);
  } finally {
    await f.close();
  }
});

test('a connection that never starts its TLS handshake is closed after the handshake timeout', async () => {
  const logger = new RecordingLogger();
  const target = await listen('target', { logger, tls: tlsOf(pki.nodeA), handshakeTimeoutMs: 50 });
  try {
    const silent = await rawConnect(target.localAddress);
    await withTimeout(silent.closed, 'the silent socket to close');
    await logger.waitFor('refused incoming TLS connection');
    assert.equal(target.stats().tlsRejected, 1);
  } finally {
    await target.close();
  }
});

test('the dialler refuses a server whose certificate comes from another CA: nothing is sent to it', async () => {
  const logger = new RecordingLogger();
  const a = await listen('a', { logger, tls: tlsOf(pki.nodeA) });
  // It would accept our certificate (it trusts our CA): only our own check keeps it from our messages.
  const impostor = await listen('impostor', { tls: tlsOf(pki.stranger) });
  const inbox = new Inbox();
  impostor.setHandler(inbox.handler);
  try {
    a.send(impostor.localAddress, numbered('a', 'impostor', 1));
    const record = await logger.waitFor('TLS handshake with peer failed');
    assert.equal(record.level, 'warn');
    assert.equal(record.fields.peer, impostor.localAddress);
    assert.equal(inbox.received.length, 0);
    assert.equal(impostor.stats().connectionsOpen, 0);
  } finally {
    await Promise.all([a.close(), impostor.close()]);
  }
});

test('a TLS dialler reaching a plaintext listener is refused at the Raft handshake', async () => {
  const logger = new RecordingLogger();
  const plain = await listen('plain', { logger });
  const a = await listen('a', { tls: tlsOf(pki.nodeA) });
  try {
    a.send(plain.localAddress, numbered('a', 'plain', 1));
    await logger.waitFor('refused incoming connection');
    assert.equal(plain.stats().handshakeRejected, 1);
    assert.equal(plain.stats().framesReceived, 0);
  } finally {
    await Promise.all([a.close(), plain.close()]);
  }
});

test('unusable TLS material fails at listen, not at the first connection', async () => {
  await assert.rejects(listen('x', { tls: { ...tlsOf(pki.nodeA), ca: 'not a certificate' } }), /tls\.ca is not a PEM certificate/);
  await assert.rejects(listen('x', { tls: { ...tlsOf(pki.nodeA), key: pki.nodeB.key } }), /not a matching PEM certificate and key/);
  await assert.rejects(listen('x', { tls: { ...tlsOf(pki.nodeA), cert: 'garbage' } }), /not a matching PEM certificate and key/);
});
