import type { BugSwitches } from '../bugs';
import type { Config } from '../config';
import type { Configuration, Server, ServerId } from '../configuration';
import type { AppendEntriesResponse, InstallSnapshotResponse, RaftMessage } from '../messages';
import { Progress } from './progress';
import { quorumValue } from './quorum';
import type { RaftLog } from './raft-log';
import type { CoreEvent } from './ready';

/** What the leader's replication needs from the node around it. */
export interface LeaderHost {
  readonly id: ServerId;
  readonly cfg: Config;
  readonly log: RaftLog;
  readonly bugs: BugSwitches;
  term(): number;
  voters(): Server[];
  send(message: RaftMessage): void;
  event(event: CoreEvent): void;
  /** A quorum holds entries up to `index` and the commit rule allows it. */
  commitTo(index: number): void;
  /** Some peer answered a newer round: pending reads may now be confirmed. */
  roundsAcknowledged(): void;
  transferTarget(): ServerId | undefined;
}

/**
 * The leader's side of log replication: one Progress per follower, pipelined AppendEntries
 * within a window, fast backtracking on rejection, heartbeats at the match point, the commit
 * rule, and the per-term rounds (`seq`) that confirm leadership for read index and check-quorum.
 */
export class LeaderReplication {
  readonly progress = new Map<ServerId, Progress>();
  /** Leadership round carried by every AppendEntries and echoed back. */
  seq = 0;
  /** New entries were appended: every follower should hear of them at the next flush. */
  needsBroadcast = false;

  constructor(private readonly host: LeaderHost) {}

  /** A new term of leadership: every follower starts at probe from our last index. */
  start(servers: readonly Server[], now: number): void {
    this.progress.clear();
    const next = this.host.log.lastIndex() + 1;
    for (const s of servers) if (s.id !== this.host.id) this.progress.set(s.id, new Progress(next, now));
  }

  stop(): void {
    this.progress.clear();
    this.needsBroadcast = false;
  }

  /** Tracks exactly the servers of a new configuration. */
  follow(configuration: Configuration, now: number): void {
    const next = this.host.log.lastIndex() + 1;
    for (const s of configuration.servers) {
      if (s.id !== this.host.id && !this.progress.has(s.id)) this.progress.set(s.id, new Progress(next, now));
    }
    for (const id of [...this.progress.keys()]) {
      if (!configuration.servers.some((s) => s.id === id)) this.progress.delete(id);
    }
  }

  broadcastIfNeeded(): void {
    if (!this.needsBroadcast) return;
    for (const [id, pr] of this.progress) this.sendAppends(id, pr);
    this.needsBroadcast = false;
  }

  /** A new round that only confirms leadership (read index). */
  startRound(): void {
    this.seq++;
    for (const [id, pr] of this.progress) this.sendHeartbeat(id, pr);
  }

  heartbeat(now: number, interval: number): void {
    const { cfg } = this.host;
    this.seq++;
    const retransmitAfter = Math.max(cfg.heartbeatTimeoutMs / 2, 4 * interval);
    for (const [id, pr] of this.progress) {
      if (!pr.heartbeatFailing && now - pr.lastContact > cfg.heartbeatTimeoutMs) {
        pr.heartbeatFailing = true;
        this.host.event({ kind: 'heartbeat-failed', peer: id, lastContactMs: now - pr.lastContact });
      }
      // Messages in flight that were never answered were lost: resend from the match point.
      if (pr.state === 'replicate' && pr.inflight.length > 0 && now - pr.progressAt > retransmitAfter) {
        pr.becomeProbe(pr.match + 1);
        pr.progressAt = now;
      }
      if (pr.state === 'probe') pr.probeSent = false;
      // A failed snapshot transfer is retried from probe at heartbeat pace, not in a loop.
      if (pr.state === 'snapshot' && pr.snapshotFailed) pr.becomeProbe(pr.match + 1);
      this.sendHeartbeat(id, pr);
      this.sendAppends(id, pr);
    }
  }

  /**
   * Check-quorum: the latest time by which a quorum of voters (us included, heard now) had
   * been heard from. The leader steps down once that is more than a lease ago, and otherwise
   * checks again exactly when it would be, so an isolated leader leaves after one lease.
   */
  quorumHeardAt(now: number): number {
    return quorumValue(this.host.voters().map((s) => (s.id === this.host.id ? now : (this.progress.get(s.id)?.lastContact ?? -Infinity))));
  }

  /** The newest round a quorum has answered (we count as having answered every round). */
  confirmedSeq(): number {
    return quorumValue(this.host.voters().map((s) => (s.id === this.host.id ? this.seq : (this.progress.get(s.id)?.ackedSeq ?? 0))));
  }

  maybeCommit(): void {
    const { log } = this.host;
    const matches = this.host.voters().map((s) => (s.id === this.host.id ? log.persistedIndex() : (this.progress.get(s.id)?.match ?? 0)));
    const candidate = quorumValue(matches);
    if (candidate <= log.commitIndex) return;
    // Raft §5.4.2: only an entry of the current term is committed by counting replicas.
    if (!this.host.bugs.commitOldTermByCounting && log.term(candidate) !== this.host.term()) return;
    this.host.commitTo(candidate);
  }

  onResponse(m: AppendEntriesResponse, now: number): void {
    const pr = this.heardFrom(m.from, m.seq, now);
    if (!pr) return;
    if (m.success) this.onAccepted(m, pr, now);
    else if (pr.state !== 'snapshot') this.onRejected(m, pr);
  }

