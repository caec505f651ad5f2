import type { Config } from '../config';
import { validateConfig } from '../config';
import type { Configuration, ServerAddress, ServerId } from '../configuration';
import { checkConfiguration, findServer } from '../configuration';
import type { MembershipChange } from '../core/membership';
import { RaftCore } from '../core/raft-core';
import type { CoreEvent, Ready, SoftState } from '../core/ready';
import type { Clock, Logger, TimerHandle } from '../environment';
import { silentLogger, systemClock, systemRandom } from '../environment';
import {
  BadConfigurationError,
  ConfigurationChangeError,
  ConfigValidationError,
  EntryTooLargeError,
  LeadershipLostError,
  LeadershipTransferError,
  NotLeaderError,
  OverloadedError,
  RaftError,
  RestoreInProgressError,
  ShutdownError,
} from '../errors';
import { RaftEventEmitter, type RaftEventName, type RaftListener, type RaftState } from '../events';
import type { LogEntry } from '../log';
import { LogType } from '../log';
import type { RaftMessage } from '../messages';
import type { SnapshotMeta, SnapshotStore } from '../snapshot-store';
import type { Transport } from '../transport';
import { AddressBook } from './address-book';
import { AppliedPointTracker, type AppliedPoint } from './applied-point';
import { Applier } from './applier';
import { loadHardState } from './hard-state-codec';
import { StorageWriter, type PersistDone } from './storage-writer';
import { PendingApplies } from './pending-applies';
import { PendingReads } from './pending-reads';
import { Snapshots } from './snapshots';
import { startFromSnapshot, type StartState } from './start-from-snapshot';
import { UserRestore, type UserSnapshotInfo } from './user-restore';
import type { RaftOptions, RaftStats } from './raft-options';
import { createWaiter, type WaitOptions, type Waiter } from './waiters';

/**
 * A Raft node: hashicorp's surface over a pure core driven by one loop. Inputs (messages,
 * proposals, timer expiry) are fed to the core as they arrive; one flush per event-loop turn
 * takes what the core produced and does the I/O: one write for everything waiting (group
 * commit), the leader's AppendEntries at once (its write overlaps replication), replies after the
 * write, committed entries to the FSM in batches.
 */
export class Raft<R = unknown> {
  private readonly core: RaftCore;
  private readonly cfg: Config;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly schedule: (callback: () => void) => void;
  private readonly transport: Transport;
  private readonly storage: StorageWriter;
  private readonly applier: Applier<R>;
  private readonly appliedPoint: AppliedPointTracker;
  private readonly snapshots: Snapshots<R> | undefined;
  private readonly userRestore: UserRestore<R> | undefined;
  private readonly emitter = new RaftEventEmitter();
  private readonly addresses: AddressBook;
  private readonly pendingApplies: PendingApplies<R>;
  private readonly pendingReads = new PendingReads();
  private transferWaiters: Waiter<void>[] = [];
  private readSeq = 0;
  private appliedIndex: number;
  private soft: SoftState;
  private stopped = false;
  private stoppedWork: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;

