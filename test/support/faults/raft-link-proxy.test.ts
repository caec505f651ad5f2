/**
 * The fault suite's Raft link proxy does what the suite relies on: it names the sender from the
 * handshake and passes an up link's bytes; a blackholed link swallows them silently and its
 * connection is closed on heal (never resumed with a hole in the stream); the condition of one
 * directed link leaves another sender's link alone; a slow link delays in order.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import { encodeFrame } from '../../../src/raft/tcp/frame-codec';
import { encodeHandshake } from '../../../src/raft/tcp/handshake';
import { freePorts } from '../free-ports';
import { LinkFaults } from './link-faults';
import { RaftLinkProxy } from './raft-link-proxy';

/** A stand-in for node B's Raft port: what each accepted connection received, and a wait for bytes. */
class Receiver {
  readonly server = net.createServer();
  readonly received: Buffer[] = [];
  private waiters: { bytes: number; resolve: () => void }[] = [];

  constructor() {
    this.server.on('connection', (socket) => {
      const index = this.received.push(Buffer.alloc(0)) - 1;
      socket.on('data', (chunk: Buffer) => {
        this.received[index] = Buffer.concat([this.received[index]!, chunk]);
        this.waiters = this.waiters.filter((w) => (this.total() >= w.bytes ? (w.resolve(), false) : true));
      });
      socket.on('error', () => {});
    });
  }

  total(): number {
    return this.received.reduce((n, b) => n + b.byteLength, 0);
  }

  /** Resolves once `bytes` bytes in all have arrived. */
  until(bytes: number): Promise<void> {
    if (this.total() >= bytes) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ bytes, resolve }));
  }
}

function handshakeFrame(sender: string): Buffer {
  return encodeFrame(encodeHandshake({ clusterId: 'c', senderId: sender, senderAdvertiseAddress: '127.0.0.1:1' }));
}

async function setUp(t: TestContext): Promise<{ links: LinkFaults; receiver: Receiver; dial: (sender: string) => Promise<net.Socket> }> {
  const [proxyPort] = await freePorts(1);
  const receiver = new Receiver();
  receiver.server.listen(0, '127.0.0.1');
  await once(receiver.server, 'listening');
  t.after(() => receiver.server.close());
  const links = new LinkFaults(['A', 'B', 'C']);
  const targetPort = (receiver.server.address() as net.AddressInfo).port;
  const proxy = await RaftLinkProxy.start('B', proxyPort!, targetPort, links, () => 0.5);
  t.after(() => proxy.close());
  const dial = async (sender: string): Promise<net.Socket> => {
    const socket = net.connect(proxyPort!, '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => {});
    t.after(() => socket.destroy());
    socket.write(handshakeFrame(sender));
    return socket;
  };
  return { links, receiver, dial };
}

test('an up link passes the handshake and what follows; a blackholed one swallows silently and is closed on heal', async (t) => {
  const { links, receiver, dial } = await setUp(t);
  const fromA = await dial('A');
  const handshakeBytes = handshakeFrame('A').byteLength;
  fromA.write('hello');
  await receiver.until(handshakeBytes + 5);
  assert.equal(receiver.received[0]!.subarray(handshakeBytes).toString(), 'hello');

  links.set('A', 'B', { mode: 'blackhole' });
  fromA.write('lost');
  // Another sender's link to B is not A's: C passes while A -> B is cut.
  const fromC = await dial('C');
  fromC.write('via C');
  await receiver.until(2 * handshakeBytes + 5 + 5);
  assert.equal(receiver.received[1]!.subarray(handshakeBytes).toString(), 'via C');

  const closed = once(fromA, 'close');
  links.healAll();
  await closed; // the stream had a hole: the connection ends rather than resuming
  assert.equal(receiver.received[0]!.subarray(handshakeBytes).toString(), 'hello', 'nothing swallowed arrived');
});

test('a slow link delays its bytes, in order', async (t) => {
  const { links, receiver, dial } = await setUp(t);
  links.set('A', 'B', { mode: 'slow', delayMs: 80, jitterMs: 0 });
  const fromA = await dial('A');
  const handshakeBytes = handshakeFrame('A').byteLength;
  const sent = performance.now();
  fromA.write('one');
  fromA.write('two');
  await receiver.until(handshakeBytes + 6);
  assert.ok(performance.now() - sent >= 75, `arrived after ${performance.now() - sent} ms`);
  assert.equal(receiver.received[0]!.subarray(handshakeBytes).toString(), 'onetwo');
});
