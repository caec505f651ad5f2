import type { BugSwitches } from '../bugs';
import type { Config } from '../config';
import type { Configuration, ServerId } from '../configuration';
import { encodeConfiguration, isVoter, voters } from '../configuration';
import type { Random } from '../environment';
import type { LogEntry } from '../log';
import { LogType } from '../log';
import type { AppendEntries, InstallSnapshot, RaftMessage, RequestVote, RequestVoteResponse } from '../messages';
import { ConfigurationHistory, applyMembershipChange, type MembershipChange } from './membership';
import { staleTermRejection, takeAppend, type FollowerHost } from './follower-append';
import { installSnapshotInLog, snapshotResponse, type SnapshotFollowerHost } from './follower-snapshot';
import { LeaderReplication } from './leader-replication';
import { chooseTransferTarget } from './leadership-transfer';
import { decideVote, tallyVotes } from './votes';
import type { Progress } from './progress';
import { RaftLog, type InstallOutcome, type LogReader, type SnapshotPoint } from './raft-log';
import { Outbox } from './outbox';
import { ReadIndexQueue } from './read-index';
import type { HardState, Ready, Role, SoftState } from './ready';

export interface CoreOptions {
  readonly config: Config;
  readonly log: LogReader;
  readonly hardState: HardState;
  readonly configurations: ConfigurationHistory;
  /** What the FSM has already applied (a persistent FSM, or a restored snapshot): committed. */
  readonly appliedIndex: number;
  /** The newest snapshot, with the log already made consistent with it. */
  readonly snapshot?: SnapshotPoint;
  readonly random: Random;
  readonly now: number;
  readonly bugs?: BugSwitches;
}

/** Entries kept in memory behind the durable point, for replication and term lookups. */
const LOG_CACHE_ENTRIES = 8192;
/**
 * ...and at most this much of their payload: a follower that is behind by more reads from the
 * store, which is what the store is for; the leader's memory stays bounded whatever the entry size.
 */
const LOG_CACHE_BYTES = 32 << 20;

/**
 * The Raft protocol as a pure state machine (etcd's discipline): it takes messages, ticks and
 * proposals, and accumulates what must be persisted, sent and applied, which `takeReady()` hands
 * to the one runtime loop. No I/O, no timers, no clock or randomness of its own: `now` comes in
 * with every call and randomness is injected, so a cluster replays exactly from a seed.
 */
export class RaftCore {
  readonly id: ServerId;
  readonly log: RaftLog;
  private readonly cfg: Config;
  private readonly random: Random;
  private readonly bugs: BugSwitches;
  private readonly configs: ConfigurationHistory;

  private role: Role = 'follower';
  private preVoting = false;
  private term: number;
  private votedFor: ServerId | undefined;
  private leaderId: ServerId | undefined;
  private hardStateDirty = false;

  private readonly leader: LeaderReplication;
  private readonly followerHost: FollowerHost;
  private readonly snapshotHost: SnapshotFollowerHost;
  private readonly votes = new Map<ServerId, boolean>();
  private electionDeadline = Infinity;
  private heartbeatDeadline = Infinity;
  private quorumCheckDeadline = Infinity;
  private lastLeaderContact = -Infinity;
  private applyHandedOut: number;
  /** Applied by the FSM (reported by the runtime): bounds how far hand-outs may run ahead. */
  private applied: number;
  private transfer: { target: ServerId; deadline: number } | undefined;
  private readonly reads = new ReadIndexQueue();
  private ownTermCommitted = false;

  private readonly out = new Outbox();
  private reportedSoft: SoftState;