  private constructor(options: RaftOptions<R>, cfg: Config, start: StartState) {
    this.cfg = cfg;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.schedule = options.scheduler ?? ((cb) => setImmediate(cb));
    this.transport = options.transport;
    const bugs = options.testOnlyBugs ?? {};
    const random = options.random ?? systemRandom;
    const snapshot = start.snapshot;
    this.appliedIndex = start.applied.index;
    this.appliedPoint = new AppliedPointTracker(start.applied);
    this.core = new RaftCore({
      config: this.cfg,
      log: options.logStore,
      hardState: loadHardState(options.stableStore),
      configurations: start.configurations,
      appliedIndex: this.appliedIndex,
      snapshot: snapshot ? { index: snapshot.index, term: snapshot.term } : undefined,
      random,
      now: this.clock.now(),
      bugs,
    });
    this.soft = this.core.softState();
    this.addresses = new AddressBook(this.core.configuration());
    this.storage = new StorageWriter(
      options.logStore,
      options.stableStore,
      bugs,
      (d) => this.onPersisted(d),
      (e) => this.fatal('storage write failed', e),
    );
    this.applier = new Applier(
      options.fsm,
      (entries, results) => this.onApplied(entries, results),
      (e) => this.fatal('FSM apply threw', e),
    );
    const store = options.snapshotStore;
    this.snapshots =
      store &&
      new Snapshots(
        {
          cfg: this.cfg,
          fsm: options.fsm,
          store,
          applier: this.applier,
          core: this.core,
          appliedPoint: this.appliedPoint,
          clock: this.clock,
          random,
          logger: this.logger,
          send: (m, written) => this.sendOne(m, written),
          scheduleFlush: () => this.scheduleFlush(),
          restored: (point, size, durationMs) => this.onRestored(point, size, durationMs),
          taken: (meta, durationMs) =>
            this.emitter.emit('snapshot-taken', { index: meta.index, term: meta.term, size: meta.size, durationMs }),
          fatal: (what, error) => this.fatal(what, error),
        },
        snapshot?.index ?? 0,
      );
    this.userRestore = store && this.createUserRestore(options, store);
    this.pendingApplies = new PendingApplies(this.clock, this.cfg.applyTimeoutMs);
    this.transport.setHandler((m, fromAddress) => this.onMessage(m, fromAddress));
    this.snapshots?.start();
    this.armTimer();
  }

  /**
   * Opens a node over its stores and starts it: restores the FSM from the newest snapshot (unless
   * a persistent FSM already holds it), then term, vote, log and membership.
   */
  static async create<R>(options: RaftOptions<R>): Promise<Raft<R>> {
    const cfg = validateConfig(options.config);
    if (cfg.deferSnapshotCopies && options.fsm.appliedIndex === undefined) {
      throw new ConfigValidationError(['deferSnapshotCopies: needs an FSM that keeps its own state (one with appliedIndex())']);
    }
    const logger = options.logger ?? silentLogger;
    const start = await startFromSnapshot(options.fsm, options.logStore, options.snapshotStore, logger);
    const raft = new Raft(options, cfg, start);
    raft.logger.info('raft started', {
      id: raft.cfg.localId,
      term: raft.core.currentTerm(),
      firstIndex: raft.core.log.firstIndex(),
      lastIndex: raft.core.log.lastIndex(),
      appliedIndex: raft.appliedIndex,
      snapshotIndex: start.snapshot?.index ?? 0,
      servers: raft.core.configuration().servers.length,
    });
    return raft;
  }

  // ---- public surface ---------------------------------------------------------------------

  /**
   * Replicates `command` and resolves with the FSM's result once it is applied here. Rejects
   * with a RaftError: NotLeaderError (with the leader's id and address when known), overload,
   * entry too large, timeout or abort (outcome unknown once proposed), leadership lost, shutdown.
   */
  apply(command: Uint8Array, options: WaitOptions = {}): Promise<R> {
    return this.propose(LogType.Command, command, options) as Promise<R>;
  }

  /** Resolves once every entry before it is applied (hashicorp's Barrier). */
  async barrier(options: WaitOptions = {}): Promise<void> {
    await this.propose(LogType.Barrier, new Uint8Array(0), options);
  }

  /** Confirms with a quorum that this node is still the leader. */
  async verifyLeader(options: WaitOptions = {}): Promise<void> {
    await this.read(false, options);
  }

  /**
   * Linearizable read point: confirms leadership with a quorum (without writing the log), then
   * waits until this node's FSM has applied the read index, and returns that index. Reading the
   * FSM after it resolves observes every write acknowledged before the call.
   */
  readIndex(options: WaitOptions = {}): Promise<number> {
    return this.read(true, options);
  }

