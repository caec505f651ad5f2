/**
 * One MetaServer node without any network: a lone Raft voter on in-memory stores and transport,
 * the namespace FSM on LMDB in a temp dir, for calling the request handlers directly.
 * `follower: true` gives a node that never becomes leader (never bootstrapped).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Raft, defaultConfig, silentLogger, systemClock } from '../../../src/raft';
import { InmemLogStore, InmemNetwork, InmemSnapshotStore, InmemStableStore, ManualClock } from '../../../src/raft/inmem';
import { BlockUpkeep } from '../../../src/cluster/block-upkeep';
import { DEFAULT_UPKEEP } from '../../../src/cluster/upkeep-settings';
import { MetaFsm } from '../../../src/meta/meta-fsm';
import { NamespaceReader } from '../../../src/meta/namespace-reader';
import type { MetaResult } from '../../../src/meta/results';
import { StaticMemberDirectory } from '../../../src/server/members';
import type { MetaNode } from '../../../src/server/meta-node';

export interface LoneMetaNode {
  readonly node: MetaNode;
  /** The wall clock handed to the handlers (ms); tests set it. */
  wallClock: number;
  close(): Promise<void>;
}

export async function loneMetaNode(options: { follower?: boolean } = {}): Promise<LoneMetaNode> {
  const dir = mkdtempSync(join(tmpdir(), 'lone-meta-'));
  const fsm = MetaFsm.open(dir);
  const network = new InmemNetwork({ clock: new ManualClock(0), seed: 1 });
  const raft = await Raft.create<MetaResult>({
    config: { ...defaultConfig('lone'), heartbeatTimeoutMs: 50, electionTimeoutMs: 50, leaderLeaseTimeoutMs: 40 },
    fsm,
    logStore: new InmemLogStore(),
    stableStore: new InmemStableStore(),
    snapshotStore: new InmemSnapshotStore(),
    transport: network.transport('lone-raft'),
  });
  const members = new StaticMemberDirectory([{ id: 'lone', grpcAddress: '127.0.0.1:9090' }]);
  const reader = new NamespaceReader(fsm.state);
  // Not started: no tick timer; tests that need upkeep rounds call tick() themselves.
  const upkeep = new BlockUpkeep({
    raft,
    reader,
    settled: () => fsm.settled(),
    clock: systemClock,
    wallClockMs: () => lone.wallClock,
    logger: silentLogger,
    settings: DEFAULT_UPKEEP,
  });
  const lone: LoneMetaNode = {
    wallClock: 1_700_000_000_000,
    node: {
      settings: { nodeId: 'lone', defaultReplication: 3, purgeBatch: 2 },
      raft,
      fsm,
      reader,
      upkeep,
      members,
      clock: systemClock,
      wallClockMs: () => lone.wallClock,
      logger: silentLogger,
    },
    close: async () => {
      await upkeep.stop();
      await raft.shutdown();
      await fsm.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (!options.follower) {
    const elected = new Promise<void>((resolve) => {
      const off = raft.on('role-changed', ({ role }) => {
        if (role === 'leader') {
          off();
          resolve();
        }
      });
    });
    await raft.bootstrapCluster({ servers: [{ id: 'lone', address: 'lone-raft', suffrage: 'voter' }] });
    await elected;
    await raft.barrier();
  }
  return lone;
}
