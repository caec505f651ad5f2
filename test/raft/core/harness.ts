import type { BugSwitches } from '../../../src/raft/bugs';
import type { Config } from '../../../src/raft/config';
import { defaultConfig } from '../../../src/raft/config';
import type { ServerId } from '../../../src/raft/configuration';
import { decodeConfiguration } from '../../../src/raft/configuration';
import { ConfigurationHistory } from '../../../src/raft/core/membership';
import { RaftCore } from '../../../src/raft/core/raft-core';
import type { LogWrite } from '../../../src/raft/core/raft-log';
import type { CoreEvent, HardState, ReadFailure, ReadState, SoftState } from '../../../src/raft/core/ready';
import { seededRandom } from '../../../src/raft/environment';
import type { LogEntry } from '../../../src/raft/log';
import { LogType } from '../../../src/raft/log';
import type { RaftMessage, RaftMessageType } from '../../../src/raft/messages';
import { ArrayLog, votersConfig } from './array-log';

/**
 * A synchronous, hand-driven cluster of RaftCores: no runtime, no timers, no promises. The test
 * owns the clock (`now`), the network (a FIFO of messages it may deliver, drop or filter) and
 * durability (a Ready's log is "written" when the test persists it; `messagesAfterPersist`
 * enter the network only then). By default writes persist at once, which is what a fast disk
 * looks like; `autoPersist: false` holds them until `persist(id)`.
 */

export interface NodeOptions {
  /** The durable log the node starts with. */
  readonly log?: readonly LogEntry[];
  readonly hardState?: HardState;
  readonly appliedIndex?: number;
  readonly bugs?: BugSwitches;
  readonly config?: Partial<Config>;
  readonly autoPersist?: boolean;
}

interface PendingWrite {
  readonly hardState: HardState | undefined;
  readonly log: LogWrite | undefined;
  readonly after: RaftMessage[];
}

export class CoreNode {
  readonly store: ArrayLog;
  readonly core: RaftCore;
  autoPersist: boolean;
  durableHardState: HardState;
  readonly pending: PendingWrite[] = [];
  readonly applied: LogEntry[] = [];
  readonly readStates: ReadState[] = [];
  readonly readFailures: ReadFailure[] = [];
  readonly events: CoreEvent[] = [];
  readonly softStates: SoftState[] = [];

  constructor(
    readonly id: ServerId,
    options: NodeOptions,
    now: number,
    seed: number,
  ) {
    this.store = new ArrayLog(options.log ?? []);
    this.autoPersist = options.autoPersist ?? true;
    this.durableHardState = options.hardState ?? { term: 0, votedFor: undefined };
    // A restarted node finds its configurations in its log, as the runtime's loader does.
    const configurations = new ConfigurationHistory(
      this.store
        .all()
        .filter((e) => e.type === LogType.Configuration)
        .map((e) => ({ index: e.index, configuration: decodeConfiguration(e.data) })),
    );
    this.core = new RaftCore({
      config: { ...defaultConfig(id), ...options.config, localId: id },
      log: this.store,
      hardState: this.durableHardState,
      configurations,
      appliedIndex: options.appliedIndex ?? 0,
      random: seededRandom(seed),
      now,
      bugs: options.bugs ?? {},
    });
  }

  role(): SoftState['role'] {
    return this.core.softState().role;
  }

  term(): number {
    return this.core.currentTerm();
  }

  lastEntry(): LogEntry | undefined {
    return this.core.log.entry(this.core.log.lastIndex());
  }
}

export class Harness {
  now = 0;
  readonly nodes = new Map<ServerId, CoreNode>();
  /** Messages sent and not yet delivered or dropped, oldest first. */
  network: RaftMessage[] = [];
  /** Every message ever sent, delivered or not, in order. */
  readonly sent: RaftMessage[] = [];
  /** Every message delivered so far, in order (tests count them). */
  readonly delivered: RaftMessage[] = [];
  /** Nodes cut off: messages from or to them are dropped at delivery. */
  readonly isolated = new Set<ServerId>();
  private seed: number;

  constructor(seed = 1) {
    this.seed = seed;
  }

  add(id: ServerId, options: NodeOptions = {}): CoreNode {
    const node = new CoreNode(id, options, this.now, this.seed++);
    this.nodes.set(id, node);
    this.flush(id);
    return node;
  }

  node(id: ServerId): CoreNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  core(id: ServerId): RaftCore {
    return this.node(id).core;
  }

