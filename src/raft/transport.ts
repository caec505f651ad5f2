import type { ServerAddress } from './configuration';
import type { RaftMessage } from './messages';

/**
 * Carries messages between peers. Delivery is best effort: a message may be lost, delayed,
 * duplicated or reordered, and Raft copes. `send` never throws and never blocks; a transport
 * that cannot keep up drops messages (and counts them) rather than queueing without bound.
 */
export interface Transport {
  readonly localAddress: ServerAddress;
  /**
   * `written`, when given, is called at most once, after the transport is done with the memory
   * of `message`'s byte fields (written out, or dropped): the sender may then reuse it. A
   * transport may never call it (the memory is then left to the garbage collector), but must
   * not call it while it may still read those bytes.
   */
  send(to: ServerAddress, message: RaftMessage, written?: () => void): void;
  /**
   * Sets the consumer of incoming messages (one; set by the Raft runtime). `fromAddress` is
   * the sender's address, so a node that does not know the sender yet (a server being added)
   * can still answer it.
   */
  setHandler(handler: (message: RaftMessage, fromAddress: ServerAddress) => void): void;
  close(): Promise<void>;
}