  /**
   * Writes the first configuration of a brand-new cluster. Idempotent: on a node that already
   * has state it changes nothing and reports `bootstrapped: false` with the reason.
   */
  async bootstrapCluster(configuration: Configuration): Promise<{ bootstrapped: boolean; reason?: string }> {
    this.ensureRunning();
    const problems = checkConfiguration(configuration);
    if (problems.length > 0) throw new BadConfigurationError(`bad bootstrap configuration: ${problems.join('; ')}`);
    if (!findServer(configuration, this.cfg.localId)) {
      throw new BadConfigurationError(`bootstrap configuration does not include this server (${this.cfg.localId})`);
    }
    const refused = this.core.bootstrap(configuration, this.clock.now());
    if (refused !== undefined) {
      this.logger.info('bootstrap skipped', { reason: refused });
      return { bootstrapped: false, reason: refused };
    }
    // The core reports the new configuration in the flush below, which adopts its addresses
    // (and reports the peers) before anything is sent.
    this.flush();
    await this.storage.whenIdle();
    this.logger.info('cluster bootstrapped', { servers: configuration.servers.length });
    return { bootstrapped: true };
  }

  addVoter(id: ServerId, address: ServerAddress, options: WaitOptions & { prevIndex?: number } = {}): Promise<void> {
    return this.changeMembership({ kind: 'add-voter', id, address }, options);
  }

  addNonvoter(id: ServerId, address: ServerAddress, options: WaitOptions & { prevIndex?: number } = {}): Promise<void> {
    return this.changeMembership({ kind: 'add-nonvoter', id, address }, options);
  }

  demoteVoter(id: ServerId, options: WaitOptions & { prevIndex?: number } = {}): Promise<void> {
    return this.changeMembership({ kind: 'demote-voter', id }, options);
  }

  removeServer(id: ServerId, options: WaitOptions & { prevIndex?: number } = {}): Promise<void> {
    return this.changeMembership({ kind: 'remove-server', id }, options);
  }

  /**
   * Takes a snapshot now and compacts the log behind it (hashicorp's Snapshot). Resolves with the
   * newest snapshot's meta: an earlier one when nothing was applied since it. With
   * Config.deferSnapshotCopies it is a deferred one (a label, `deferred: true`).
   */
  snapshot(): Promise<SnapshotMeta | undefined> {
    if (this.stopped) return Promise.reject(new ShutdownError());
    if (!this.snapshots) return Promise.reject(new RaftError('no-snapshot-store', 'this node has no snapshot store', 'not-applied'));
    return this.snapshots.take();
  }

  /**
   * Replaces the replicated state with `source`, bytes in the FSM's own snapshot format (what an
   * earlier snapshot's open() yielded, say a backup), on every server (hashicorp's Restore).
   * Leader only (NotLeaderError otherwise); one at a time (RestoreInProgressError); needs a
   * snapshot store.
   *
   * While it runs, proposals, membership changes and leadership transfers are refused with
   * RestoreInProgressError (reads are served). Everything proposed before it is applied first.
   * The bytes are stored as a new, never deferred, snapshot at an index past the whole log and
   * `info.index` (the bytes' own index), in the current term, and installed here in place of the
   * log; every follower, up to date or not, then installs it by InstallSnapshot, as will servers
   * added later. Entries applied after it build on the restored state. Resolves with the stored
   * snapshot's meta once an entry after it has committed, that is once a quorum holds the
   * restored state, so that every later leader has it too.
   *
   * Rejects with RestoreFailedError: outcome 'not-applied' when nothing changed (bad size or
   * CRC-32 given in `info`, a failing source or store, abort, leadership lost or shutdown before
   * the snapshot was installed; a snapshot already written is removed again); outcome 'unknown'
   * when the restore took effect here but no later entry committed (timeout, leadership lost).
   * In that window, as in hashicorp/raft, a leader elected without the restored state makes the
   * cluster continue from the old state, and this node's restored state conflicts with it; do not
   * retry blindly: check which state the cluster has. Bytes the FSM cannot restore stop this node
   * (fatal), and a restart tries them again: pass only what the FSM's snapshots produced. An FSM
   * that records its applied index must take the index restore() gives it (FSM.restore).
   * `options` bound each wait (the barrier before, the entry after), not the copy of the bytes.
   */
  restore(info: UserSnapshotInfo, source: AsyncIterable<Uint8Array>, options: WaitOptions = {}): Promise<SnapshotMeta> {
    if (this.stopped) return Promise.reject(new ShutdownError());
    if (!this.userRestore) return Promise.reject(new RaftError('no-snapshot-store', 'this node has no snapshot store', 'not-applied'));
    return this.userRestore.run(info, source, options);
  }

