/**
 * The leader's view of one follower (etcd's Progress). In `probe` the leader sends one
 * AppendEntries at a time until it finds where the logs match; in `replicate` it streams
 * entries optimistically, up to a window of messages in flight; in `snapshot` the entries the
 * follower needs next were compacted away, so the runtime streams it a snapshot and no
 * AppendEntries carrying entries go out until that ends (heartbeats continue).
 */
export class Progress {
  /** Highest index known to match the leader's log. */
  match = 0;
  /** Next index to send. */
  next: number;
  state: 'probe' | 'replicate' | 'snapshot' = 'probe';
  /** Snapshot: the runtime reported the transfer failed; the next heartbeat falls back to probe. */
  snapshotFailed = false;
  /** Probe: an AppendEntries is outstanding; wait for its answer (or the next heartbeat). */
  probeSent = false;
  /** Replicate: last index of each AppendEntries in flight, oldest first. */
  inflight: number[] = [];
  /** AppendEntries sent since the last Ready (Config.maxAppendsPerTurn). */
  sentThisTurn = 0;
  /** Time of the last message heard from this peer (check-quorum, heartbeat failure). */
  lastContact: number;
  /** Time the match index last advanced: in-flight messages unanswered long after were lost. */
  progressAt: number;
  /** Newest leadership round (AppendEntries.seq) the peer has answered. */
  ackedSeq = 0;
  /** Reported as failing heartbeats (so the event fires once per outage). */
  heartbeatFailing = false;

  constructor(next: number, now: number) {
    this.next = next;
    this.lastContact = now;
    this.progressAt = now;
  }

  becomeProbe(next: number): void {
    this.state = 'probe';
    this.next = Math.max(next, this.match + 1);
    this.probeSent = false;
    this.inflight = [];
  }

  becomeSnapshot(): void {
    this.state = 'snapshot';
    this.snapshotFailed = false;
    this.probeSent = false;
    this.inflight = [];
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = Math.max(this.next, this.match + 1);
    this.probeSent = false;
    this.inflight = [];
  }

  /** Records an acknowledged match; frees the window up to it. */
  acknowledge(match: number): boolean {
    let i = 0;
    while (i < this.inflight.length && this.inflight[i]! <= match) i++;
    if (i > 0) this.inflight.splice(0, i);
    if (match <= this.match) return false;
    this.match = match;
    if (this.next <= match) this.next = match + 1;
    return true;
  }

  canSend(maxInflight: number): boolean {
    if (this.state === 'snapshot') return false;
    return this.state === 'probe' ? !this.probeSent : this.inflight.length < maxInflight;
  }

  sent(lastIndex: number): void {
    if (this.state === 'probe') {
      this.probeSent = true;
    } else {
      this.inflight.push(lastIndex);
      this.next = lastIndex + 1;
    }
  }
}
