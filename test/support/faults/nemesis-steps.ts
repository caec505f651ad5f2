/**
 * Carries out one step of a fault schedule on a FaultCluster: inject, hold, undo. Returns a
 * line saying what was done (which node was the leader, which side of a split), for the
 * round's record.
 */
import { setTimeout as pause } from 'node:timers/promises';
import type { EtcdServer } from '../etcd-server';
import { shuffle } from '../process-cluster/workload';
import type { FaultCluster, SmallDisk } from './fault-cluster';
import type { FaultStep } from './fault-schedules';
import type { LinkCondition } from './link-faults';

export interface NemesisContext {
  readonly cluster: FaultCluster;
  readonly random: () => number;
  readonly etcd?: EtcdServer | undefined;
  /** Fills and frees a node's small filesystem (disk-full), when the suite has one. */
  readonly diskFull?: SmallDisk | undefined;
}

export async function runStep(context: NemesisContext, step: FaultStep): Promise<string> {
  const { cluster, random } = context;
  const leader = await cluster.leader(5_000);
  const running = cluster.ids.filter((id) => cluster.state(id) === 'running');
  const followers = running.filter((id) => id !== leader);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const hold = (): Promise<void> => pause(step.holdMs);
  switch (step.kind) {
    case 'kill-leader':
    case 'kill-follower': {
      const victim = step.kind === 'kill-leader' ? leader : followers.length > 0 ? pick(followers) : undefined;
      if (victim === undefined) return `${step.kind}: no ${step.kind === 'kill-leader' ? 'leader' : 'follower'}, skipped`;
      await cluster.kill(victim);
      await hold();
      await cluster.restart(victim);
      return `${step.kind}: ${victim}`;
    }
    case 'kill-all': {
      await Promise.all(cluster.ids.map((id) => cluster.kill(id)));
      await hold();
      await Promise.all(cluster.ids.map((id) => cluster.restart(id)));
      return 'kill-all';
    }
    case 'pause-leader':
    case 'pause-follower': {
      const victim = step.kind === 'pause-leader' ? leader : followers.length > 0 ? pick(followers) : undefined;
      if (victim === undefined) return `${step.kind}: nobody to pause, skipped`;
      cluster.pause(victim);
      await hold();
      cluster.resume(victim);
      return `${step.kind}: ${victim}`;
    }
    case 'isolate-leader': {
      if (leader === undefined) return 'isolate-leader: no leader, skipped';
      cluster.links.isolate([leader]);
      await hold();
      cluster.links.healAll();
      return `isolate-leader: ${leader}`;
    }
    case 'split': {
      // A minority on one side; half the time the leader is in it.
      const ids = shuffle(cluster.ids, random);
      const minoritySize = Math.floor((ids.length - 1) / 2);
      let minority = ids.slice(0, minoritySize);
      if (leader !== undefined && random() < 0.5 && !minority.includes(leader)) minority = [leader, ...minority.slice(1)];
      cluster.links.isolate(minority);
      await hold();
      cluster.links.healAll();
      return `split: [${minority.join(',')}] | rest (leader ${leader ?? 'none'})`;
    }
    case 'one-way-leader-out':
    case 'one-way-leader-in': {
      if (leader === undefined) return `${step.kind}: no leader, skipped`;
      cluster.links.around(leader, { mode: 'blackhole' }, step.kind === 'one-way-leader-out' ? 'out' : 'in');
      await hold();
      cluster.links.healAll();
      return `${step.kind}: ${leader}`;
    }
    case 'slow-links':
    case 'lossy-links': {
      const condition: LinkCondition =
        step.kind === 'slow-links'
          ? { mode: 'slow', delayMs: 10 + Math.floor(random() * 50), jitterMs: 30 }
          : { mode: 'lossy', delayMs: 2, jitterMs: 15, resetRate: 0.01 };
      for (const id of cluster.ids) cluster.links.around(id, condition, 'out');
      await hold();
      cluster.links.healAll();
      return `${step.kind}: ${JSON.stringify(condition)}`;
    }
    case 'etcd-outage': {
      if (context.etcd === undefined) return 'etcd-outage: no etcd, skipped';
      await context.etcd.pause();
      await hold();
      await context.etcd.resume();
      return 'etcd-outage';
    }
    case 'disk-full': {
      const disk = context.diskFull;
      if (disk === undefined) return 'disk-full: no small filesystem, skipped';
      disk.fill();
      await hold();
      disk.free();
      // A node that could not write may have stopped (Raft stops on a failed write; the process
      // then exits 1): that is the expected outcome, not a crash. It starts again on free space.
      const exited = await cluster.reap(disk.nodeId);
      await cluster.restart(disk.nodeId);
      return `disk-full: ${disk.nodeId}${exited === undefined ? ' kept running' : ` exited ${exited}, restarted`}`;
    }
  }
}
