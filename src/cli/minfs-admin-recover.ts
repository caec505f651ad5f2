/**
 * minfs-admin recover: the Raft library's recoverCluster on a stopped MetaServer's data directory
 * (its Raft stores, snapshots and namespace), for a cluster that lost its quorum for good. The
 * node then starts with the given configuration; add fresh servers with --join afterwards.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileSnapshotStore, defaultConfig, recoverCluster, type Configuration } from '../raft/index';
import { openLmdbRaftStores } from '../raft/lmdb/index';
import { MetaFsm } from '../meta/meta-fsm';
import { dataDirHolder } from './data-dir-lock';

/** "id=host:port,id=host:port" -> a configuration of voters. */
export function parseRecoveryPeers(value: string): Configuration {
  const servers = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((entry) => {
      const match = /^([^=\s]+)=([^\s:]+:\d{1,5})$/.exec(entry);
      if (match === null) throw new Error(`--peers: expected id=host:port, got ${JSON.stringify(entry)}`);
      return { id: match[1]!, address: match[2]!, suffrage: 'voter' as const };
    });
  if (servers.length === 0) throw new Error('--peers: at least one id=host:port');
  return { servers };
}

export async function runRecover(dataDir: string, nodeId: string, peers: string): Promise<string> {
  const configuration = parseRecoveryPeers(peers);
  if (!configuration.servers.some((s) => s.id === nodeId)) throw new Error(`--peers must include this node (${nodeId})`);
  if (!existsSync(join(dataDir, 'raft'))) throw new Error(`${dataDir} holds no MetaServer state (no raft/ directory)`);
  const holder = dataDirHolder(dataDir);
  if (holder !== undefined) throw new Error(`${dataDir} is in use by process ${holder}: stop that metaServer first`);
  const stores = openLmdbRaftStores(join(dataDir, 'raft'));
  const fsm = MetaFsm.open(join(dataDir, 'namespace'));
  try {
    const snapshotStore = await FileSnapshotStore.open(join(dataDir, 'snapshots'));
    const recovered = await recoverCluster({
      config: defaultConfig(nodeId),
      fsm,
      logStore: stores.logs,
      stableStore: stores.stable,
      snapshotStore,
      configuration,
    });
    return `recovered ${nodeId}: state at index ${recovered.snapshot.index} (term ${recovered.snapshot.term}, ${recovered.replayed} log entries replayed); it starts with ${configuration.servers.map((s) => s.id).join(', ')}`;
  } finally {
    await stores.close();
    await fsm.close();
  }
}
