import * as net from 'node:net';
import type { Logger } from '../environment';
import type { HostPort } from './address';
import type { Backoff } from './backoff';
import type { FramePayload } from './frame-codec';
import { SendQueue } from './send-queue';
import type { TcpTransportStats } from './stats';
import { connectTls, tlsErrorText, type TlsSettings } from './tls';

/** Target size of one socket write: big enough to amortise the syscall, small enough to keep heartbeats prompt. */
const BATCH_TARGET_BYTES = 256 * 1024;
/** Probes an idle connection so that a peer that vanished without a FIN is noticed. */
const KEEPALIVE_DELAY_MS = 10_000;

export interface PeerConnectionOptions {
  /** The peer's address as given to `send`, for logs. */
  readonly address: string;
  readonly target: HostPort;
  /** Our handshake, already framed; written first on every new connection. */
  readonly handshakeFrame: Buffer;
  readonly maxQueuedBytes: number;
  readonly dialTimeoutMs: number;
  readonly backoff: Backoff;
  /** A connection that lived this long counts as a success and resets the backoff. */
  readonly stableAfterMs: number;
  readonly stats: TcpTransportStats;
  readonly logger: Logger;
  /** Dial with mutual TLS; absent: plain TCP. */
  readonly tls: TlsSettings | undefined;
}

type State = 'idle' | 'connecting' | 'connected' | 'waiting' | 'closed';

/**
 * The one outgoing connection to one peer. Dialled lazily when there is something to send,
 * redialled after a failure (exponential backoff with jitter) only while frames are waiting,
 * so a peer that left the cluster is not dialled forever. Frames wait in a SendQueue while
 * disconnected and while the socket is backed up; what was already handed to a socket that
 * then dies is lost, and Raft retransmits. Messages flow one way: the peer answers on its own
 * outgoing connection to our advertised address.
 */
export class PeerConnection {
  private state: State = 'idle';
  private readonly queue: SendQueue;
  private socket: net.Socket | undefined;
  private connectedAt = 0;
  private dialledBefore = false;
  private timer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Immediate | undefined;
  /** Set while the socket's buffer is over its high-water mark; frames wait in our queue meanwhile. */
  private awaitingDrain = false;
  /** Set from the first overflow until the queue empties, so a full queue logs once, not per message. */
  private overflowing = false;
  private socketClosed: Promise<void> = Promise.resolve();
  /** The last TLS handshake failure logged, so a peer refusing us on every redial is logged once, not per attempt. */
  private tlsFailureLogged: string | undefined;

  constructor(private readonly options: PeerConnectionOptions) {
    this.queue = new SendQueue(options.maxQueuedBytes);
  }

  /**
   * Queues an encoded message; false when it was refused (closed, or over the byte bound).
   * `written` is called once the payload's bytes are written out or discarded, not if refused.
   */
  enqueue(payload: FramePayload, priority: boolean, written?: () => void): boolean {
    if (this.state === 'closed') return false;
    if (!this.queue.push(payload, priority, written)) {
      if (!this.overflowing) {
        this.overflowing = true;
        this.options.logger.warn('tcp transport: send queue full, dropping messages', {
          peer: this.options.address,
          state: this.state,
          queuedBytes: this.queue.queuedBytes,
          queuedFrames: this.queue.queuedFrames,
        });
      }
      return false;
    }
    if (this.state === 'idle') this.dial();
    else if (this.state === 'connected') this.scheduleFlush();
    return true;
  }

  /** Closes the socket and discards queued frames (returned so the caller can count them as dropped). */
  close(): { discarded: number; closed: Promise<void> } {
    if (this.state === 'closed') return { discarded: 0, closed: this.socketClosed };
    this.state = 'closed';
    clearTimeout(this.timer);
    clearImmediate(this.flushTimer);
    const discarded = this.queue.clear();
    this.socket?.destroy();
    return { discarded, closed: this.socketClosed };
  }

  /**
   * The peer just connected to us, so it is up: if we are waiting out a backoff towards it, dial
   * now (a restarted node is heard from at once instead of after the backoff's remainder).
   */
  peerIsUp(): void {
    if (this.state !== 'waiting') return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.options.backoff.reset();
    if (this.queue.isEmpty) this.state = 'idle';
    else this.dial();
  }

