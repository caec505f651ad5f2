/**
 * The leader's care of the blocks on DataServers: it hears every heartbeat, answers with commands
 * (DELETE_BLOCK, COPY_BLOCK), and every tick looks for dead servers, under- and over-replicated
 * blocks and abandoned writes. Every decision is proposed through the Raft log (an `upkeep`
 * command) before anyone acts on it, so a failover loses no deletion and no repair; what lives
 * only here (liveness, block reports, when a command was last sent) a new leader rebuilds from
 * the next round of heartbeats.
 *
 * A new leader is in safe mode until every registered DataServer has been heard from (or a grace
 * period passed): it confirms and resends what the log already holds, but plans no new deletion
 * or repair from a view that is still incomplete.
 */
import type { Clock, Logger, Raft } from '../raft';
import { encodeCommand } from '../meta/commands';
import type { NamespaceReader } from '../meta/namespace-reader';
import { NamespaceUnavailableError } from '../meta/namespace-state';
import type { MetaResult } from '../meta/results';
import type { Command } from '../generated/dfs_project/Command';
import { DataServerTracker, type DataServerReport } from './dataserver-tracker';
import type { PlacementCandidate } from './placement';
import { mergeWithHeld, reconcileHeartbeat } from './report-reconciler';
import { planRepairs } from './repair-planner';
import { NO_PASS_YET, ReplicationTally, type ReplicationCount } from './replication-tally';
import { UpkeepBatch } from './upkeep-batch';
import type { UpkeepSettings } from './upkeep-settings';

/** How often a heartbeat in safe mode re-checks whether every registered server has been heard from. */
const SAFE_MODE_RECHECK_MS = 100;

export interface BlockUpkeepDeps {
  readonly raft: Raft<MetaResult>;
  readonly reader: NamespaceReader;
  /** Resolves when what Raft handed to the FSM is readable (pipelined applies). */
  readonly settled: () => Promise<void>;
  readonly clock: Clock;
  readonly wallClockMs: () => number;
  readonly logger: Logger;
  readonly settings: UpkeepSettings;
}

export interface UpkeepStatus {
  readonly ready: boolean;
  readonly safeMode: boolean;
  readonly suspects: number;
  readonly lostBlocks: number;
  readonly proposals: number;
  /** Under-replicated blocks as the last complete full check counted them (replication-tally.ts). */
  readonly lastFullCheck: ReplicationCount;
}

