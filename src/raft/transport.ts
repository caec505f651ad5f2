import type { ServerAddress } from './configuration';
import type { RaftMessage } from './messages';

/**
 * Carries messages between peers. Delivery is best effort: a message may be lost, delayed,
 * duplicated or reordered, and Raft copes. `send` never throws and never blocks; a transport
 * that cannot keep up drops messages (and counts them) rather than queueing without bound.
 */
export interface Transport {
  readonly localAddress: ServerAddress;
  send(to: ServerAddress, message: RaftMessage): void;
  /** Sets the consumer of incoming messages (one; set by the Raft runtime). */
  setHandler(handler: (message: RaftMessage) => void): void;
  close(): Promise<void>;
}
