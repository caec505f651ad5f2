import { decodeMessage, encodeMessage, MessageDecodeError } from '../codec';
import type { ServerAddress } from '../configuration';
import { seededRandom, type Clock, type Random } from '../environment';
import type { RaftMessage } from '../messages';
import { InmemTransport, type MessageRouter } from './inmem-transport';
import { Connectivity, isRate, reliableLink, resolveFaults, type LinkFaults } from './network-faults';

export interface InmemNetworkOptions {
  /** Every delivery is a timer on this clock (normally a ManualClock). */
  clock: Clock;
  /** Seeds every random choice: the same seed and the same sends give the same deliveries. */
  seed: number;
  /** Encode each message on send and decode it on delivery, as a real wire does (default false:
   * the sent object itself is delivered, which is faster; Raft treats messages as immutable). */
  codec?: boolean;
  /** With `codec`, the fraction of sent copies whose bytes get damaged (1 to 3 bytes flipped). */
  corruptRate?: number;
  /** Faults of every link without its own (default `reliableLink`). */
  faults?: Partial<LinkFaults>;
}

export interface NetworkStats {
  /** `send` calls. */
  readonly sent: number;
  /** Copies handed to a handler. */
  readonly delivered: number;
  /** Copies lost: to fault rules, partitions, dead or unknown nodes, missing handlers, encode failures. */
  readonly dropped: number;
  /** Extra copies created by `duplicateRate`. */
  readonly duplicated: number;
  /** Copies that failed to decode on delivery (never counted as dropped too). */
  readonly undecodable: number;
  /** Copies scheduled and not yet delivered or dropped. sent + duplicated = delivered + dropped + undecodable + inFlight. */
  readonly inFlight: number;
}

/** Something that went wrong inside the network, kept for tests to assert there was none. */
export interface NetworkError {
  readonly at: number;
  readonly from: ServerAddress;
  readonly to: ServerAddress;
  readonly messageType: string;
  readonly phase: 'encode' | 'decode' | 'handler';
  readonly error: unknown;
}

/** A message on the wire: the object itself, or its encoding when the codec is on. */
type Payload = RaftMessage | Uint8Array;

/**
 * A simulated network between InmemTransports. Every delivery is scheduled on the injected
 * clock after a random delay, under global and per-link fault rules and connectivity
 * (partitions, isolation, one-way cuts). Connectivity is checked on send and again on
 * delivery, so a partition also catches messages already in flight.
 *
 * Nothing here throws into the clock: decode failures are counted, and errors thrown by
 * handlers or the encoder are recorded in `errors`.
 */
