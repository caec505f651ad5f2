import type { RaftMessage } from '../messages';
import type { CoreEvent, ReadFailure, ReadState } from './ready';

/**
 * What the core has produced since the runtime last took a Ready: messages to send at once, messages
 * that speak for durable state (sent only after the write that covers them), read results and events.
 */
export class Outbox {
  messages: RaftMessage[] = [];
  afterPersist: RaftMessage[] = [];
  readStates: ReadState[] = [];
  readFailures: ReadFailure[] = [];
  events: CoreEvent[] = [];

  /**
   * The leader's replication may overlap its own write (thesis §10.2.1); everything else (votes,
   * acknowledgements) speaks for durable state and waits for the write.
   */
  send(m: RaftMessage, leading: boolean): void {
    if (leading && (m.type === 'AppendEntries' || m.type === 'TimeoutNow')) this.messages.push(m);
    else this.afterPersist.push(m);
  }

  event(e: CoreEvent): void {
    this.events.push(e);
  }

  isEmpty(): boolean {
    return (
      this.messages.length === 0 &&
      this.afterPersist.length === 0 &&
      this.readStates.length === 0 &&
      this.readFailures.length === 0 &&
      this.events.length === 0
    );
  }

  /** Hands everything over and starts empty. */
  take(): Pick<Outbox, 'messages' | 'afterPersist' | 'readStates' | 'readFailures' | 'events'> {
    const taken = {
      messages: this.messages,
      afterPersist: this.afterPersist,
      readStates: this.readStates,
      readFailures: this.readFailures,
      events: this.events,
    };
    this.messages = [];
    this.afterPersist = [];
    this.readStates = [];
    this.readFailures = [];
    this.events = [];
    return taken;
  }
}
