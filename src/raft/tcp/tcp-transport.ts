import * as net from 'node:net';
import type * as tls from 'node:tls';
import { encodeMessageParts } from '../codec';
import type { ServerAddress } from '../configuration';
import type { RaftMessage } from '../messages';
import type { Transport } from '../transport';
import { formatHostPort, parseHostPort } from './address';
import { Backoff } from './backoff';
import { encodeFrame, payloadBytes, type FramePayload } from './frame-codec';
import { encodeHandshake } from './handshake';
import { InboundConnection } from './inbound-connection';
import { resolveOptions, type TcpTransportOptions, type TcpTransportSettings } from './options';
import { PeerConnection } from './peer-connection';
import { ZERO_COPY_BYTES } from './send-queue';
import { emptyStats, type TcpTransportStats } from './stats';
import { createTlsServer, tlsErrorText } from './tls';

export type MessageHandler = (message: RaftMessage, fromAddress: ServerAddress) => void;

/**
 * Raft's Transport over TCP. Each node listens for its peers' connections and dials one
 * connection of its own to each peer it sends to, so every connection carries messages one
 * way: a response travels on the responder's own connection back to the sender's advertised
 * address (given in the handshake and reported as `fromAddress`).
 */
export class TcpTransport implements Transport {
  private handler: MessageHandler | undefined;
  /** Outgoing connections by peer address; null for an address that does not parse. */
  private readonly peers = new Map<ServerAddress, PeerConnection | null>();
  private readonly inbound = new Set<InboundConnection>();
  private readonly counters: TcpTransportStats = emptyStats();
  private readonly handshakeFrame: Buffer;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: net.Server,
    readonly localAddress: ServerAddress,
    private readonly settings: TcpTransportSettings,
  ) {
    this.handshakeFrame = encodeFrame(
      encodeHandshake({ clusterId: settings.clusterId, senderId: settings.localId, senderAdvertiseAddress: localAddress }),
    );
    if (settings.tls === undefined) {
      server.on('connection', (socket: net.Socket) => this.accept(socket));
    } else {
      server.on('secureConnection', (socket: tls.TLSSocket) => {
        // rejectUnauthorized already failed such a handshake; checked again so that no option change can let one in.
        if (socket.authorized) this.accept(socket);
        else this.refuseTls(socket, new Error(`client certificate refused: ${String(socket.authorizationError)}`));
      });
      // A chain that does not verify is closed by Node itself before this is emitted: the reason
      // is then in authorizationError (the error says only "socket hang up"), the address is gone.
      server.on('tlsClientError', (error: Error, socket: tls.TLSSocket) =>
        this.refuseTls(
          socket,
          socket.authorizationError === null ? error : new Error(`client certificate refused: ${String(socket.authorizationError)}`),
        ),
      );
    }
    // After listening succeeded, server errors (e.g. EMFILE on accept) are transient: log, keep serving.
    server.on('error', (error) => settings.logger.error('tcp transport: listener error', { address: localAddress, error: error.message }));
  }

  /** Listens on `bindAddress`; rejects on bad options or when the address cannot be bound. */
  static async listen(options: TcpTransportOptions): Promise<TcpTransport> {
    const settings = resolveOptions(options);
    const server =
      settings.tls === undefined ? net.createServer({ noDelay: true }) : createTlsServer(settings.tls, settings.handshakeTimeoutMs);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: settings.bind.host, port: settings.bind.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    const port = typeof bound === 'object' && bound !== null ? bound.port : settings.bind.port;
    const localAddress = settings.advertiseAddress ?? formatHostPort(settings.bind.host, port);
    const transport = new TcpTransport(server, localAddress, settings);
    settings.logger.info('tcp transport: listening', {
      bind: formatHostPort(settings.bind.host, port),
      advertise: localAddress,
      tls: settings.tls !== undefined,
    });
    return transport;
  }

  /** Queues `message` for `to`; never throws or blocks. Failures are counted in `stats().dropped`. */
  send(to: ServerAddress, message: RaftMessage, written?: () => void): void {
    try {
      if (this.closing !== undefined) {
        this.counters.dropped++;
        written?.();
        return;
      }
      const payload = this.encode(to, message);
      if (payload === undefined) {
        this.counters.dropped++;
        written?.();
        return;
      }
      const peer = this.peer(to);
      if (peer === null || !peer.enqueue(payload, isPriority(message), written)) {
        this.counters.dropped++;
        written?.();
      }
    } catch (error) {
      // Nothing above should throw; if something does, Raft's contract still says drop, not crash.
      this.counters.dropped++;
      this.settings.logger.error('tcp transport: send failed', { to, error: String(error) });
    }
  }

  setHandler(handler: MessageHandler): void {
    this.handler = handler;
  }

  /** A snapshot of the counters. */
  stats(): TcpTransportStats {
    return { ...this.counters };
  }

  /** Closes the listener and every socket; resolves once all are closed. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const waits: Promise<void>[] = [new Promise((resolve) => this.server.close(() => resolve()))];
    for (const connection of this.inbound) {
      connection.close();
      waits.push(connection.closed);
    }
    for (const peer of this.peers.values()) {
      if (peer === null) continue;
      const { discarded, closed } = peer.close();
      this.counters.dropped += discarded;
      waits.push(closed);
    }
    await Promise.all(waits);
    this.settings.logger.info('tcp transport: closed', { address: this.localAddress });
  }

  private encode(to: ServerAddress, message: RaftMessage): FramePayload | undefined {
    let payload: Uint8Array[];
    try {
      // A snapshot chunk's data stays a piece of its own, written to the socket as it is.
      payload = encodeMessageParts(message, ZERO_COPY_BYTES);
    } catch (error) {
      this.settings.logger.error('tcp transport: cannot encode message, dropping it', { to, error: String(error) });
      return undefined;
    }
    const bytes = payloadBytes(payload);
    if (bytes > this.settings.maxFrameBytes) {
      this.settings.logger.warn('tcp transport: message exceeds the maximum frame size, dropping it', {
        to,
        type: message.type,
        bytes,
        limit: this.settings.maxFrameBytes,
      });
      return undefined;
    }
    return payload;
  }

  /** The connection to `address`, created on first use. */
  private peer(address: ServerAddress): PeerConnection | null {
    let peer = this.peers.get(address);
    if (peer !== undefined) return peer;
    const target = parseHostPort(address);
    const s = this.settings;
    if (target === undefined || target.port === 0) {
      s.logger.warn('tcp transport: peer address is not host:port, dropping messages to it', { peer: address });
      peer = null;
    } else {
      peer = new PeerConnection({
        address,
        target,
        handshakeFrame: this.handshakeFrame,
        maxQueuedBytes: s.maxQueuedBytesPerPeer,
        dialTimeoutMs: s.dialTimeoutMs,
        backoff: new Backoff(s.backoff, s.random),
        stableAfterMs: s.backoff.maxMs,
        stats: this.counters,
        logger: s.logger,
        tls: s.tls,
      });
    }
    this.peers.set(address, peer);
    return peer;
  }

  private accept(socket: net.Socket): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    const connection = new InboundConnection(socket, {
      clusterId: this.settings.clusterId,
      maxFrameBytes: this.settings.maxFrameBytes,
      handshakeTimeoutMs: this.settings.handshakeTimeoutMs,
      stats: this.counters,
      logger: this.settings.logger,
      deliver: (message, fromAddress) => this.deliver(message, fromAddress),
      // A restarted peer dials us: stop waiting out our backoff towards it.
      peerUp: (address) => this.peers.get(address)?.peerIsUp(),
    });
    this.inbound.add(connection);
    void connection.closed.then(() => this.inbound.delete(connection));
  }

  /** A peer without a valid certificate (or not speaking TLS): closed, logged and counted. */
  private refuseTls(socket: net.Socket, error: Error): void {
    this.counters.tlsRejected++;
    this.settings.logger.warn('tcp transport: refused incoming TLS connection', {
      remote: socket.remoteAddress === undefined ? undefined : formatHostPort(socket.remoteAddress, socket.remotePort ?? 0),
      reason: tlsErrorText(error),
    });
    socket.destroy();
  }

  private deliver(message: RaftMessage, fromAddress: ServerAddress): void {
    if (this.handler === undefined) this.counters.dropped++;
    else this.handler(message, fromAddress);
  }
}

/**
 * Small, latency-critical messages jump ahead of queued replication traffic. Bulk are an
 * AppendEntries that carries entries (a heartbeat is an AppendEntries with none) and every
 * InstallSnapshot chunk; everything else, responses included, is priority.
 */
export function isPriority(message: RaftMessage): boolean {
  switch (message.type) {
    case 'AppendEntries':
      return message.entries.length === 0;
    case 'InstallSnapshot':
      return false;
    case 'AppendEntriesResponse':
    case 'RequestVote':
    case 'RequestVoteResponse':
    case 'TimeoutNow':
    case 'InstallSnapshotResponse':
      return true;
  }
}
