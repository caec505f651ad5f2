import type { SimCluster, SimNode } from './sim-cluster';

/**
 * Injects faults on a schedule drawn from the cluster's seed: crashes and restarts, partitions,
 * an isolated leader, one-way cuts, lossy/duplicating/slow links, leadership transfers,
 * snapshots on demand and membership changes. `stop()` heals everything and brings every node back.
 */
export class Nemesis {
  private running = false;
  readonly log: string[] = [];

  constructor(private readonly cluster: SimCluster) {}

  start(): void {
    this.running = true;
    this.schedule();
    this.cluster.leaderListeners.push((leader) => this.churn(leader));
  }

  /**
   * Leader churn: a fresh leader is the most delicate moment (its log is not yet on a quorum,
   * older-term entries are being re-replicated, its no-op is uncommitted). Sometimes kill or cut
   * off a new leader within a few milliseconds, which is what Figure 8 of the Raft paper needs.
   */
  private churn(leader: SimNode): void {
    const c = this.cluster;
    if (!this.running || c.random.next() > 0.3) return;
    const generation = leader.generation;
    const crash = c.random.next() < 0.5;
    c.clock.setTimer(Math.floor(c.random.next() * 12), () => {
      if (!this.running || leader.generation !== generation || !leader.raft) return;
      if (crash) {
        this.note(`crash new leader ${leader.id}`);
        c.crash(leader);
        c.clock.setTimer(20 + Math.floor(c.random.next() * 300), () => void this.restart(leader));
      } else {
        this.note(`isolate new leader ${leader.id}`);
        c.network.isolate(leader.address);
      }
    });
  }

  private schedule(): void {
    if (!this.running) return;
    const wait = 50 + Math.floor(this.cluster.random.next() * 400);
    this.cluster.clock.setTimer(wait, () => {
      if (!this.running) return;
      this.act();
      this.schedule();
    });
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.cluster.random.next() * items.length)];
  }

  private note(text: string): void {
    this.log.push(`${this.cluster.clock.now()}ms ${text}`);
  }

  private act(): void {
    const c = this.cluster;
    const roll = c.random.next();
    const addresses = c.nodes.map((n) => n.address);
    if (roll < 0.08) {
      // Power loss: a majority (or everyone) goes down at once, losing what was not durable.
      const victims = c.alive().filter(() => c.random.next() < 0.7);
      if (victims.length === 0) return;
      this.note(`power loss ${victims.map((v) => v.id).join(',')}`);
      for (const v of victims) {
        c.crash(v);
        c.clock.setTimer(20 + Math.floor(c.random.next() * 400), () => void this.restart(v));
      }
    } else if (roll < 0.26) {
      const victim = this.pick(c.alive());
      if (!victim) return;
      this.note(`crash ${victim.id}`);
      c.crash(victim);
      const downFor = 20 + Math.floor(c.random.next() * 1000);
      c.clock.setTimer(downFor, () => void this.restart(victim));
    } else if (roll < 0.36) {
      const shuffled = addresses.slice().sort(() => c.random.next() - 0.5);
      const cut = 1 + Math.floor(c.random.next() * (shuffled.length - 1));
      this.note(`partition ${shuffled.slice(0, cut).join(',')} | ${shuffled.slice(cut).join(',')}`);
      c.network.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
    } else if (roll < 0.44) {
      const leader = c.leader();
      if (!leader) return;
      this.note(`isolate leader ${leader.id}`);
      c.network.isolate(leader.address);
    } else if (roll < 0.5) {
      const from = this.pick(addresses)!;
      const to = this.pick(addresses.filter((a) => a !== from))!;
      this.note(`cut ${from} -> ${to}`);
      c.network.cutOneWay(from, to);
    } else if (roll < 0.64) {
      this.note('heal');
      c.network.heal();
    } else if (roll < 0.76) {
      const dropRate = c.random.next() * 0.2;
      const duplicateRate = c.random.next() * 0.1;
      const maxDelayMs = 2 + Math.floor(c.random.next() * 40);
      this.note(`faults drop=${dropRate.toFixed(2)} dup=${duplicateRate.toFixed(2)} delay<=${maxDelayMs}`);
      c.network.setFaults({ dropRate, duplicateRate, minDelayMs: 1, maxDelayMs });
    } else if (roll < 0.8) {
      this.note('reliable links');
      c.network.setFaults({ dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 3 });
    } else if (roll < 0.86) {
      const leader = c.leader();
      if (!leader) return;
      this.note(`transfer leadership from ${leader.id}`);
      leader.raft!.transferLeadership().catch(() => {});
    } else if (roll < 0.9) {
      // A snapshot on demand (besides the timed ones): compaction right behind the applied index.
      const node = this.pick(c.alive());
      if (!node) return;
      this.note(`snapshot ${node.id}`);
      node.raft!.snapshot().catch(() => {});
    } else {
      this.changeMembership();
    }
  }

  /**
   * Membership under faults, decided from the leader's current configuration: bring in a server
   * that is not a member (a spare that starts with an empty log, or one removed earlier) as a
   * non-voter, promote a non-voter, or remove a voter (keeping at least three voters).
   */
  private changeMembership(): void {
    const c = this.cluster;
    const leader = c.leader();
    if (!leader) return;
    const config = leader.raft!.configuration();
    const suffrage = (id: string): string | undefined => config.servers.find((s) => s.id === id)?.suffrage;
    const outsiders = c.nodes.filter((n) => suffrage(n.id) === undefined);
    const nonvoters = c.nodes.filter((n) => suffrage(n.id) === 'nonvoter');
    const voterCount = config.servers.filter((s) => s.suffrage === 'voter').length;
    const roll = c.random.next();
    if (roll < 0.5 && nonvoters.length > 0) {
      const node = this.pick(nonvoters)!;
      this.note(`promote ${node.id}`);
      leader.raft!.addVoter(node.id, node.address).catch(() => {});
    } else if (roll < 0.8 && outsiders.length > 0) {
      const node = this.pick(outsiders)!;
      this.note(`add non-voter ${node.id}`);
      leader.raft!.addNonvoter(node.id, node.address).catch(() => {});
    } else if (voterCount > 3) {
      const victim = this.pick(c.nodes.filter((n) => n !== leader && suffrage(n.id) === 'voter'));
      if (!victim) return;
      this.note(`remove ${victim.id}`);
      leader.raft!.removeServer(victim.id).catch(() => {});
    }
  }

  private async restart(node: SimNode): Promise<void> {
    if (node.raft) return;
    this.note(`restart ${node.id}`);
    await this.cluster.startNode(node);
  }

  /** Stops injecting; heals the network and restarts every crashed node. */
  async stop(): Promise<void> {
    this.running = false;
    const c = this.cluster;
    c.network.heal();
    c.network.setFaults({ dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 3 });
    for (const n of c.nodes) if (!n.raft) await this.restart(n);
  }
}
