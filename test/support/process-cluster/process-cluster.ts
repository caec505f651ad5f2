/**
 * A Raft cluster of real processes for system tests: N kv-node processes on loopback TCP, each
 * with its own LMDB dir under one temp dir. The parent tracks what every node reports (role,
 * term, leader announcements) and lets a test kill and restart nodes (same dir, same port).
 *
 * Waiting is event-driven (`leader()`, `changedSince()` resolve on the nodes' messages) except
 * `waitUntil`, which polls the nodes' stats over IPC; everything is bounded by a timeout.
 * A node that reports `failed` or exits without being killed fails the cluster: every wait
 * rejects with that error. `close()` kills what is left and removes the temp dir.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RaftState, RaftStats, Server } from '../../../src/raft';
import { NodeProcess, type ExitInfo } from './node-process';
import type { ChildMessage, KvNodeOptions, NodeDigest, NodeOp, NodeRequest, NodeResults, SnapshotEvent } from './protocol';

export interface ProcessClusterOptions {
  readonly size: number;
  /** Seeds the nodes' Raft and transport randomness (each node and incarnation differently). */
  readonly seed: number;
  /** Parent of the temp dir (default: the OS temp dir). */
  readonly baseDir?: string;
  /** Bound on starting a node and on electing the first leader. Default 20 s. */
  readonly startTimeoutMs?: number;
  /** Bound on one IPC request. Default 15 s (Raft's apply timeout is 10 s). */
  readonly requestTimeoutMs?: number;
  /** How every node is built (FSM, snapshot store, Raft overrides). Default: in-memory FSM, no snapshots. */
  readonly node?: KvNodeOptions;
}

/** What the parent knows about one node, from its messages. */
interface NodeView {
  readonly id: string;
  readonly dir: string;
  process: NodeProcess;
  incarnation: number;
  port: number;
  listening: boolean;
  /** The incarnation's stats right after it opened its stores (what it restored from disk). */
  startup: RaftStats | undefined;
  /** Its latest stats: from startup, then every progress report, with role changes applied. */
  stats: RaftStats | undefined;
  role: RaftState;
  term: number;
  leaderId: string | undefined;
  /** The last term in which this node announced leadership (its first barrier committed). */
  announcedTerm: number;
  /** Set by kill() and close(): the exit is intended. */
  expectingExit: boolean;
  /** Snapshots this incarnation reported taking or installing, in order. */
  snapshots: SnapshotEvent[];
}

export class ProcessCluster {
  readonly dir: string;
  readonly ids: readonly string[];
  private readonly views = new Map<string, NodeView>();
  private readonly watchers = new Set<() => void>();
  private readonly startTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  /** Bumped on every node event; see changedSince(). */
  private version = 0;

  private constructor(private readonly options: ProcessClusterOptions) {
    this.startTimeoutMs = options.startTimeoutMs ?? 20_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.dir = mkdtempSync(join(options.baseDir ?? tmpdir(), 'raft-process-cluster-'));
    this.ids = Array.from({ length: options.size }, (_, i) => `n${i + 1}`);
  }

  /** Starts every node, bootstraps the configuration through n1, and waits for a leader. */
  static async start(options: ProcessClusterOptions): Promise<ProcessCluster> {
    const cluster = new ProcessCluster(options);
    try {
      for (const id of cluster.ids) {
        const dir = join(cluster.dir, id);
        mkdirSync(dir);
        cluster.views.set(id, { id, dir, incarnation: 0, port: 0, ...freshState(), process: cluster.spawn(id, dir, 0, 0) });
      }
      await cluster.waitFor(
        () => ([...cluster.views.values()].every((v) => v.listening) ? true : undefined),
        cluster.startTimeoutMs,
        'every node listening',
      );
      const servers: Server[] = [...cluster.views.values()].map((v) => ({ id: v.id, address: `127.0.0.1:${v.port}`, suffrage: 'voter' }));
      cluster.view(cluster.ids[0]!).process.post({ type: 'bootstrap', servers });
      await cluster.leader();
      return cluster;
    } catch (error) {
      await cluster.close();
      throw error;
    }
  }

  isAlive(id: string): boolean {
    return this.view(id).process.alive;
  }