export class BlockUpkeep {
  readonly tracker: DataServerTracker;
  private readonly batch = new UpkeepBatch();
  private suspects = new Set<number>();
  private lost = new Set<number>();
  private sentAt = new Map<string, number>();
  /** Dead servers whose blocks were already made suspects (again when they come back and die again). */
  private deadHandled = new Set<string>();
  /** Servers to compare whole at their next heartbeat (their report arrived in safe mode). */
  private compareAgain = new Set<string>();
  /** Blocks placed on each server since its last heartbeat (its free space does not show them yet). */
  private placedSinceHeartbeat = new Map<string, number>();
  private ready = false;
  private leadership = 0;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private proposals = 0;
  private lastFullCheck = 0;
  private fullCheckQueue: string[] = [];
  /** The counts of the full check under way; published to lastFullCheckCount when it completes. */
  private fullCheckTally: ReplicationTally | undefined;
  private lastFullCheckCount = NO_PASS_YET;
  private safeModeOver = false;
  private safeModeCheckedAt = Number.NEGATIVE_INFINITY;
  private readonly listeners = new Set<() => void>();
  /** Resolved when the items now in the batch have been proposed (or given up). */
  private waiters: (() => void)[] = [];
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: BlockUpkeepDeps) {
    this.tracker = new DataServerTracker({
      clock: deps.clock,
      wallClockMs: deps.wallClockMs,
      staleAfterMs: deps.settings.staleAfterMs,
      deadAfterMs: deps.settings.deadAfterMs,
    });
    const offRole = deps.raft.on('role-changed', ({ role }) => this.onRole(role === 'leader'));
    // An operator's snapshot replaced the block maps this view was built against: start over as a
    // new leader does, in safe mode until every registered DataServer has reported again.
    const offRestore = deps.raft.on('user-restored', () => this.onRole(deps.raft.state() === 'leader'));
    this.unsubscribe = () => {
      offRole();
      offRestore();
    };
    if (deps.raft.state() === 'leader') this.onRole(true);
  }

  /** Starts the periodic tick (the composition root does; unit tests call tick() themselves). */
  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.deps.settings.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    this.ready = false;
    while (this.flushing !== undefined) await this.flushing;
  }

  /** Resolves once everything decided so far has been proposed and applied (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.flushing !== undefined) await this.flushing;
      else if (this.batch.size > 0 && this.deps.raft.state() === 'leader') this.scheduleFlush();
      else return;
    }
  }

  /** Called after each upkeep command is applied (tests wait on it instead of sleeping). */
  onProposal(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): UpkeepStatus {
    return {
      ready: this.ready,
      safeMode: this.safeMode(),
      suspects: this.suspects.size,
      lostBlocks: this.lost.size,
      proposals: this.proposals,
      lastFullCheck: this.lastFullCheckCount,
    };
  }

  /**
   * A heartbeat on the leader: records it and returns the commands for the reply, and, when the
   * DataServer is new or moved, a promise of its registration in the log (the reply waits for it,
   * so a DataServer that got its first answer can be placed on).
   */
  heartbeat(report: DataServerReport): { commands: Command[]; registered?: Promise<void> } {
    const change = this.tracker.heartbeat(report);
    this.placedSinceHeartbeat.delete(report.id);
    const { reader } = this.deps;
    let registered: Promise<void> | undefined;
    if (reader.addressOf(report.id) !== report.address) {
      this.batch.add('register', [report.id, report.address]);
      registered = new Promise((resolve) => this.waiters.push(resolve));
    }
    let commands: Command[] = [];
    // A report that arrives before this leadership is ready (its barrier) is not reconciled: the
    // server's next heartbeat is then compared whole, or its difference would hide what this one had.
    if (!this.ready) this.compareAgain.add(report.id);
    else {
      const safe = this.safeMode();
      const first = change.first || (!safe && this.compareAgain.delete(report.id));
      if (safe && change.added.length > 0) this.compareAgain.add(report.id);
      commands = reconcileHeartbeat(
        {
          reader,
          tracker: this.tracker,
          batch: this.batch,
          settings: this.deps.settings,
          suspects: this.suspects,
          now: this.deps.clock.now(),
          sentAt: this.sentAt,
          safe,
        },
        report,
        first && !change.first ? { first: true, added: [...report.blocks], removed: [] } : change,
      );
    }
    this.scheduleFlush();
    return registered === undefined ? { commands } : { commands, registered };
  }

  /**
   * Live DataServers registered at the address they heartbeat from, and not leaving (deregistered
   * from etcd): where new blocks may go.
   */
  placementCandidates(): PlacementCandidate[] {
    const { reader } = this.deps;
    return this.tracker
      .placeable()
      .filter((s) => reader.addressOf(s.id) === s.address)
      .map((s) => ({ id: s.id, freeBytes: s.freeBytes, load: this.placedSinceHeartbeat.get(s.id) ?? 0 }));
  }

  /** Counts new blocks against their servers until those servers heartbeat again. */
  notePlaced(placements: readonly (readonly string[])[]): void {
    for (const ids of placements) for (const id of ids) this.placedSinceHeartbeat.set(id, (this.placedSinceHeartbeat.get(id) ?? 0) + 1);
  }

  /**
   * One round of planning; proposes what it decided. Never throws: it runs from a timer, where a
   * throw would end the process, and with it the leader's service to every client.
   */
  tick(): void {
    try {
      this.plan();
    } catch (error: unknown) {
      // A restore is swapping the namespace's data file in (a moment): the next round plans
      // from the new state. Seen in CI: a leader's tick landed in its own user restore's swap.
      if (error instanceof NamespaceUnavailableError) return;
      this.deps.logger.error('upkeep: a planning round failed; the next one tries again', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }

  private plan(): void {
    if (!this.ready) return;
    const { reader, settings } = this.deps;
    const now = this.deps.clock.now();
    const wallMs = this.deps.wallClockMs();
    const registry = reader.registry();
    const safe = this.safeMode(registry);
    const load = new Map<string, number>();
    const bump = (id: string): void => void load.set(id, (load.get(id) ?? 0) + 1);
    const repairs = reader.repairsByTarget();
    for (const id of registry.keys()) {
      const liveness = this.tracker.liveness(id);
      for (const repair of repairs.get(id) ?? []) {
        const stuck = liveness === 'dead' || this.tracker.liveness(repair.source) === 'dead' || wallMs - repair.at > settings.repairTimeoutMs;
        if (stuck && !safe) {
          this.batch.add('repairCancel', [repair.blockId, id]);
          this.suspects.add(repair.blockId);
        } else {
          bump(id);
          bump(repair.source);
        }
      }
      if (liveness !== 'dead') {
        this.deadHandled.delete(id);
      } else if (!safe) {
        if (!this.deadHandled.has(id)) {
          this.deadHandled.add(id);
          for (const blockId of reader.blocksHeldBy(id)) this.suspects.add(blockId);
          this.deps.logger.warn('DataServer dead', { id, silentMs: now - (this.tracker.get(id)?.lastHeartbeatMs ?? this.tracker.since) });
        }
        // A dead server never confirms deletions (including those of the replicas taken off it
        // after their repair); if it comes back, its block report shows what to delete again.
        for (const blockId of reader.gcOf(id, settings.maxDeletesPerHeartbeat)) this.batch.add('gcDone', [blockId, id]);
      }
    }
    for (const [, source, target] of this.batch.pendingRepairs()) {
      bump(source);
      bump(target);
    }
    if (!safe) this.fullCheckSlice(registry, now);
    if (!safe && this.suspects.size > 0) {
      const taken: number[] = [];
      for (const blockId of this.suspects) {
        taken.push(blockId);
        if (taken.length >= settings.checksPerTick) break;
      }
      for (const blockId of taken) this.suspects.delete(blockId);
      const outcome = planRepairs({ reader, tracker: this.tracker, batch: this.batch, settings, load }, taken);
      for (const blockId of outcome.retry) this.suspects.add(blockId);
      for (const blockId of outcome.lost) {
        if (!this.lost.has(blockId)) this.deps.logger.error('block has no good replica', { blockId });
        this.lost.add(blockId);
      }
    }
    let abandoned = 0;
    for (const [inode, since] of reader.writing()) {
      if (abandoned >= 1_000) break;
      if (wallMs - since > settings.abandonAfterMs) {
        this.batch.add('abandon', [inode, since]);
        abandoned++;
      }
    }
    this.scheduleFlush();
  }

  /**
   * The FSCK, a few servers per tick (at most checksPerTick block-map entries read), so that
   * 1,000 servers of 10,000 blocks each never block the event loop for seconds in one go: every
   * live server's latest report against the block map, and whatever the map still places on dead
   * servers (a repair finished, its dead holder not yet dropped). On the way it counts the
   * under-replicated blocks (only dead servers' blocks can be: replication-tally.ts), published
   * once the last slice is done, so a scrape reads the last whole pass, never a part of one.
   */
  private fullCheckSlice(registry: Map<string, string>, now: number): void {
    if (this.fullCheckQueue.length === 0) {
      if (now - this.lastFullCheck < this.deps.settings.fullCheckMs) return;
      this.lastFullCheck = now;
      this.fullCheckQueue = [...registry.keys()];
    }
    const { reader } = this.deps;
    const tally = (this.fullCheckTally ??= new ReplicationTally(reader, this.tracker));
    let budget = this.deps.settings.checksPerTick;
    while (budget > 0 && this.fullCheckQueue.length > 0) {
      const id = this.fullCheckQueue.pop()!;
      const liveness = this.tracker.liveness(id);
      const latest = this.tracker.get(id);
      if (liveness === 'dead') {
        for (const blockId of reader.blocksHeldBy(id)) {
          this.suspects.add(blockId);
          tally.deadHolderBlock(blockId);
          budget--;
        }
        tally.deadServerDone(id);
      } else if (liveness === 'live' && latest !== undefined) {
        budget -= latest.blocks.length;
        mergeWithHeld(reader.blocksHeldBy(id), latest.blocks, (blockId) => this.suspects.add(blockId), () => {});
      }
    }
    if (this.fullCheckQueue.length === 0) {
      this.lastFullCheckCount = tally.result(this.deps.wallClockMs());
      this.fullCheckTally = undefined;
    }
  }

  /**
   * Safe mode ends for good (in this leadership) once the grace period passed or every registered
   * server was heard from; until then heartbeats re-check the registry at most every
   * SAFE_MODE_RECHECK_MS (a heartbeat must not scan 1,000 registrations each time).
   */
  private safeMode(registry?: Map<string, string>): boolean {
    if (this.safeModeOver) return false;
    const now = this.deps.clock.now();
    if (now - this.tracker.since >= this.deps.settings.safeModeGraceMs) {
      this.safeModeOver = true;
      return false;
    }
    if (registry === undefined && now - this.safeModeCheckedAt < SAFE_MODE_RECHECK_MS) return true;
    this.safeModeCheckedAt = now;
    for (const id of (registry ?? this.deps.reader.registry()).keys()) if (!this.tracker.heard(id)) return true;
    this.safeModeOver = true;
    return false;
  }

  private onRole(leader: boolean): void {
    const term = ++this.leadership;
    this.ready = false;
    this.tracker.reset();
    this.batch.take();
    for (const resolve of this.waiters.splice(0)) resolve();
    this.suspects = new Set();
    this.lost = new Set();
    this.sentAt = new Map();
    this.deadHandled = new Set();
    this.compareAgain = new Set();
    this.placedSinceHeartbeat = new Map();
    this.lastFullCheck = this.deps.clock.now();
    this.fullCheckQueue = [];
    // Counts of another leadership's pass are no one's now: 0 until this one finishes a pass.
    this.fullCheckTally = undefined;
    this.lastFullCheckCount = NO_PASS_YET;
    this.safeModeOver = false;
    this.safeModeCheckedAt = Number.NEGATIVE_INFINITY;
    if (!leader) return;
    // Plan only from a state that includes everything committed before this leadership.
    void (async () => {
      try {
        await this.deps.raft.barrier();
        await this.deps.settled();
        if (term === this.leadership) this.ready = true;
      } catch (error: unknown) {
        this.deps.logger.info('upkeep waits for the next leadership', { error: String(error) });
      }
    })();
  }

  /** Proposes what the batch holds, one command at a time; items added meanwhile go in the next. */
  private scheduleFlush(): void {
    if (this.batch.size === 0) return;
    if (this.flushing !== undefined) {
      this.flushAgain = true;
      return;
    }
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
        if (this.flushAgain) {
          this.flushAgain = false;
          this.scheduleFlush();
        }
      });
  }

  private async flush(): Promise<void> {
    const lists = this.batch.take();
    const waiters = this.waiters;
    this.waiters = [];
    try {
      if (lists === undefined || this.deps.raft.state() !== 'leader') return;
      const result = await this.deps.raft.apply(encodeCommand({ op: 'upkeep', at: this.deps.wallClockMs(), ...lists }));
      if (!result.ok) this.deps.logger.error('upkeep refused', { message: result.message });
      await this.deps.settled();
      this.proposals++;
      for (const listener of this.listeners) listener();
    } catch (error: unknown) {
      // Not leader any more or shutting down: the next leader decides again from its own view.
      this.deps.logger.info('upkeep not proposed', { error: String(error) });
    } finally {
      for (const resolve of waiters) resolve();
    }
  }
}
