/**
 * The heartbeat loop (compat §2.2, §6.2): every `intervalMs`, a Heartbeat to the MetaServer leader
 * with this server's id and address, its space and the full report of valid block ids; the reply's
 * commands go to the command runner, which runs them in the background. The first heartbeat goes out
 * at once. Any failure (a follower's UNAVAILABLE, a dead leader, a timeout) drops the leader and
 * rediscovers it, after a jittered, capped exponential backoff; a success resets the backoff.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Command__Output } from '../generated/dfs_project/Command';
import type { HeartbeatRequest } from '../generated/dfs_project/HeartbeatRequest';
import type { HeartbeatResponse__Output } from '../generated/dfs_project/HeartbeatResponse';
import type { MetaServerServiceClient } from '../generated/dfs_project/MetaServerService';
import { backoffDelay, type BackoffSettings } from './backoff';
import type { BlockStore } from './block-store';
import type { Capacity } from './capacity';
import type { ClientPool } from './client-pool';
import type { HeartbeatEvent, HeartbeatFailedEvent, LeaderChangedEvent } from './events';
import type { LeaderFinder } from './leader-finder';
import { errorText, type DataServerLogger } from './logger';
import { describeStatus } from './service-errors';

export interface HeartbeatListener {
  heartbeat(event: HeartbeatEvent): void;
  failed(event: HeartbeatFailedEvent): void;
  leaderChanged(event: LeaderChangedEvent): void;
  commands(commands: readonly Command__Output[]): void;
}

export interface HeartbeatLoopDeps {
  readonly dataServerId: string;
  readonly advertisedAddress: string;
  readonly store: BlockStore;
  readonly capacity: () => Promise<Capacity>;
  readonly finder: LeaderFinder;
  readonly metaClients: ClientPool<MetaServerServiceClient>;
  readonly intervalMs: number;
  readonly rpcTimeoutMs: number;
  readonly backoff: BackoffSettings;
  readonly random: () => number;
  readonly listener: HeartbeatListener;
  readonly logger: DataServerLogger;
}

export class HeartbeatLoop {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private leader: string | undefined;
  private announcedLeader: string | undefined;
  /** The leader that last accepted a heartbeat: its first acceptance is logged, not every one. */
  private acceptedBy: string | undefined;
  private sequence = 0;
  private consecutiveFailures = 0;

  constructor(private readonly deps: HeartbeatLoopDeps) {}

  /** The MetaServer heartbeats currently go to, if known. */
  get currentLeader(): string | undefined {
    return this.leader;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** No more heartbeats: wakes the loop, cancels a heartbeat or GetLeader in flight, waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.leader = undefined;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        this.leader ??= await this.discover(signal);
        if (this.leader === undefined) {
          if (signal.aborted) break;
          this.failure(undefined, new Error(`no MetaServer named a leader (${this.deps.finder.whyNoLeader()})`));
          await this.sleep(backoffDelay(this.consecutiveFailures, this.deps.backoff, this.deps.random));
          continue;
        }
        await this.beat(this.leader, signal);
        await this.sleep(this.deps.intervalMs - (Date.now() - started));
      } catch (error) {
        if (signal.aborted) break;
        this.failure(this.leader, error);
        this.leader = undefined; // rediscover: a follower, an ex-leader or a dead server
        await this.sleep(backoffDelay(this.consecutiveFailures, this.deps.backoff, this.deps.random));
      }
    }
  }

  private async discover(signal: AbortSignal): Promise<string | undefined> {
    const leader = await this.deps.finder.find(signal);
    if (leader !== undefined && leader !== this.announcedLeader) {
      this.announcedLeader = leader;
      this.deps.logger.info('heartbeats go to MetaServer leader', { leader });
      this.notify(() => this.deps.listener.leaderChanged({ leader }));
    }
    return leader;
  }

  private async beat(leader: string, signal: AbortSignal): Promise<void> {
    const reportedBlockIds = this.deps.store.ids();
    const { totalBytes, freeBytes } = await this.deps.capacity();
    const request: HeartbeatRequest = {
      dataServer_id: this.deps.dataServerId,
      dataServer_addr: this.deps.advertisedAddress,
      block_count: String(reportedBlockIds.length),
      free_space: String(freeBytes),
      total_capacity: String(totalBytes),
      block_ids_report: reportedBlockIds.map(String),
    };
    const response = await this.send(leader, request, signal);
    this.consecutiveFailures = 0;
    this.sequence++;
    // Proof that the connection works end to end (TLS included) and that the leader now places
    // blocks here (it registers a DataServer before answering its first heartbeat).
    if (leader !== this.acceptedBy) {
      this.acceptedBy = leader;
      this.deps.logger.info('heartbeats accepted by MetaServer leader', { leader });
    }
    const commands = response.commands;
    if (commands.length > 0) this.deps.logger.debug('heartbeat brought commands', { leader, commands: commands.length });
    this.notify(() => this.deps.listener.commands(commands));
    const event: HeartbeatEvent = { sequence: this.sequence, leader, request, reportedBlockIds, commands };
    this.notify(() => this.deps.listener.heartbeat(event));
  }

  private send(leader: string, request: HeartbeatRequest, signal: AbortSignal): Promise<HeartbeatResponse__Output> {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + this.deps.rpcTimeoutMs);
      const call: grpc.ClientUnaryCall = this.deps.metaClients.get(leader).Heartbeat(request, { deadline }, (error, response) => {
        signal.removeEventListener('abort', cancel);
        if (error) reject(error);
        else if (!response) reject(new Error('Heartbeat answered nothing'));
        else resolve(response);
      });
      const cancel = (): void => call.cancel();
      signal.addEventListener('abort', cancel, { once: true });
    });
  }

  private failure(leader: string | undefined, error: unknown): void {
    this.consecutiveFailures++;
    const event: HeartbeatFailedEvent = { leader, error: describeStatus(error), consecutiveFailures: this.consecutiveFailures };
    // The first failure and then every power of two: a long outage must not flood the log.
    const n = this.consecutiveFailures;
    if ((n & (n - 1)) === 0) this.deps.logger.warn('heartbeat failed; rediscovering the MetaServer leader', { ...event });
    this.notify(() => this.deps.listener.failed(event));
  }

  /** A listener that throws must not stop the heartbeats. */
  private notify(deliver: () => void): void {
    try {
      deliver();
    } catch (error) {
      this.deps.logger.error('heartbeat listener threw', { error: errorText(error) });
    }
  }

  /** Resolves after `ms`, or at once when stopping. */
  private sleep(ms: number): Promise<void> {
    const signal = this.stopping.signal;
    return new Promise((resolve) => {
      if (signal.aborted || ms <= 0) return resolve();
      const wake = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}