  constructor(options: CoreOptions) {
    this.cfg = options.config;
    this.id = options.config.localId;
    this.random = options.random;
    this.bugs = options.bugs ?? {};
    this.term = options.hardState.term;
    this.votedFor = options.hardState.votedFor;
    this.configs = options.configurations;
    this.log = new RaftLog(options.log, LOG_CACHE_ENTRIES, options.snapshot, LOG_CACHE_BYTES);
    this.log.commitIndex = Math.min(Math.max(options.appliedIndex, options.snapshot?.index ?? 0), this.log.lastIndex());
    this.applyHandedOut = this.log.commitIndex;
    this.applied = this.log.commitIndex;
    this.reportedSoft = this.softState();
    this.followerHost = {
      id: this.id,
      log: this.log,
      configs: this.configs,
      term: () => this.term,
      reply: (r) => this.send(r),
      commitTo: (index) => this.advanceCommit(index),
    };
    this.snapshotHost = {
      id: this.id,
      log: this.log,
      configs: this.configs,
      keepConflictingLog: this.bugs.installSnapshotKeepsConflictingLog === true,
    };
    this.leader = new LeaderReplication({
      id: this.id,
      cfg: this.cfg,
      log: this.log,
      bugs: this.bugs,
      term: () => this.term,
      voters: () => voters(this.configs.latest()),
      send: (m) => this.send(m),
      event: (e) => this.out.event(e),
      commitTo: (index) => this.advanceCommit(index),
      roundsAcknowledged: () => this.confirmReads(),
      transferTarget: () => this.transfer?.target,
    });
    this.resetElectionTimer(options.now, this.cfg.heartbeatTimeoutMs);
  }

  // ---- observers -------------------------------------------------------------------------

  softState(): SoftState {
    return { role: this.role, leaderId: this.leaderId, term: this.term };
  }

  currentTerm(): number {
    return this.term;
  }

  commitIndex(): number {
    return this.log.commitIndex;
  }

  configuration(): Configuration {
    return this.configs.latest();
  }

  configurationIndex(): number {
    return this.configs.latestIndex();
  }

  isTransferring(): boolean {
    return this.transfer !== undefined;
  }

  /** The leader's current round, carried by snapshot chunks as by AppendEntries. */
  leaderSeq(): number {
    return this.leader.seq;
  }

  peerProgress(): ReadonlyMap<ServerId, Progress> {
    return this.leader.progress;
  }

  hasState(): boolean {
    return this.term > 0 || this.log.lastIndex() > 0;
  }

  /** When the core next needs a tick (absolute time), Infinity when it needs none. */
  nextDeadline(): number {
    return Math.min(this.electionDeadline, this.heartbeatDeadline, this.quorumCheckDeadline, this.transfer?.deadline ?? Infinity);
  }

  // ---- inputs ----------------------------------------------------------------------------

  /** Writes the first configuration of a new cluster (hashicorp's BootstrapCluster). */
  bootstrap(configuration: Configuration, now: number): string | undefined {
    if (this.hasState()) return 'this node already has state (a term or log entries); bootstrap ignored';
    this.term = 1;
    this.hardStateDirty = true;
    this.log.append([{ index: 1, term: 1, type: LogType.Configuration, data: encodeConfiguration(configuration) }]);
    this.configs.append(1, configuration);
    this.out.event({ kind: 'configuration', configuration, index: 1 });
    this.resetElectionTimer(now, this.cfg.heartbeatTimeoutMs);
    return undefined;
  }

  tick(now: number): void {
    if (this.role === 'leader') {
      if (now >= this.heartbeatDeadline) this.heartbeat(now);
      if (this.cfg.checkQuorum && now >= this.quorumCheckDeadline) this.checkQuorum(now);
      if (this.transfer && now >= this.transfer.deadline) this.finishTransfer(false, 'timed out waiting for the target to take over');
    } else if (now >= this.electionDeadline) {
      if (isVoter(this.configs.latest(), this.id)) this.campaign(now, this.cfg.preVote, false);
      else this.electionDeadline = Infinity;
    }
  }

  /** Leader only: appends commands; returns the index of the first, or a reason it cannot. */
  propose(type: LogType, payloads: readonly Uint8Array[]): number | 'not-leader' | 'transferring' {
    if (this.role !== 'leader') return 'not-leader';
    if (this.transfer) return 'transferring';
    const first = this.log.lastIndex() + 1;
    const entries: LogEntry[] = payloads.map((data, i) => ({ index: first + i, term: this.term, type, data }));
    this.log.append(entries);
    this.leader.needsBroadcast = true;
    return first;
  }