  private dial(): void {
    const { target, dialTimeoutMs, stats } = this.options;
    if (this.dialledBefore) stats.reconnects++;
    this.dialledBefore = true;
    this.state = 'connecting';
    let connected = false;
    /** TCP reached the peer (TLS only): a failure after this is the TLS handshake's. */
    let reached = false;
    const onReady = (): void => {
      connected = true;
      this.onConnect(socket);
    };
    const tlsSettings = this.options.tls;
    let socket: net.Socket;
    if (tlsSettings === undefined) {
      socket = net.connect({ host: target.host, port: target.port, noDelay: true });
      socket.once('connect', onReady);
    } else {
      socket = connectTls(target, tlsSettings, onReady);
      socket.once('connect', () => (reached = true));
    }
    this.socket = socket;
    let lastError: Error | undefined;
    let resolveClosed = (): void => {};
    this.socketClosed = new Promise((resolve) => (resolveClosed = resolve));
    this.timer = setTimeout(() => socket.destroy(new Error(`dial timed out after ${dialTimeoutMs} ms`)), dialTimeoutMs);
    socket.on('error', (error) => (lastError = error));
    // The peer never writes on this connection, but reading is how its close (FIN) is noticed.
    socket.resume();
    socket.once('close', () => {
      if (connected) stats.connectionsOpen--;
      resolveClosed();
      if (reached && !connected) this.logTlsFailure(lastError);
      this.onSocketClose(socket, connected, lastError);
    });
  }

  private onConnect(socket: net.Socket): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.options.stats.connectionsOpen++;
    if (this.state === 'closed') return; // close() already destroyed it; 'close' follows
    this.state = 'connected';
    this.tlsFailureLogged = undefined;
    this.connectedAt = performance.now();
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    this.options.logger.debug('tcp transport: connected', { peer: this.options.address });
    // Cork so the handshake and the frames queued while dialling leave in one writev.
    socket.cork();
    socket.write(this.options.handshakeFrame);
    this.options.stats.bytesSent += this.options.handshakeFrame.byteLength;
    this.flush();
    socket.uncork();
  }

  private onSocketClose(socket: net.Socket, wasConnected: boolean, error: Error | undefined): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.awaitingDrain = false;
    clearTimeout(this.timer);
    clearImmediate(this.flushTimer);
    this.timer = this.flushTimer = undefined;
    if (this.state === 'closed') return;
    const { logger, address, backoff, stableAfterMs } = this.options;
    const uptimeMs = wasConnected ? performance.now() - this.connectedAt : 0;
    // Only a connection that lasted resets the backoff: one the peer refuses right after the
    // handshake (another cluster) must not be redialled at the initial rate forever.
    if (uptimeMs >= stableAfterMs) backoff.reset();
    const delayMs = backoff.nextDelayMs();
    const fields = { peer: address, error: error?.message, retryInMs: Math.round(delayMs), queuedFrames: this.queue.queuedFrames };
    if (wasConnected) logger.warn('tcp transport: connection lost', { ...fields, uptimeMs: Math.round(uptimeMs) });
    else logger.debug('tcp transport: dial failed', fields);
    this.state = 'waiting';
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.queue.isEmpty) this.state = 'idle';
      else this.dial();
    }, delayMs);
  }

  /** A TLS handshake with the peer failed: its certificate is not from our CA, or it refused ours. An operator must see this. */
  private logTlsFailure(error: Error | undefined): void {
    const reason = error === undefined ? 'closed during the TLS handshake' : tlsErrorText(error);
    if (reason === this.tlsFailureLogged) return;
    this.tlsFailureLogged = reason;
    this.options.logger.warn('tcp transport: TLS handshake with peer failed', { peer: this.options.address, reason });
  }

  /** Defers writing to the end of the event-loop turn, so that everything sent in it shares a write. */
  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.awaitingDrain) return;
    this.flushTimer = setImmediate(() => {
      this.flushTimer = undefined;
      this.flush();
    });
  }

  /**
   * Writes queued frames until the queue is empty or the socket pushes back. Corked, so a batch
   * of several buffers (a frame header and its entries' payloads) leaves in one writev rather
   * than a syscall per buffer: socket writes were 5% of a busy leader's main thread.
   */
  private flush(): void {
    const socket = this.socket;
    if (this.state !== 'connected' || socket === undefined || this.awaitingDrain) return;
    socket.cork();
    try {
      this.writeBatches(socket);
    } finally {
      socket.uncork();
    }
  }

  private writeBatches(socket: net.Socket): void {
    const { stats } = this.options;
    for (let batch = this.queue.takeBatch(BATCH_TARGET_BYTES); batch; batch = this.queue.takeBatch(BATCH_TARGET_BYTES)) {
      stats.framesSent += batch.frames;
      stats.bytesSent += batch.byteLength;
      let accepted = true;
      const last = batch.parts.length - 1;
      batch.parts.forEach((part, i) => {
        // Node calls a write's callback once the bytes left for the kernel, or with an error
        // when the socket is destroyed first: either way the buffers are ours again.
        accepted =
          i === last && batch.written.length > 0 ? socket.write(part, () => batch.written.forEach((done) => done())) : socket.write(part);
      });
      if (!accepted) {
        // Keep the rest in our queue rather than the socket's, where the priority lane and the
        // byte bound still apply to it.
        this.awaitingDrain = true;
        socket.once('drain', () => {
          if (this.socket !== socket) return;
          this.awaitingDrain = false;
          this.flush();
        });
        return;
      }
    }
    this.overflowing = false;
  }
}