  /** Hands leadership to `target` (or the most up-to-date voter); resolves once it leads. */
  transferLeadership(target?: ServerId, options: WaitOptions = {}): Promise<void> {
    this.ensureRunning();
    if (this.userRestore?.holdsProposals) return Promise.reject(new RestoreInProgressError('leadership transfer'));
    const refused = this.core.transferLeadership(target, this.clock.now());
    if (refused === 'not-leader') return Promise.reject(this.notLeader());
    if (refused !== undefined) return Promise.reject(new LeadershipTransferError(refused));
    const { promise, waiter } = createWaiter<void>(
      this.clock,
      'leadership transfer',
      this.cfg.electionTimeoutMs * 2,
      options,
      'unknown',
      () => {
        this.transferWaiters = this.transferWaiters.filter((w) => w !== waiter);
      },
    );
    this.transferWaiters.push(waiter);
    this.scheduleFlush();
    return promise;
  }

  leader(): { id: ServerId; address: ServerAddress | undefined } | undefined {
    const id = this.soft.leaderId;
    return id === undefined ? undefined : { id, address: this.addresses.get(id) };
  }

  state(): RaftState {
    return this.stopped ? 'shutdown' : this.soft.role;
  }

  configuration(): Configuration {
    return this.core.configuration();
  }

  stats(): RaftStats {
    const log = this.core.log;
    return {
      id: this.cfg.localId,
      state: this.state(),
      term: this.core.currentTerm(),
      leaderId: this.soft.leaderId,
      firstLogIndex: log.firstIndex(),
      lastLogIndex: log.lastIndex(),
      lastLogTerm: log.lastTerm(),
      persistedIndex: log.persistedIndex(),
      commitIndex: this.core.commitIndex(),
      appliedIndex: this.appliedIndex,
      configurationIndex: this.core.configurationIndex(),
      voters: this.core.configuration().servers.filter((s) => s.suffrage === 'voter').length,
      pendingApplies: this.pendingApplies.size,
      pendingReads: this.pendingReads.size,
      snapshotIndex: this.snapshots?.lastSnapshotIndex ?? 0,
      snapshotsSending: this.snapshots?.sending ?? 0,
    };
  }

  /** Leader only: how far each follower's log is known to match ours, and how it is being brought up (etcd's Progress). */
  replication(): { id: ServerId; match: number; next: number; state: 'probe' | 'replicate' | 'snapshot' }[] {
    if (this.soft.role !== 'leader') return [];
    return [...this.core.peerProgress()].map(([id, p]) => ({ id, match: p.match, next: p.next, state: p.state }));
  }

  /** Test and tooling access to this node's current log (including entries not yet durable). */
  logEntry(index: number): LogEntry | undefined {
    return this.core.log.entry(index);
  }