  /**
   * Drains every Ready of `id`; writes persist at once unless the node holds them. Like the
   * runtime, it takes a Ready only when `hasReady()` says so, unless `force` (one Ready anyway).
   */
  flush(id: ServerId, force = false): void {
    const n = this.node(id);
    for (let guard = 0; ; guard++) {
      if (guard > 10_000) throw new Error(`${id}: Ready loop does not settle`);
      if (n.core.hasReady() || (force && guard === 0)) {
        const r = n.core.takeReady();
        if (r.softState) n.softStates.push(r.softState);
        n.events.push(...r.events);
        n.applied.push(...r.committed);
        // The FSM here is instantaneous: report it applied, as the runtime's applier does.
        const lastCommitted = r.committed.at(-1);
        if (lastCommitted) n.core.appliedTo(lastCommitted.index);
        n.readStates.push(...r.readStates);
        n.readFailures.push(...r.readFailures);
        // The leader's replication may leave before its own write is durable.
        this.send(r.messages);
        if (r.hardState || r.log || r.messagesAfterPersist.length > 0) {
          n.pending.push({ hardState: r.hardState, log: r.log, after: r.messagesAfterPersist });
        }
        continue;
      }
      if (n.autoPersist && n.pending.length > 0) {
        this.persistOne(n);
        continue;
      }
      return;
    }
  }

  /** Makes up to `count` held writes of `id` durable, in order, then drains its Ready. */
  persist(id: ServerId, count = Infinity): void {
    const n = this.node(id);
    for (let i = 0; i < count && n.pending.length > 0; i++) this.persistOne(n);
    this.flush(id);
  }

  private persistOne(n: CoreNode): void {
    const w = n.pending.shift()!;
    if (w.hardState) n.durableHardState = w.hardState;
    if (w.log) {
      n.store.apply(w.log);
      const last = w.log.entries.at(-1);
      if (last) n.core.persisted(last.index, last.term);
    }
    this.send(w.after);
  }

  private send(messages: readonly RaftMessage[]): void {
    this.sent.push(...messages);
    this.network.push(...messages);
  }

  /** Steps one message into its receiver (unless isolated or unknown) and drains its Ready. */
  private handle(m: RaftMessage): boolean {
    const to = this.nodes.get(m.to);
    if (!to || this.isolated.has(m.to) || this.isolated.has(m.from)) return false;
    this.delivered.push(m);
    to.core.step(m, this.now);
    this.flush(m.to);
    return true;
  }

  /**
   * Delivers matching messages, oldest first, including those their delivery causes, until
   * none match; messages that do not match stay in the network. Returns how many were delivered.
   */
  deliver(filter: (m: RaftMessage) => boolean = () => true, max = 100_000): number {
    let count = 0;
    for (;;) {
      const at = this.network.findIndex(filter);
      if (at < 0) return count;
      const [m] = this.network.splice(at, 1);
      if (this.handle(m!)) count++;
      if (count > max) throw new Error('deliver: too many messages (livelock?)');
    }
  }

  /** Removes matching messages from the network unseen. Returns them. */
  drop(filter: (m: RaftMessage) => boolean): RaftMessage[] {
    const dropped = this.network.filter(filter);
    this.network = this.network.filter((m) => !filter(m));
    return dropped;
  }

  tickAll(): void {
    for (const id of this.nodes.keys()) {
      this.core(id).tick(this.now);
      this.flush(id);
    }
  }

  /** Moves time forward in steps, ticking every node and delivering everything at each step. */
  advance(ms: number, stepMs = 10): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + stepMs);
      this.tickAll();
      this.deliver();
    }
  }

  /** Advances until `done()` holds; false when `maxMs` passed first. */
  runUntil(done: () => boolean, maxMs: number, stepMs = 10): boolean {
    const end = this.now + maxMs;
    while (!done()) {
      if (this.now >= end) return false;
      this.advance(stepMs, stepMs);
    }
    return true;
  }

  /**
   * Makes `id` campaign now: time jumps to its election deadline and only it is ticked, so no
   * other node competes; then every message is delivered.
   */
  campaign(id: ServerId): void {
    const core = this.core(id);
    const deadline = core.nextDeadline();
    if (!Number.isFinite(deadline)) throw new Error(`${id} has no election deadline (not a voter?)`);
    this.now = Math.max(this.now, deadline);
    core.tick(this.now);
    this.flush(id);
    this.deliver();
  }

  /** Creates `ids`, each bootstrapping the same configuration of all of them as voters. */
  static bootstrapped(ids: readonly ServerId[], options: NodeOptions = {}, seed = 1): Harness {
    const h = new Harness(seed);
    const configuration = votersConfig(ids);
    for (const id of ids) {
      const n = h.add(id, options);
      const refused = n.core.bootstrap(configuration, h.now);
      if (refused !== undefined) throw new Error(refused);
      h.flush(id);
    }
    return h;
  }

  /** Runs until exactly one leader exists and every node follows it; returns it. */
  stableLeader(maxMs = 10_000): CoreNode {
    const settled = (): boolean => {
      const [leader, ...more] = this.leaders();
      if (!leader || more.length > 0) return false;
      return [...this.nodes.values()].every(
        (n) => this.isolated.has(n.id) || (n.core.softState().leaderId === leader.id && n.term() === leader.term()),
      );
    };
    if (!this.runUntil(settled, maxMs)) throw new Error('no stable leader');
    return this.leaders()[0]!;
  }

  leaders(): CoreNode[] {
    return [...this.nodes.values()].filter((n) => n.role() === 'leader');
  }

  count(type: RaftMessageType, filter: (m: RaftMessage) => boolean = () => true): number {
    return this.delivered.filter((m) => m.type === type && filter(m)).length;
  }
}
