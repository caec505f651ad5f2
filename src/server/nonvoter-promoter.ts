/**
 * The leader makes a joined non-voter a voter once it has caught up (hashicorp's autopilot does the
 * same for Consul): its log matches the leader's within `maxLagEntries`, continuously for
 * `stableMs`. Only members that joined to be promoted (`promote` in their announced record) are;
 * a non-voter added as such by an operator stays one. Promotion state is replicated, so a new
 * leader carries on where the old one stopped.
 */
import type { Clock, TimerHandle } from '../raft';
import type { MetaNode } from './meta-node';
import { proposeOk } from './admin/leader-only';

export interface PromoterSettings {
  readonly checkEveryMs: number;
  readonly maxLagEntries: number;
  readonly stableMs: number;
}

export const DEFAULT_PROMOTER: PromoterSettings = { checkEveryMs: 250, maxLagEntries: 1_000, stableMs: 1_000 };

export class NonvoterPromoter {
  /** When each candidate was first seen caught up (monotonic ms), while it stays caught up. */
  private readonly caughtUpSince = new Map<string, number>();
  private timer: TimerHandle | undefined;
  private busy = false;
  private stopped = false;

  constructor(
    private readonly node: MetaNode,
    private readonly clock: Clock,
    private readonly settings: PromoterSettings = DEFAULT_PROMOTER,
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(this.settings.checkEveryMs, () => {
      void this.check().finally(() => this.schedule());
    });
  }

  /** One round: promote every candidate that has been caught up long enough. */
  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.round();
    } catch (error: unknown) {
      this.node.logger.warn('promoter: round failed; retrying', { error: String(error) });
    } finally {
      this.busy = false;
    }
  }

  private async round(): Promise<void> {
    const { raft, reader, logger } = this.node;
    if (raft.state() !== 'leader') {
      this.caughtUpSince.clear();
      return;
    }
    const now = this.clock.now();
    const last = raft.stats().lastLogIndex;
    const progress = new Map(raft.replication().map((p) => [p.id, p]));
    for (const server of raft.configuration().servers) {
      const record = reader.member(server.id);
      if (server.suffrage !== 'nonvoter' || record?.promote !== true) {
        this.caughtUpSince.delete(server.id);
        continue;
      }
      const p = progress.get(server.id);
      const caughtUp = p !== undefined && p.state === 'replicate' && last - p.match <= this.settings.maxLagEntries;
      if (!caughtUp) {
        this.caughtUpSince.delete(server.id);
        continue;
      }
      const since = this.caughtUpSince.get(server.id) ?? now;
      this.caughtUpSince.set(server.id, since);
      if (now - since < this.settings.stableMs) continue;
      logger.info('promoter: non-voter caught up; making it a voter', { id: server.id, match: p.match, last });
      await raft.addVoter(server.id, server.address);
      await proposeOk(this.node, {
        op: 'member',
        at: this.node.wallClockMs(),
        id: server.id,
        grpcAddress: record.grpcAddress,
        promote: false,
        remove: false,
      });
      this.caughtUpSince.delete(server.id);
      logger.info('promoter: promoted to voter', { id: server.id });
    }
  }
}
