/**
 * A fault-injecting TCP proxy in front of one MetaServer's Raft port. Peers dial the proxy (it
 * listens on the node's advertised raft_addr; the node itself listens elsewhere, --raft-listen);
 * the proxy reads the handshake frame every connection starts with to learn which peer is
 * sending, then forwards the stream to the node through that directed link's condition
 * (link-faults.ts). Only bytes from the dialler to the node matter: Raft's TCP transport sends
 * each message on the sender's own connection.
 */
import * as net from 'node:net';
import { once } from 'node:events';
import { FRAME_HEADER_BYTES } from '../../../src/raft/tcp/frame-codec';
import { decodeHandshake, MAX_HANDSHAKE_BYTES } from '../../../src/raft/tcp/handshake';
import type { LinkCondition, LinkFaults } from './link-faults';

/** Sender name used when a connection's first frame is not a handshake (it passes unharmed). */
export const UNKNOWN_SENDER = '?';

export class RaftLinkProxy {
  private readonly connections = new Set<ProxiedConnection>();

  private constructor(
    private readonly server: net.Server,
    readonly to: string,
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1:`port` and forwards to 127.0.0.1:`targetPort`, the node named `to`. */
  static async start(to: string, port: number, targetPort: number, links: LinkFaults, random: () => number): Promise<RaftLinkProxy> {
    const server = net.createServer();
    const proxy = new RaftLinkProxy(server, to, port);
    server.on('connection', (socket) => {
      const connection = new ProxiedConnection(socket, to, targetPort, links, random, () => proxy.connections.delete(connection));
      proxy.connections.add(connection);
    });
    links.onChange((from, linkTo, condition) => {
      if (linkTo !== to) return;
      for (const c of proxy.connections) if (c.from === from) c.conditionChanged(condition);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  /** Drops every connection (a node restarting behind the proxy would see the same). */
  resetAll(): void {
    for (const c of [...this.connections]) c.destroy();
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

class ProxiedConnection {
  from: string | undefined;
  private upstream: net.Socket | undefined;
  private head: Buffer = Buffer.alloc(0);
  /** Chunks held back by a slow or lossy link, with when each may go. */
  private readonly delayed: { chunk: Buffer; due: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Bytes were swallowed: this stream can never be whole again. */
  private holed = false;
  private destroyed = false;

  constructor(
    private readonly downstream: net.Socket,
    private readonly to: string,
    targetPort: number,
    private readonly links: LinkFaults,
    private readonly random: () => number,
    private readonly onClosed: () => void,
  ) {
    downstream.on('data', (chunk: Buffer) => this.received(chunk));
    downstream.on('error', () => this.destroy());
    downstream.on('close', () => this.destroy());
    const upstream = net.connect(targetPort, '127.0.0.1');
    this.upstream = upstream;
    upstream.on('connect', () => this.release());
    upstream.on('data', (chunk: Buffer) => downstream.write(chunk));
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => this.destroy());
  }

  conditionChanged(condition: LinkCondition): void {
    if (condition.mode === 'blackhole') {
      if (this.delayed.length > 0) this.holed = true;
      this.delayed.length = 0;
    } else if (this.holed) {
      this.destroy();
    } else {
      this.release();
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.downstream.destroy();
    this.upstream?.destroy();
    this.onClosed();
  }

  private received(chunk: Buffer): void {
    if (this.from === undefined) {
      this.head = Buffer.concat([this.head, chunk]);
      const sender = senderOf(this.head);
      if (sender === undefined) return;
      this.from = sender;
      chunk = this.head;
      this.head = Buffer.alloc(0);
    }
    this.forward(chunk);
  }

  private forward(chunk: Buffer): void {
    const condition = this.links.condition(this.from!, this.to);
    if (condition.mode === 'blackhole') {
      this.holed = true;
      return;
    }
    if (condition.mode === 'up') {
      this.delayed.push({ chunk, due: 0 });
    } else {
      // A lossy link is also slow.
      if (condition.mode === 'lossy' && this.random() < condition.resetRate) return this.destroy();
      const last = this.delayed.at(-1)?.due ?? 0;
      this.delayed.push({ chunk, due: Math.max(last, performance.now() + condition.delayMs + this.random() * condition.jitterMs) });
    }
    this.release();
  }

  /** Writes what is due, in order, once the node's side is connected; re-arms for the rest. */
  private release(): void {
    const upstream = this.upstream;
    if (this.destroyed || upstream === undefined || upstream.connecting) return;
    const now = performance.now();
    while (this.delayed.length > 0 && this.delayed[0]!.due <= now) upstream.write(this.delayed.shift()!.chunk);
    if (this.delayed.length === 0 || this.timer !== undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.release();
      },
      Math.max(0, this.delayed[0]!.due - now),
    );
  }
}

/**
 * The sender id from a connection's first bytes, once the whole handshake frame is there;
 * UNKNOWN_SENDER when those bytes are not a handshake.
 */
function senderOf(head: Buffer): string | undefined {
  if (head.byteLength < FRAME_HEADER_BYTES) return undefined;
  const length = head.readUInt32BE(0);
  if (length > MAX_HANDSHAKE_BYTES) return UNKNOWN_SENDER;
  if (head.byteLength < FRAME_HEADER_BYTES + length) return undefined;
  try {
    return decodeHandshake(head.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length)).senderId;
  } catch {
    return UNKNOWN_SENDER;
  }
}
