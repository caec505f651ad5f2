/**
 * An in-process Transport for benchmarks: real-time asynchrony without sockets or a manual
 * clock. Each destination has an inbox; the first message into an empty inbox schedules ONE
 * setImmediate that drains everything queued by then, so a burst of messages costs one
 * callback, not one per message. (setTimeout would add its 1 ms minimum to every hop.)
 *
 * Messages are handed over as the same objects: Raft treats messages and entries as immutable.
 * Like a real transport, sends never throw; a message to an unknown or closed endpoint, or past
 * the inbox bound, is dropped and counted (Raft retransmits).
 */
import type { RaftMessage, ServerAddress, Transport } from '../../src/raft';

type Handler = (message: RaftMessage, fromAddress: ServerAddress) => void;

interface Envelope {
  readonly message: RaftMessage;
  readonly from: ServerAddress;
}

/** Messages queued for one destination beyond this are dropped (a bound, not a target). */
const DEFAULT_MAX_QUEUED = 1 << 20;

export class LoopbackNetwork {
  private readonly endpoints = new Map<ServerAddress, LoopbackTransport>();
  /** Messages lost to a missing or closed endpoint, or to a full inbox. */
  dropped = 0;
  /** Messages delivered to a handler. */
  delivered = 0;

  constructor(readonly maxQueued = DEFAULT_MAX_QUEUED) {}

  /** Creates (or replaces) the endpoint at `address`. */
  transport(address: ServerAddress): LoopbackTransport {
    const t = new LoopbackTransport(address, this);
    this.endpoints.set(address, t);
    return t;
  }

  /** For transports: hands `message` to the endpoint at `to`, or counts it as dropped. */
  route(from: ServerAddress, to: ServerAddress, message: RaftMessage): void {
    const target = this.endpoints.get(to);
    if (target === undefined || !target.accept({ message, from })) this.dropped++;
  }

  /** For transports: forgets a closed endpoint (only if it is still the registered one). */
  detach(t: LoopbackTransport): void {
    if (this.endpoints.get(t.localAddress) === t) this.endpoints.delete(t.localAddress);
  }
}

export class LoopbackTransport implements Transport {
  private handler: Handler | undefined;
  private inbox: Envelope[] = [];
  private drainScheduled = false;
  private closed = false;

  constructor(
    readonly localAddress: ServerAddress,
    private readonly network: LoopbackNetwork,
  ) {}

  send(to: ServerAddress, message: RaftMessage): void {
    if (this.closed) {
      this.network.dropped++;
      return;
    }
    this.network.route(this.localAddress, to, message);
  }

  setHandler(handler: Handler): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    this.closed = true;
    this.network.dropped += this.inbox.length;
    this.inbox = [];
    this.network.detach(this);
    return Promise.resolve();
  }

  /** Queues an incoming message; false when it must be dropped. */
  accept(envelope: Envelope): boolean {
    if (this.closed || this.inbox.length >= this.network.maxQueued) return false;
    this.inbox.push(envelope);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
    return true;
  }

  /** Delivers every message queued so far, in arrival order. Later arrivals get a new turn. */
  private drain(): void {
    this.drainScheduled = false;
    const batch = this.inbox;
    this.inbox = [];
    for (const { message, from } of batch) {
      if (this.closed || this.handler === undefined) {
        this.network.dropped++;
        continue;
      }
      this.network.delivered++;
      this.handler(message, from);
    }
  }
}