  /** The current incarnation's process id. */
  pid(id: string): number | undefined {
    return this.view(id).process.pid;
  }

  /** The port a node listens on (kept across restarts). */
  port(id: string): number {
    return this.view(id).port;
  }

  /** The node's data dir (kept across restarts; layout in protocol.ts). Touch it only while the node is down. */
  dataDir(id: string): string {
    return this.view(id).dir;
  }

  /** Snapshots the current incarnation has reported (taken here or installed from the leader), oldest first. */
  snapshotEvents(id: string): readonly SnapshotEvent[] {
    return [...this.view(id).snapshots];
  }

  /** What the current incarnation restored from disk (its stats at startup), once it listens. */
  startupStats(id: string): RaftStats | undefined {
    return this.view(id).startup;
  }

  /** The announced leader that is still alive and still says it leads (highest term), if any. */
  currentLeader(): string | undefined {
    let best: NodeView | undefined;
    for (const v of this.views.values()) {
      if (!v.process.alive || v.role !== 'leader' || v.announcedTerm !== v.term) continue;
      if (best === undefined || v.term > best.term) best = v;
    }
    return best?.id;
  }

  /** Waits (event-driven) for an alive node that leads and has announced it. */
  leader(timeoutMs = this.startTimeoutMs): Promise<string> {
    return this.waitFor(() => this.currentLeader(), timeoutMs, 'a leader');
  }

  /** A counter of node events; pass it to changedSince() to wait for anything new. */
  eventVersion(): number {
    return this.version;
  }

  changedSince(version: number, timeoutMs: number): Promise<void> {
    return this.waitFor(() => (this.version > version ? true : undefined), timeoutMs, 'a node event').then(() => undefined);
  }