  on<K extends RaftEventName>(event: K, listener: RaftListener<K>): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Stops at once: no more input is taken, every waiting caller is rejected (applies with an
   * unknown outcome), timers stop. Resolves when the work in flight has finished (the log write,
   * the FSM batch, a snapshot being written or received), so the owner may then close the stores
   * and the FSM.
   */
  shutdown(): Promise<void> {
    if (this.stopped) return this.stoppedWork;
    this.stopped = true;
    this.timer?.cancel();
    this.transport.setHandler(() => {});
    const applierIdle = this.applier.stop();
    const snapshotsIdle = this.snapshots?.stop();
    const restoreIdle = this.userRestore?.idle();
    this.pendingApplies.stop();
    const storageIdle = this.storage.whenIdle();
    this.stoppedWork = Promise.all([applierIdle, snapshotsIdle, storageIdle, restoreIdle]).then(() => undefined);
    this.storage.stop();
    this.failEverything(new ShutdownError('unknown'));
    this.emitter.emit('role-changed', { role: 'shutdown', term: this.core.currentTerm() });
    this.logger.info('raft shut down', { id: this.cfg.localId });
    return this.stoppedWork;
  }

  // ---- internals ---------------------------------------------------------------------------

  /** `pastRestoreHold`: the restore's own entries go through while it holds everyone else's. */
  private propose(type: LogType, data: Uint8Array, options: WaitOptions, pastRestoreHold = false): Promise<R | undefined> {
    if (this.stopped) return Promise.reject(new ShutdownError());
    if (!pastRestoreHold && this.userRestore?.holdsProposals) {
      return Promise.reject(new RestoreInProgressError(type === LogType.Command ? 'apply' : 'barrier'));
    }
    if (data.byteLength > this.cfg.maxEntryBytes) return Promise.reject(new EntryTooLargeError(data.byteLength, this.cfg.maxEntryBytes));
    if (this.pendingApplies.size >= this.cfg.maxPendingApplies) return Promise.reject(new OverloadedError(this.pendingApplies.size));
    if (options.signal?.aborted) return Promise.reject(new RaftError('aborted', 'aborted by the caller', 'not-applied'));
    const index = this.core.propose(type, [data]);
    if (index === 'not-leader') return Promise.reject(this.notLeader());
    if (index === 'transferring')
      return Promise.reject(new LeadershipTransferError('a leadership transfer is in progress; retry on the new leader'));
    return this.track(index, options, type === LogType.Command ? 'apply' : 'barrier');
  }

  private track(index: number, options: WaitOptions, what: string): Promise<R | undefined> {
    const promise = this.pendingApplies.track(index, this.core.currentTerm(), options, what);
    this.scheduleFlush();
    return promise;
  }

  private async changeMembership(change: MembershipChange, options: WaitOptions & { prevIndex?: number }): Promise<void> {
    this.ensureRunning();
    if (this.userRestore?.holdsProposals) throw new RestoreInProgressError('membership change');
    const index = this.core.proposeMembership(change, options.prevIndex, this.clock.now());
    if (index === 'not-leader') throw this.notLeader();
    if (typeof index === 'string') throw new ConfigurationChangeError(index);
    await this.track(index, options, 'membership change');
  }

  private read(waitForApply: boolean, options: WaitOptions): Promise<number> {
    if (this.stopped) return Promise.reject(new ShutdownError());
    if (this.soft.role !== 'leader') return Promise.reject(this.notLeader());
    if (this.pendingReads.size >= this.cfg.maxPendingApplies) return Promise.reject(new OverloadedError(this.pendingReads.size));
    const requestId = ++this.readSeq;
    const { promise, waiter } = createWaiter<number>(this.clock, 'read index', this.cfg.applyTimeoutMs, options, 'not-applied', () => {
      this.pendingReads.forget(requestId);
    });
    this.pendingReads.add(requestId, waitForApply, waiter);
    this.core.requestRead(requestId);
    this.scheduleFlush();
    return promise;
  }

  private onMessage(m: RaftMessage, fromAddress: ServerAddress): void {
    if (this.stopped) return;
    this.addresses.learn(m.from, fromAddress);
    try {
      this.core.step(m, this.clock.now());
    } catch (error) {
      this.fatal('processing a message failed', error);
      return;
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.stopped) return;
    this.flushScheduled = true;
    this.schedule(() => this.flush());
  }