  /** A follower answered a snapshot chunk; once it reports the snapshot installed, replicate after it. */
  onSnapshotResponse(m: InstallSnapshotResponse, now: number): void {
    const pr = this.heardFrom(m.from, m.seq, now);
    if (!pr || !m.installed) return;
    const advanced = pr.acknowledge(m.lastIndex);
    if (advanced) pr.progressAt = now;
    if (pr.state === 'snapshot') pr.becomeProbe(pr.match + 1);
    if (advanced) this.maybeCommit();
    this.sendAppends(m.from, pr);
  }

  /** The runtime could not stream the snapshot to `peer`; the next heartbeat retries. */
  snapshotFailed(peer: ServerId): void {
    const pr = this.progress.get(peer);
    if (pr?.state === 'snapshot') pr.snapshotFailed = true;
  }

  /** Contact bookkeeping shared by every answer from a follower. */
  private heardFrom(from: ServerId, seq: number, now: number): Progress | undefined {
    const pr = this.progress.get(from);
    if (!pr) return undefined;
    pr.lastContact = now;
    if (pr.heartbeatFailing) {
      pr.heartbeatFailing = false;
      this.host.event({ kind: 'heartbeat-resumed', peer: from });
    }
    if (seq > pr.ackedSeq) {
      pr.ackedSeq = seq;
      this.host.roundsAcknowledged();
    }
    return pr;
  }

  private onAccepted(m: AppendEntriesResponse, pr: Progress, now: number): void {
    const advanced = pr.acknowledge(m.matchIndex);
    if (advanced) pr.progressAt = now;
    if (pr.state === 'probe') {
      if (m.matchIndex >= pr.next - 1) pr.becomeReplicate();
      else pr.probeSent = false; // a heartbeat answered; the probe itself may have been lost
    } else if (pr.state === 'snapshot' && this.host.log.term(pr.match) !== undefined) {
      // The follower has caught up to entries we still hold (its snapshot landed): replicate again.
      pr.becomeProbe(pr.match + 1);
    }
    if (advanced) this.maybeCommit();
    this.sendAppends(m.from, pr);
    if (this.host.transferTarget() === m.from && pr.match === this.host.log.lastIndex()) {
      this.host.send({ type: 'TimeoutNow', from: this.host.id, to: m.from, term: this.host.term() });
    }
  }

  private onRejected(m: AppendEntriesResponse, pr: Progress): void {
    const rejected = m.matchIndex;
    if (rejected === pr.match && m.lastLogIndex < pr.match) {
      // The follower no longer has entries it acknowledged (its disk lost them, or it was
      // rebuilt): forget the old match and find the real one, instead of waiting forever.
      pr.match = Math.min(m.conflictIndex, m.lastLogIndex);
      pr.becomeProbe(pr.match + 1);
      this.sendAppends(m.from, pr);
      return;
    }
    if (pr.state === 'replicate' && rejected <= pr.match) return; // stale
    if (pr.state === 'probe' && rejected !== pr.next - 1) return; // stale
    const next = Math.max(Math.min(this.host.log.lastIndexWithTermAtMost(m.conflictIndex, m.conflictTerm) + 1, rejected), pr.match + 1);
    if (pr.state === 'probe' && next >= pr.next) {
      // Nothing earlier to try (the logs disagree at or below the known match, which a correct
      // peer never does): retry at heartbeat pace rather than answering every rejection at once,
      // which duplicated messages would multiply into a storm.
      return;
    }
    pr.becomeProbe(next);
    this.sendAppends(m.from, pr);
  }

  /** Sends what the follower is missing, as far as its window allows. */
  sendAppends(id: ServerId, pr: Progress): void {
    const { log, cfg } = this.host;
    const last = log.lastIndex();
    // A probing follower whose match is behind gets a probe even when nothing new is left to
    // send (an empty AppendEntries at our last index), or a server added to an idle cluster
    // would wait for the next proposal to hear anything.
    while (
      pr.sentThisTurn < cfg.maxAppendsPerTurn &&
      pr.canSend(cfg.maxInflightAppends) &&
      (pr.next <= last || (pr.state === 'probe' && pr.match < last))
    ) {
      const prevLogIndex = pr.next - 1;
      const prevLogTerm = log.term(prevLogIndex);
      const entries = prevLogTerm === undefined ? [] : log.entries(pr.next, last, cfg.maxAppendEntries, cfg.maxAppendBytes);
      if (prevLogTerm === undefined || (entries.length === 0 && pr.next <= last)) {
        // What the follower needs next was compacted away: only a snapshot can bring it up.
        pr.becomeSnapshot();
        this.host.event({ kind: 'send-snapshot', peer: id });
        return;
      }
      this.host.send({
        type: 'AppendEntries',
        from: this.host.id,
        to: id,
        term: this.host.term(),
        prevLogIndex,
        prevLogTerm,
        entries,
        leaderCommit: log.commitIndex,
        seq: this.seq,
      });
      pr.sent(prevLogIndex + entries.length);
      pr.sentThisTurn++;
    }
  }

  /** A Ready was taken: the next turn may send maxAppendsPerTurn again to every follower. */
  endTurn(): void {
    for (const pr of this.progress.values()) pr.sentThisTurn = 0;
  }

  /** An empty AppendEntries at the follower's known match point: never forces a backtrack. */
  private sendHeartbeat(id: ServerId, pr: Progress): void {
    const { log } = this.host;
    this.host.send({
      type: 'AppendEntries',
      from: this.host.id,
      to: id,
      term: this.host.term(),
      prevLogIndex: pr.match,
      prevLogTerm: log.term(pr.match) ?? 0,
      entries: [],
      leaderCommit: log.commitIndex,
      seq: this.seq,
    });
  }
}