  /** Sends `signal` to a node and resolves once its process has exited. */
  async kill(id: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<ExitInfo> {
    const v = this.view(id);
    v.expectingExit = true;
    return v.process.kill(signal);
  }

  /** Starts a killed node again on its data dir and port; resolves once it listens. */
  async restart(id: string): Promise<void> {
    const v = this.view(id);
    if (v.process.alive) throw new Error(`restart(${id}): it is still running`);
    v.incarnation++;
    Object.assign(v, freshState());
    v.process = this.spawn(id, v.dir, v.port, v.incarnation);
    await this.waitFor(() => (v.listening ? true : undefined), this.startTimeoutMs, `${id} listening after restart`);
  }

  /** One IPC request to a node (see protocol.ts); rejects with NodeRequestError. */
  request<K extends NodeOp>(
    id: string,
    request: Extract<NodeRequest, { op: K }>,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<NodeResults[K]> {
    return this.view(id).process.request(request, timeoutMs);
  }

  stats(id: string): Promise<RaftStats> {
    return this.request(id, { op: 'stats' });
  }

  digest(id: string): Promise<NodeDigest> {
    return this.request(id, { op: 'digest' });
  }

  /** Takes a snapshot on the node now (raft.snapshot()); null when it has none to show. */
  snapshot(id: string): Promise<NodeResults['snapshot']> {
    return this.request(id, { op: 'snapshot' });
  }

  /** A stale read of the node's own FSM (no readIndex). */
  localGet(id: string, key: string): Promise<string | null> {
    return this.request(id, { op: 'localGet', key });
  }

  /**
   * Resolves once `predicate` holds for the live nodes' latest reported stats (each node reports
   * after every apply batch, restore and role change), re-checked on every report; rejects after
   * `timeoutMs`.
   */
  waitUntil(
    predicate: (stats: ReadonlyMap<string, RaftStats>) => boolean,
    { timeoutMs, what }: { timeoutMs: number; what: string },
  ): Promise<Map<string, RaftStats>> {
    const latest = (): Map<string, RaftStats> => {
      const stats = new Map<string, RaftStats>();
      for (const v of this.views.values()) if (v.process.alive && v.stats !== undefined) stats.set(v.id, v.stats);
      return stats;
    };
    return this.waitFor(
      () => {
        const stats = latest();
        return predicate(stats) ? stats : undefined;
      },
      timeoutMs,
      what,
    );
  }

  /** Kills every node that is left (SIGKILL) and removes the temp dir. Idempotent; never throws. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await Promise.all(
          [...this.views.values()].map((v) => {
            v.expectingExit = true;
            return v.process.kill('SIGKILL');
          }),
        );
      } finally {
        rmSync(this.dir, { recursive: true, force: true });
      }
    })();
    return this.closing;
  }

  /** One line per node: role, term, and whether it is alive. */
  describeNodes(): string {
    return [...this.views.values()]
      .map((v) => {
        const s = v.stats;
        const progress =
          s === undefined
            ? ''
            : ` commit=${s.commitIndex} applied=${s.appliedIndex} log=${s.firstLogIndex}..${s.lastLogIndex} snapshot=${s.snapshotIndex}`;
        return `${v.id}#${v.incarnation}${v.process.alive ? '' : '(dead)'} ${v.role} t${v.term} leader=${v.leaderId ?? '-'}${progress}`;
      })
      .join('; ');
  }

  /** Forks one incarnation; its messages are ignored once a newer incarnation replaced it. */
  private spawn(id: string, dir: string, port: number, incarnation: number): NodeProcess {
    const current = (): NodeView | undefined => {
      const v = this.views.get(id);
      return v?.process === child ? v : undefined;
    };
    const child: NodeProcess = new NodeProcess({
      id,
      dir,
      port,
      seed: (this.options.seed + this.ids.indexOf(id) * 7919 + incarnation * 104_729) >>> 0,
      clusterId: `process-cluster-${this.options.seed}`,
      node: this.options.node ?? {},
      onEvent: (message) => {
        const v = current();
        if (v !== undefined) this.onEvent(v, message);
      },
      onExit: (info) => {
        const v = current();
        if (v !== undefined && !v.expectingExit)
          this.fail(new Error(`node ${id} exited unexpectedly (code ${info.code}, signal ${info.signal})`));
        this.changed();
      },
    });
    return child;
  }

  private onEvent(v: NodeView, message: Exclude<ChildMessage, { type: 'reply' }>): void {
    switch (message.type) {
      case 'listening':
        v.listening = true;
        v.startup = message.startup;
        v.stats = message.startup;
        v.port = Number(message.address.slice(message.address.lastIndexOf(':') + 1));
        break;
      case 'role':
        v.role = message.role;
        v.term = message.term;
        v.leaderId = message.leaderId ?? undefined;
        if (v.stats !== undefined) v.stats = { ...v.stats, state: message.role, term: message.term, leaderId: v.leaderId };
        break;
      case 'progress':
        v.stats = message.stats;
        break;
      case 'leader':
        v.announcedTerm = message.term;
        break;
      case 'failed':
        this.fail(new Error(`node ${v.id} failed: ${message.message}`));
        break;
      case 'snapshot':
        v.snapshots.push({ event: message.event, index: message.index, term: message.term, size: message.size });
        break;
    }
    this.changed();
  }

  private fail(error: Error): void {
    if (this.closing !== undefined) return;
    this.failure ??= error;
  }

  private changed(): void {
    this.version++;
    for (const check of [...this.watchers]) check();
  }

  /** Resolves with check()'s first defined value, re-checked on every node event; bounded. */
  private waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.watchers.delete(attempt);
      };
      const attempt = (): void => {
        if (this.failure !== undefined) {
          done();
          reject(this.failure);
          return;
        }
        const value = check();
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; nodes: ${this.describeNodes()}`));
      }, timeoutMs);
      this.watchers.add(attempt);
      attempt();
    });
  }

  private view(id: string): NodeView {
    const v = this.views.get(id);
    if (v === undefined) throw new Error(`no node ${id}`);
    return v;
  }
}

/** The per-incarnation part of a NodeView. */
function freshState(): Pick<
  NodeView,
  'listening' | 'startup' | 'stats' | 'role' | 'term' | 'leaderId' | 'announcedTerm' | 'expectingExit' | 'snapshots'
> {
  return {
    listening: false,
    startup: undefined,
    stats: undefined,
    role: 'follower',
    term: 0,
    leaderId: undefined,
    announcedTerm: -1,
    expectingExit: false,
    snapshots: [],
  };
}
