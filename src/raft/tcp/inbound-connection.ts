import type * as net from 'node:net';
import { decodeMessage } from '../codec';
import type { Logger } from '../environment';
import type { RaftMessage } from '../messages';
import { formatHostPort } from './address';
import { FrameDecoder, FrameTooLargeError } from './frame-codec';
import { decodeHandshake, HandshakeError, MAX_HANDSHAKE_BYTES, type Handshake } from './handshake';
import type { TcpTransportStats } from './stats';

/** Probes an idle connection so that a peer that vanished without a FIN does not hold it forever. */
const KEEPALIVE_DELAY_MS = 10_000;

export interface InboundConnectionOptions {
  readonly clusterId: string;
  readonly maxFrameBytes: number;
  readonly handshakeTimeoutMs: number;
  readonly stats: TcpTransportStats;
  readonly logger: Logger;
  /** Hands a decoded message on; may throw (the handler is not ours), which is caught here. */
  readonly deliver: (message: RaftMessage, fromAddress: string) => void;
  /** A peer of our cluster completed its handshake: it is up at `address`. */
  readonly peerUp: (address: string) => void;
}

/**
 * One accepted socket: reads the peer's handshake, then decodes message frames and delivers
 * them. Anything the peer gets wrong — bytes that are not a handshake, another cluster, an
 * oversized length, a frame that does not decode — closes this connection only, is logged and
 * counted; the peer redials and Raft retransmits.
 */
export class InboundConnection {
  private readonly decoder = new FrameDecoder(MAX_HANDSHAKE_BYTES);
  private peer: Handshake | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: InboundConnectionOptions,
  ) {
    options.stats.connectionsOpen++;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        clearTimeout(this.handshakeTimer);
        options.stats.connectionsOpen--;
        resolve();
      });
    });
    socket.on('error', (error) =>
      options.logger.debug('tcp transport: incoming connection error', { ...this.fields(), error: error.message }),
    );
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    // A peer that connects and never identifies itself would otherwise hold a socket forever.
    this.handshakeTimer = setTimeout(() => this.refuse('no handshake in time'), options.handshakeTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.options.stats.bytesReceived += chunk.byteLength;
    try {
      this.decoder.push(chunk, (payload) => this.onFrame(payload));
    } catch (error) {
      if (!(error instanceof FrameTooLargeError)) {
        // Not expected (decoding errors are handled per frame), but a peer's bytes must never crash the process.
        this.options.logger.error('tcp transport: unexpected error on incoming connection', { ...this.fields(), error: String(error) });
        this.socket.destroy();
      } else if (this.peer === undefined) {
        this.refuse(error.message);
      } else {
        this.options.stats.oversizedFrames++;
        this.options.logger.warn('tcp transport: oversized frame, closing connection', {
          ...this.fields(),
          length: error.length,
          limit: error.limit,
        });
        this.socket.destroy();
      }
    }
  }

  /** Returns false once the connection is closing, to stop the decoder. */
  private onFrame(payload: Buffer): boolean {
    if (this.socket.destroyed) return false;
    if (this.peer === undefined) return this.onHandshake(payload);
    let message: RaftMessage;
    try {
      // The frame is ours alone (a view of a socket read, or assembled from several): the
      // message may view it instead of copying its byte fields.
      message = decodeMessage(payload, { owned: true });
    } catch (error) {
      // decodeMessage throws MessageDecodeError for bad input; anything else it throws is a bad frame too.
      this.options.stats.undecodable++;
      this.options.logger.warn('tcp transport: undecodable frame, closing connection', {
        ...this.fields(),
        bytes: payload.byteLength,
        error: error instanceof Error ? error.message : String(error),
      });
      this.socket.destroy();
      return false;
    }
    this.options.stats.framesReceived++;
    try {
      this.options.deliver(message, this.peer.senderAdvertiseAddress);
    } catch (error) {
      this.options.stats.handlerErrors++;
      this.options.logger.error('tcp transport: message handler threw', {
        ...this.fields(),
        type: message.type,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    // The handler may have closed the transport, and with it this socket.
    return !this.socket.destroyed;
  }

  private onHandshake(payload: Buffer): boolean {
    let handshake: Handshake;
    try {
      handshake = decodeHandshake(payload);
    } catch (error) {
      this.refuse(error instanceof HandshakeError ? error.message : `bad handshake: ${String(error)}`);
      return false;
    }
    if (handshake.clusterId !== this.options.clusterId) {
      this.refuse('cluster id mismatch', {
        peerClusterId: handshake.clusterId,
        peerId: handshake.senderId,
        peerAddress: handshake.senderAdvertiseAddress,
      });
      return false;
    }
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.peer = handshake;
    // Trusted now: accept frames up to the full limit.
    this.decoder.maxFrameBytes = this.options.maxFrameBytes;
    this.options.logger.debug('tcp transport: accepted peer', this.fields());
    this.options.peerUp(handshake.senderAdvertiseAddress);
    return true;
  }

  private refuse(reason: string, extra: Record<string, unknown> = {}): void {
    if (this.socket.destroyed) return;
    this.options.stats.handshakeRejected++;
    this.options.logger.warn('tcp transport: refused incoming connection', {
      ...this.fields(),
      reason,
      ourClusterId: this.options.clusterId,
      ...extra,
    });
    this.socket.destroy();
  }

  private fields(): Record<string, unknown> {
    return {
      remote: formatHostPort(this.socket.remoteAddress ?? '?', this.socket.remotePort ?? 0),
      peerId: this.peer?.senderId,
      peerAddress: this.peer?.senderAdvertiseAddress,
    };
  }
}