  /** Leader only: one membership change at a time, after an entry of this term committed. */
  proposeMembership(change: MembershipChange, prevIndex: number | undefined, now: number): number | string {
    if (this.role !== 'leader') return 'not-leader';
    if (this.transfer) return 'a leadership transfer is in progress';
    if (!this.ownTermCommitted) return 'the leader has not yet committed an entry of its term';
    if (this.configs.latestIndex() > this.log.commitIndex) return 'a configuration change is already in progress';
    if (prevIndex !== undefined && prevIndex !== 0 && prevIndex !== this.configs.latestIndex()) {
      return `configuration changed since index ${prevIndex} (now ${this.configs.latestIndex()})`;
    }
    const next = applyMembershipChange(this.configs.latest(), change);
    if (typeof next === 'string') return next;
    const index = this.log.lastIndex() + 1;
    this.log.append([{ index, term: this.term, type: LogType.Configuration, data: encodeConfiguration(next) }]);
    this.adoptConfiguration(index, next, now);
    this.leader.needsBroadcast = true;
    return index;
  }

  requestRead(requestId: number): void {
    if (this.role !== 'leader') {
      this.out.readFailures.push({ requestId, reason: 'not-leader' });
    } else if (this.bugs.readIndexWithoutQuorum) {
      this.out.readStates.push({ requestId, index: this.log.commitIndex });
    } else {
      this.reads.request(requestId, this.log.commitIndex, this.ownTermCommitted);
    }
  }

