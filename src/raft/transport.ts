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
  /**
   * Sets the consumer of incoming messages (one; set by the Raft runtime). `fromAddress` is
   * the sender's address, so a node that does not know the sender yet (a server being added)
   * can still answer it.
   */
  setHandler(handler: (message: RaftMessage, fromAddress: ServerAddress) => void): void;
  close(): Promise<void>;
}
