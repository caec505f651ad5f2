import type { ServerAddress } from '../configuration';
import type { RaftMessage } from '../messages';
import type { Transport } from '../transport';

/** What a transport needs from its network (kept as an interface so the two files don't import each other). */
export interface MessageRouter {
  route(sender: InmemTransport, to: ServerAddress, message: RaftMessage): void;
  detach(transport: InmemTransport): void;
}

/** Receives a message and the address of the transport that sent it. */
export type MessageHandler = (message: RaftMessage, fromAddress: ServerAddress) => void;

/**
 * One node's end of an InmemNetwork, for one incarnation of that node: once closed or
 * disconnected by the network it never sends or receives again, and a restarted node gets
 * a fresh transport from `network.transport(address)`.
 */
export class InmemTransport implements Transport {
  private messageHandler: MessageHandler | undefined;
  private connected = true;

  constructor(
    readonly localAddress: ServerAddress,
    private readonly router: MessageRouter,
  ) {}

  /** Never throws: every outcome, including loss, is the network's to count. */
  send(to: ServerAddress, message: RaftMessage): void {
    this.router.route(this, to, message);
  }

  setHandler(handler: MessageHandler): void {
    this.messageHandler = handler;
  }

  close(): Promise<void> {
    this.router.detach(this);
    return Promise.resolve();
  }

  /** The consumer set by `setHandler`, if any. */
  get handler(): MessageHandler | undefined {
    return this.messageHandler;
  }

  /** False once closed or disconnected. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** For the network: this incarnation is gone (closed, or its node crashed). */
  sever(): void {
    this.connected = false;
  }
}