  transferLeadership(target: ServerId | undefined, now: number): string | undefined {
    if (this.role !== 'leader') return 'not-leader';
    if (this.transfer) return 'a leadership transfer is already in progress';
    const otherVoters = voters(this.configs.latest()).filter((s) => s.id !== this.id);
    const choice = chooseTransferTarget(target, otherVoters, this.leader.progress);
    if ('refused' in choice) return choice.refused;
    const chosen = choice.id;
    this.transfer = { target: chosen, deadline: now + this.cfg.electionTimeoutMs };
    const pr = this.leader.progress.get(chosen)!;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'TimeoutNow', from: this.id, to: chosen, term: this.term });
    else this.leader.sendAppends(chosen, pr);
    return undefined;
  }

  /** The FSM has applied up to `index`; more committed entries may be handed out. */
  appliedTo(index: number): void {
    this.applied = Math.max(this.applied, index);
  }

  /** The runtime made the log durable up to (index, term). */
  persisted(index: number, term: number): void {
    this.log.markPersisted(index, term);
    if (this.role === 'leader') this.leader.maybeCommit();
  }

  /**
   * A snapshot received from `m.from` is durable here: install it into the log (Figure 13 rule 7)
   * and answer once that is durable too. Returns whether the FSM must be restored from it (not
   * when our commit index already covers it).
   */
  installSnapshot(m: InstallSnapshot): InstallOutcome {
    // A leader holds every committed entry (leader completeness), so a snapshot, which only
    // holds committed ones, has nothing for it; its log must not be touched from outside.
    const outcome = this.role === 'leader' ? 'stale' : installSnapshotInLog(this.snapshotHost, m);
    if (outcome !== 'stale') {
      this.applyHandedOut = Math.max(this.applyHandedOut, m.lastIndex);
      this.out.event({ kind: 'configuration', configuration: this.configs.latest(), index: this.configs.latestIndex() });
    }
    this.send(snapshotResponse(this.id, this.term, m, m.size, true));
    return outcome;
  }

  /**
   * Leader, for a user restore (Raft.restore): a durable snapshot at `point`, in this term and
   * past every entry of the log, replaces the log as an installed snapshot does on a follower
   * (the entries behind it describe a state that is gone), under the latest configuration. No
   * server holds an entry at its index, so no follower can match our log without installing it:
   * the next AppendEntries to each, up to date or not, finds what it needs compacted away and
   * asks for the snapshot (a transfer of an older one fails over to it). Returns why it cannot.
   */
  restoreSnapshot(point: SnapshotPoint & { readonly configurationIndex: number }): string | undefined {
    if (this.role !== 'leader') return 'not-leader';
    if (point.term !== this.term) return `the restore is of term ${point.term}, the current term is ${this.term}`;
    if (point.index <= this.log.lastIndex())
      return `the restore index ${point.index} is not past the last log index ${this.log.lastIndex()}`;
    if (this.transfer) return 'a leadership transfer is in progress';
    const configurationIndex = this.configs.latestIndex();
    if (configurationIndex > this.log.commitIndex) return 'a configuration change is in progress';
    // The snapshot records the configuration it was written under: it must still be ours.
    if (configurationIndex !== point.configurationIndex)
      return `the configuration changed (index ${configurationIndex}) since the snapshot was written`;
    this.log.installSnapshot(point);
    this.configs.installSnapshot(point.index, configurationIndex, this.configs.latest(), false);
    this.applyHandedOut = Math.max(this.applyHandedOut, point.index);
    return undefined;
  }

  /** Leader: the snapshot stream to `peer` failed; it is retried from the next heartbeat. */
  snapshotFailed(peer: ServerId): void {
    if (this.role === 'leader') this.leader.snapshotFailed(peer);
  }

  /** A local snapshot covers entries up to `through`: drop them from the log. */
  compactLog(through: number): void {
    this.log.compact(Math.min(through, this.log.commitIndex, this.log.persistedIndex(), this.applied));
  }

  step(m: RaftMessage, now: number): void {
    if (m.to !== this.id) return;
    if (m.term > this.term) {
      if (m.type === 'RequestVote') {
        if (!m.leadershipTransfer && this.inLease(now)) {
          // A leader is alive: a disruptive candidate (e.g. one that was partitioned) gets no
          // vote and does not bump our term (thesis §4.2.3).
          if (m.preVote) this.reply(m, false, this.term);
          return;
        }
        if (!m.preVote) this.becomeFollower(m.term, undefined, now);
      } else if (m.type === 'RequestVoteResponse' && m.preVote && m.granted) {
        // A granted pre-vote carries the term we asked about; nobody changed term.
      } else {
        const fromLeader = m.type === 'AppendEntries' || m.type === 'InstallSnapshot';
        this.becomeFollower(m.term, fromLeader ? m.from : undefined, now);
      }
    } else if (m.term < this.term) {
      // Tell a stale leader or candidate our term so it steps down; ignore stale answers.
      if (m.type === 'AppendEntries') this.send(staleTermRejection(this.followerHost, m));
      else if (m.type === 'RequestVote') this.reply(m, false, this.term);
      else if (m.type === 'InstallSnapshot') this.send(snapshotResponse(this.id, this.term, m, 0, false));
      return;
    }
    switch (m.type) {
      case 'AppendEntries':
        this.handleAppend(m, now);
        break;
      case 'AppendEntriesResponse':
        if (this.role === 'leader') this.leader.onResponse(m, now);
        break;
      case 'RequestVote':
        this.handleRequestVote(m, now);
        break;
      case 'RequestVoteResponse':
        if (this.role === 'candidate') this.handleVoteResponse(m, now);
        break;
      case 'TimeoutNow':
        if (this.role === 'follower' && isVoter(this.configs.latest(), this.id)) this.campaign(now, false, true);
        break;
      case 'InstallSnapshot':
        this.leaderContact(m.from, now);
        this.out.event({ kind: 'snapshot-chunk', message: m });
        break;
      case 'InstallSnapshotResponse':
        if (this.role !== 'leader') break;
        // The stream hears the answer first: an installed snapshot ends it before the core can
        // ask for another one (a newer snapshot, when the log was compacted further meanwhile).
        this.out.event({ kind: 'snapshot-response', message: m });
        this.leader.onSnapshotResponse(m, now);
        break;
    }
  }

  // ---- output ----------------------------------------------------------------------------

  hasReady(): boolean {
    return (
      !this.out.isEmpty() ||
      this.hardStateDirty ||
      this.leader.needsBroadcast ||
      (this.role === 'leader' && this.reads.roundDue()) ||
      this.log.hasWriteToHandOut() ||
      this.applyLimit() > this.applyHandedOut
    );
  }

  takeReady(): Ready {
    if (this.role === 'leader') {
      this.leader.broadcastIfNeeded();
      if (this.reads.startRound(this.leader.seq + 1)) {
        this.leader.startRound();
        this.confirmReads();
      }
    }
    const applyTo = Math.min(this.applyLimit(), this.applyHandedOut + this.cfg.maxApplyBatch);
    const committed =
      applyTo > this.applyHandedOut ? this.log.entries(this.applyHandedOut + 1, applyTo, this.cfg.maxApplyBatch, Infinity) : [];
    this.applyHandedOut += committed.length;
    const soft = this.softState();
    const softChanged =
      soft.role !== this.reportedSoft.role || soft.leaderId !== this.reportedSoft.leaderId || soft.term !== this.reportedSoft.term;
    if (softChanged) this.reportedSoft = soft;
    const out = this.out.take();
    const ready: Ready = {
      hardState: this.hardStateDirty ? { term: this.term, votedFor: this.votedFor } : undefined,
      log: this.log.takeWrite(),
      messages: out.messages,
      messagesAfterPersist: out.afterPersist,
      committed,
      readStates: out.readStates,
      readFailures: out.readFailures,
      softState: softChanged ? soft : undefined,
      events: out.events,
    };
    this.hardStateDirty = false;
    this.leader.endTurn();
    return ready;
  }

  /**
   * Entries may be applied once committed and durable here (a lone voter must not apply before
   * its own fsync), and no more than a few batches ahead of the FSM, so a slow FSM holds the
   * queue at a bounded size instead of letting it grow with the log.
   */
  private applyLimit(): number {
    return Math.min(this.log.commitIndex, this.log.persistedIndex(), this.applied + 4 * this.cfg.maxApplyBatch);
  }

  // ---- roles -----------------------------------------------------------------------------

  private resetElectionTimer(now: number, base: number): void {
    const eligible = isVoter(this.configs.latest(), this.id);
    if (!eligible) {
      this.electionDeadline = Infinity;
      return;
    }
    // A lone voter need not wait for anyone: elect itself at once (etcd does the same).
    const alone = voters(this.configs.latest()).length === 1 && this.role !== 'leader';
    this.electionDeadline = alone ? now : now + base + Math.floor(this.random.next() * base);
  }

  private inLease(now: number): boolean {
    if (!this.cfg.checkQuorum && !this.cfg.preVote) return false;
    if (this.role === 'leader') return true;
    return this.leaderId !== undefined && now - this.lastLeaderContact < this.cfg.heartbeatTimeoutMs;
  }

  private becomeFollower(term: number, leaderId: ServerId | undefined, now: number): void {
    if (term > this.term) {
      this.term = term;
      this.votedFor = undefined;
      this.hardStateDirty = true;
    }
    if (this.role === 'leader') {
      this.reads.failAll(this.out.readFailures);
      if (this.transfer) this.finishTransfer(true, 'stepped down');
      this.leader.stop();
      this.heartbeatDeadline = Infinity;
      this.quorumCheckDeadline = Infinity;
    }
    this.role = 'follower';
    this.preVoting = false;
    this.leaderId = leaderId;
    this.ownTermCommitted = false;
    this.votes.clear();
    this.resetElectionTimer(now, this.cfg.heartbeatTimeoutMs);
  }

  private campaign(now: number, preVote: boolean, transfer: boolean): void {
    this.role = 'candidate';
    this.preVoting = preVote;
    this.leaderId = undefined;
    this.votes.clear();
    if (!preVote) {
      this.term++;
      this.votedFor = this.id;
      this.hardStateDirty = true;
    }
    this.votes.set(this.id, true);
    this.resetElectionTimer(now, this.cfg.electionTimeoutMs);
    const electionTerm = preVote ? this.term + 1 : this.term;
    for (const s of voters(this.configs.latest())) {
      if (s.id === this.id) continue;
      this.send({
        type: 'RequestVote',
        from: this.id,
        to: s.id,
        term: electionTerm,
        lastLogIndex: this.log.lastIndex(),
        lastLogTerm: this.log.lastTerm(),
        preVote,
        leadershipTransfer: transfer,
      });
    }
    this.tallyVotes(now);
  }

  private becomeLeader(now: number): void {
    this.role = 'leader';
    this.preVoting = false;
    this.leaderId = this.id;
    this.electionDeadline = Infinity;
    this.ownTermCommitted = false;
    this.leader.start(this.configs.latest().servers, now);
    const next = this.log.lastIndex() + 1;
    // Raft §8: commit an entry of our own term before anything else (no-op).
    this.log.append([{ index: next, term: this.term, type: LogType.Noop, data: new Uint8Array(0) }]);
    this.leader.needsBroadcast = true;
    this.heartbeatDeadline = now + this.heartbeatInterval();
    this.quorumCheckDeadline = now + this.cfg.leaderLeaseTimeoutMs;
    this.leader.maybeCommit();
  }

  private heartbeatInterval(): number {
    return Math.max(1, Math.min(Math.floor(this.cfg.heartbeatTimeoutMs / 10), this.cfg.commitTimeoutMs));
  }

  // ---- elections -------------------------------------------------------------------------

  private handleRequestVote(m: RequestVote, now: number): void {
    const decision = decideVote(
      {
        term: this.term,
        votedFor: this.votedFor,
        leaderId: this.leaderId,
        configuration: this.configs.latest(),
        log: this.log,
        bugs: this.bugs,
      },
      m,
    );
    if (decision.grant && !m.preVote) {
      this.votedFor = m.from;
      this.hardStateDirty = true;
      this.resetElectionTimer(now, this.cfg.heartbeatTimeoutMs);
    }
    this.reply(m, decision.grant, decision.term);
  }

  private reply(m: RequestVote, granted: boolean, term: number): void {
    const response: RequestVoteResponse = { type: 'RequestVoteResponse', from: this.id, to: m.from, term, granted, preVote: m.preVote };
    this.send(response);
  }

  private handleVoteResponse(m: RequestVoteResponse, now: number): void {
    if (m.preVote !== this.preVoting) return;
    if (!isVoter(this.configs.latest(), m.from)) return; // votes from non-members are ignored
    this.votes.set(m.from, m.granted);
    this.tallyVotes(now);
  }

  private tallyVotes(now: number): void {
    const outcome = tallyVotes(this.votes, this.configs.latest());
    if (outcome === 'won') {
      if (this.preVoting) this.campaign(now, false, false);
      else this.becomeLeader(now);
    } else if (outcome === 'lost') {
      this.becomeFollower(this.term, undefined, now);
    }
  }

  // ---- follower replication --------------------------------------------------------------

  /** A message from the current term's leader: follow it and hold off elections. */
  private leaderContact(leader: ServerId, now: number): void {
    if (this.role !== 'follower') this.becomeFollower(this.term, leader, now);
    this.leaderId = leader;
    this.lastLeaderContact = now;
    this.resetElectionTimer(now, this.cfg.heartbeatTimeoutMs);
  }

  private handleAppend(m: AppendEntries, now: number): void {
    this.leaderContact(m.from, now);
    const outcome = takeAppend(this.followerHost, m);
    if (outcome.configurationChanged) {
      this.out.event({ kind: 'configuration', configuration: this.configs.latest(), index: this.configs.latestIndex() });
      this.resetElectionTimer(now, this.cfg.heartbeatTimeoutMs);
    }
  }

  // ---- leader --------------------------------------------------------------------------

  private heartbeat(now: number): void {
    this.heartbeatDeadline = now + this.heartbeatInterval();
    this.leader.heartbeat(now, this.heartbeatInterval());
  }

  private checkQuorum(now: number): void {
    const heardAt = this.leader.quorumHeardAt(now);
    if (now - heardAt > this.cfg.leaderLeaseTimeoutMs) this.becomeFollower(this.term, undefined, now);
    else this.quorumCheckDeadline = heardAt + this.cfg.leaderLeaseTimeoutMs + 1;
  }

  private advanceCommit(index: number): void {
    this.log.commitIndex = index;
    this.configs.compact(index);
    if (this.role !== 'leader') return;
    if (!this.ownTermCommitted && this.log.term(index) === this.term) {
      this.ownTermCommitted = true;
      this.reads.ownTermCommitted(index);
      this.confirmReads();
    }
    // A leader removed by a configuration that is now committed hands over (hashicorp).
    if (this.configs.latestIndex() <= index && !isVoter(this.configs.latest(), this.id)) {
      this.becomeFollower(this.term, undefined, -Infinity);
      this.electionDeadline = Infinity;
    }
  }

  private confirmReads(): void {
    if (this.reads.hasPending()) this.reads.confirm(this.leader.confirmedSeq(), this.out.readStates);
  }

  private adoptConfiguration(index: number, configuration: Configuration, now: number): void {
    this.configs.append(index, configuration);
    this.out.event({ kind: 'configuration', configuration, index });
    this.leader.follow(configuration, now);
  }

  private finishTransfer(ok: boolean, reason: string): void {
    this.transfer = undefined;
    this.out.event({ kind: 'transfer-finished', ok, reason });
  }

  private send(m: RaftMessage): void {
    this.out.send(m, this.role === 'leader');
  }
}
