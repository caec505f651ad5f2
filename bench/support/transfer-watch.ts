/**
 * Notes when a leader's snapshot transfer starts and ends, by polling a count of transfers under
 * way (raft.stats().snapshotsSending) every few ms: the library announces neither moment as an
 * event, and a 5 ms poll is negligible against a transfer of seconds.
 */
import { wallNow } from './snapshot-protocol';

const POLL_MS = 5;

export class TransferWatch {
  private timer: NodeJS.Timeout | undefined;
  startedAt: number | undefined;
  endedAt: number | undefined;

  constructor(private readonly sending: () => number) {}

  /** Forgets the last transfer and watches for the next one (it ends when the count is back to 0). */
  start(): void {
    this.stop();
    this.startedAt = this.endedAt = undefined;
    this.timer = setInterval(() => {
      const now = wallNow();
      const active = this.sending() > 0;
      if (active && this.startedAt === undefined) this.startedAt = now;
      if (!active && this.startedAt !== undefined) {
        this.endedAt = now;
        this.stop();
      }
    }, POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