  /** One turn of the loop: tick, then drain everything the core has produced. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.stopped) return;
    try {
      this.core.tick(this.clock.now());
      for (let rounds = 0; this.core.hasReady() && rounds < 16; rounds++) this.dispatch(this.core.takeReady());
      if (this.core.hasReady()) this.scheduleFlush();
      this.armTimer();
    } catch (error) {
      this.fatal('raft loop failed', error);
    }
  }

  private dispatch(ready: Ready): void {
    if (ready.softState) this.onSoftState(ready.softState);
    for (const e of ready.events) this.onCoreEvent(e);
    if (ready.hardState || ready.log || ready.messagesAfterPersist.length > 0) {
      this.storage.enqueue({ hardState: ready.hardState, log: ready.log, after: ready.messagesAfterPersist });
    }
    this.sendAll(ready.messages);
    if (ready.committed.length > 0) {
      this.applier.enqueue(ready.committed);
      // One event per batch, and only while a caller waits here (the leader): metrics, not per entry.
      const proposedAt = this.pendingApplies.proposedAt(ready.committed[0]!.index);
      if (proposedAt !== undefined)
        this.emitter.emit('committed', { index: ready.committed.at(-1)!.index, latencyMs: this.clock.now() - proposedAt });
    }
    this.pendingReads.confirmed(ready.readStates, this.appliedIndex);
    this.pendingReads.failed(ready.readFailures, (reason) =>
      reason === 'not-leader' ? this.notLeader() : new LeadershipLostError('not-applied'),
    );
  }

  private sendAll(messages: readonly RaftMessage[]): void {
    for (const m of messages) this.sendOne(m);
  }

  private sendOne(m: RaftMessage, written?: () => void): void {
    const address = this.addresses.get(m.to);
    if (address === undefined) {
      this.logger.warn('no address for peer; message dropped', { peer: m.to, type: m.type });
      written?.();
      return;
    }
    this.transport.send(address, m, written);
  }

  private onPersisted(done: PersistDone): void {
    if (this.stopped) return;
    if (done.lastEntry) this.core.persisted(done.lastEntry.index, done.lastEntry.term);
    this.sendAll(done.after);
    this.scheduleFlush();
  }

  private onApplied(entries: readonly LogEntry[], results: readonly (R | undefined)[]): void {
    if (this.stopped) return;
    this.pendingApplies.applied(entries, results);
    this.appliedPoint.applied(entries);
    this.appliedIndex = entries.at(-1)!.index;
    this.core.appliedTo(this.appliedIndex);
    this.pendingReads.applied(this.appliedIndex);
    this.snapshots?.applied(this.appliedIndex);
    this.scheduleFlush();
  }

  /** The FSM was replaced by a received snapshot's state. */
  private onRestored(point: AppliedPoint, size: number, durationMs: number): void {
    if (this.stopped) return;
    this.emitter.emit('snapshot-installed', { index: point.index, term: point.term, size, durationMs });
    this.appliedIndex = Math.max(this.appliedIndex, point.index);
    this.core.appliedTo(this.appliedIndex);
    this.pendingReads.applied(this.appliedIndex);
    this.scheduleFlush();
  }

  private createUserRestore(options: RaftOptions<R>, store: SnapshotStore): UserRestore<R> {
    return new UserRestore({
      core: this.core,
      fsm: options.fsm,
      store,
      applier: this.applier,
      appliedPoint: this.appliedPoint,
      logger: this.logger,
      stopped: () => this.stopped,
      notLeader: () => this.notLeader(),
      proposeAndWait: (type, waitOptions) => this.propose(type, new Uint8Array(0), waitOptions, true).then(() => undefined),
      installed: (index) => {
        this.snapshots?.userRestored(index);
        this.scheduleFlush();
      },
      restored: (point) => {
        if (this.stopped) return;
        this.appliedIndex = Math.max(this.appliedIndex, point.index);
        this.core.appliedTo(this.appliedIndex);
        this.pendingReads.applied(this.appliedIndex);
        this.scheduleFlush();
        this.emitter.emit('user-restored', { index: point.index, term: point.term });
      },
      fatal: (what, error) => this.fatal(what, error),
    });
  }