export class InmemNetwork {
  readonly errors: NetworkError[] = [];
  /** The network's side of its transports, kept off the public API. */
  private readonly router: MessageRouter = {
    route: (sender, to, message) => this.route(sender, to, message),
    detach: (transport) => this.detach(transport),
  };
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly codec: boolean;
  private readonly corruptRate: number;
  private readonly connectivity = new Connectivity();
  private readonly endpoints = new Map<ServerAddress, InmemTransport>();
  private globalFaults: LinkFaults;
  private readonly linkOverrides = new Map<ServerAddress, Map<ServerAddress, Partial<LinkFaults>>>();
  private readonly linkFaults = new Map<ServerAddress, Map<ServerAddress, LinkFaults>>();
  private counters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, undecodable: 0, inFlight: 0 };

  constructor(options: InmemNetworkOptions) {
    const corruptRate = options.corruptRate ?? 0;
    if (!isRate(corruptRate)) throw new RangeError(`corruptRate ${corruptRate} is not in [0, 1]`);
    if (corruptRate > 0 && options.codec !== true) throw new RangeError('corruptRate needs codec: true (there are no bytes to damage)');
    this.clock = options.clock;
    this.random = seededRandom(options.seed);
    this.codec = options.codec ?? false;
    this.corruptRate = corruptRate;
    this.globalFaults = resolveFaults(reliableLink, options.faults ?? {});
  }

  /** A transport for a node at `address`. Throws while an earlier one at that address is still connected. */
  transport(address: ServerAddress): InmemTransport {
    if (this.endpoints.has(address)) throw new Error(`InmemNetwork: ${address} already has a connected transport`);
    const transport = new InmemTransport(address, this.router);
    this.endpoints.set(address, transport);
    return transport;
  }

  get stats(): NetworkStats {
    return { ...this.counters };
  }

  /** Faults of every link that has none of its own. */
  get faults(): LinkFaults {
    return this.globalFaults;
  }

  setFaults(faults: Partial<LinkFaults>): void {
    this.globalFaults = resolveFaults(this.globalFaults, faults);
    this.resolveLinkFaults();
  }

  /** Overrides some fault fields on the link from → to (one way); `undefined` removes the override. */
  setLinkFaults(from: ServerAddress, to: ServerAddress, faults: Partial<LinkFaults> | undefined): void {
    resolveFaults(this.globalFaults, faults ?? {});
    let overrides = this.linkOverrides.get(from);
    if (overrides === undefined) this.linkOverrides.set(from, (overrides = new Map<ServerAddress, Partial<LinkFaults>>()));
    if (faults === undefined) overrides.delete(to);
    else overrides.set(to, { ...faults });
    this.resolveLinkFaults();
  }

  /** Only addresses within one group can talk; addresses in no group are cut off. Replaces an earlier partition. */
  partition(groups: readonly (readonly ServerAddress[])[]): void {
    this.connectivity.partition(groups);
  }

  isolate(address: ServerAddress): void {
    this.connectivity.isolate(address);
  }

  cutOneWay(from: ServerAddress, to: ServerAddress): void {
    this.connectivity.cutOneWay(from, to);
  }

  /** Lifts partitions, isolation and cuts (fault rates stay). */
  heal(): void {
    this.connectivity.heal();
  }

  /** The node at `address` crashed: its transport goes dead and messages to or from it, even in flight, vanish. */
  disconnect(address: ServerAddress): void {
    const transport = this.endpoints.get(address);
    if (transport !== undefined) this.detach(transport);
  }

  private detach(transport: InmemTransport): void {
    transport.sever();
    if (this.endpoints.get(transport.localAddress) === transport) this.endpoints.delete(transport.localAddress);
  }

  private route(sender: InmemTransport, to: ServerAddress, message: RaftMessage): void {
    const c = this.counters;
    c.sent++;
    const from = sender.localAddress;
    const receiver = this.endpoints.get(to);
    if (!sender.isConnected || receiver === undefined || !this.connectivity.canReach(from, to)) {
      c.dropped++;
      return;
    }
    const faults = this.linkFaults.get(from)?.get(to) ?? this.globalFaults;
    if (faults.dropRate > 0 && this.random.next() < faults.dropRate) {
      c.dropped++;
      return;
    }
    const copies = faults.duplicateRate > 0 && this.random.next() < faults.duplicateRate ? 2 : 1;
    c.duplicated += copies - 1;
    let payload: Payload = message;
    if (this.codec) {
      try {
        payload = encodeMessage(message);
      } catch (error) {
        this.recordError(from, to, message, 'encode', error);
        c.dropped += copies;
        return;
      }
    }
    for (let i = 0; i < copies; i++) {
      const wire = payload instanceof Uint8Array ? this.maybeCorrupt(payload) : payload;
      c.inFlight++;
      this.clock.setTimer(this.delay(faults), () => this.deliver(sender, receiver, wire, message));
    }
  }

  /** `sent` is the message as sent, only to describe errors. */
  private deliver(sender: InmemTransport, receiver: InmemTransport, wire: Payload, sent: RaftMessage): void {
    const c = this.counters;
    c.inFlight--;
    const from = sender.localAddress;
    const to = receiver.localAddress;
    const handler = receiver.handler;
    if (!sender.isConnected || !receiver.isConnected || handler === undefined || !this.connectivity.canReach(from, to)) {
      c.dropped++;
      return;
    }
    let message: RaftMessage;
    if (wire instanceof Uint8Array) {
      try {
        message = decodeMessage(wire);
      } catch (error) {
        c.undecodable++;
        // Only damage is expected here; anything else is a codec bug worth failing a test over.
        if (!(error instanceof MessageDecodeError)) this.recordError(from, to, sent, 'decode', error);
        return;
      }
    } else {
      message = wire;
    }
    c.delivered++;
    try {
      handler(message, from);
    } catch (error) {
      this.recordError(from, to, sent, 'handler', error);
    }
  }

  private delay(faults: LinkFaults): number {
    const spread = faults.maxDelayMs - faults.minDelayMs;
    return spread === 0 ? faults.minDelayMs : faults.minDelayMs + Math.floor(this.random.next() * (spread + 1));
  }

  /** With probability corruptRate, a copy of `bytes` with 1 to 3 bytes changed; otherwise `bytes`. */
  private maybeCorrupt(bytes: Uint8Array): Uint8Array {
    if (this.corruptRate === 0 || this.random.next() >= this.corruptRate) return bytes;
    const damaged = bytes.slice();
    const flips = 1 + Math.floor(this.random.next() * 3);
    for (let i = 0; i < flips; i++) {
      const at = Math.floor(this.random.next() * damaged.length);
      damaged[at] ^= 1 + Math.floor(this.random.next() * 255);
    }
    return damaged;
  }

  private resolveLinkFaults(): void {
    this.linkFaults.clear();
    for (const [from, overrides] of this.linkOverrides) {
      const resolved = new Map<ServerAddress, LinkFaults>();
      for (const [to, faults] of overrides) resolved.set(to, resolveFaults(this.globalFaults, faults));
      this.linkFaults.set(from, resolved);
    }
  }

  private recordError(from: ServerAddress, to: ServerAddress, sent: RaftMessage, phase: NetworkError['phase'], error: unknown): void {
    // `sent` may be malformed (that is how encoding fails), so read its type defensively.
    const messageType = typeof sent === 'object' && sent !== null ? String((sent as { type?: unknown }).type) : typeof sent;
    this.errors.push({ at: this.clock.now(), from, to, messageType, phase, error });
  }
}