  private onSoftState(next: SoftState): void {
    const prev = this.soft;
    this.soft = next;
    if (prev.role !== next.role) {
      this.logger.info('role changed', { id: this.cfg.localId, role: next.role, term: next.term });
      this.emitter.emit('role-changed', { role: next.role, term: next.term });
      if (prev.role === 'leader') {
        this.snapshots?.leadershipLost();
        // Entries still uncommitted may yet commit under the next leader: outcome unknown.
        this.pendingApplies.failAll(new LeadershipLostError('unknown'));
      }
    }
    if (prev.leaderId !== next.leaderId) {
      this.emitter.emit('leader-changed', {
        leaderId: next.leaderId,
        leaderAddress: next.leaderId ? this.addresses.get(next.leaderId) : undefined,
        term: next.term,
      });
      // Another node leads now: a transfer asked for here is done. Usually with a leaderless
      // moment in between (stepped down on the target's vote request, then its first append),
      // so not only on a direct change from this node to another.
      if (next.leaderId !== undefined && next.leaderId !== this.cfg.localId) {
        for (const w of this.transferWaiters) w.settle();
        this.transferWaiters = [];
      }
    }
  }

  private onCoreEvent(e: CoreEvent): void {
    if (this.snapshots?.onEvent(e)) return;
    switch (e.kind) {
      case 'heartbeat-failed':
        this.logger.warn('heartbeat failing', { peer: e.peer, lastContactMs: e.lastContactMs });
        this.emitter.emit('heartbeat-failed', { peer: e.peer, lastContactMs: e.lastContactMs });
        break;
      case 'heartbeat-resumed':
        this.emitter.emit('heartbeat-resumed', { peer: e.peer });
        break;
      case 'configuration':
        this.onConfiguration(e.configuration);
        break;
      case 'transfer-finished':
        if (!e.ok) {
          for (const w of this.transferWaiters) w.fail(new LeadershipTransferError(e.reason ?? 'leadership transfer failed'));
          this.transferWaiters = [];
        }
        break;
    }
  }

  private onConfiguration(configuration: Configuration): void {
    const { added, removed } = this.addresses.adopt(configuration);
    for (const server of added) if (server.id !== this.cfg.localId) this.emitter.emit('peer-added', { server });
    for (const id of removed) {
      if (id === this.cfg.localId) continue;
      this.snapshots?.peerRemoved(id);
      this.emitter.emit('peer-removed', { id });
    }
  }

  private armTimer(): void {
    if (this.stopped) return;
    const at = this.core.nextDeadline();
    if (at === this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    if (at === Infinity) return;
    this.timer = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.timerAt = Infinity;
      this.scheduleFlush();
    });
  }

  private notLeader(): NotLeaderError {
    const leaderId = this.soft.leaderId === this.cfg.localId ? undefined : this.soft.leaderId;
    return new NotLeaderError(leaderId, leaderId ? this.addresses.get(leaderId) : undefined);
  }

  private ensureRunning(): void {
    if (this.stopped) throw new ShutdownError();
  }

  private failEverything(error: RaftError): void {
    this.pendingApplies.failAll(error);
    this.pendingReads.failAll(error);
    for (const w of this.transferWaiters) w.fail(error);
    this.transferWaiters = [];
  }

  private fatal(what: string, error: unknown): void {
    if (this.stopped) return;
    this.logger.error('raft stopped on a fatal error', { id: this.cfg.localId, what, error: String(error) });
    this.emitter.emit('fatal', { error });
    void this.shutdown();
  }
}
