import type { Config } from '../config';
import { validateConfig } from '../config';
import { checkConfiguration, isVoter, type Configuration } from '../configuration';
import { silentLogger, type Logger } from '../environment';
import { BadConfigurationError, RecoveryRefusedError } from '../errors';
import type { FSM } from '../fsm';
import type { LogStore, StableStore } from '../log-store';
import type { SnapshotMeta, SnapshotStore } from '../snapshot-store';
import { loadHardState } from './hard-state-codec';
import { replayLog } from './replay-log';
import { startFromSnapshot } from './start-from-snapshot';

/** The stores of one node that is NOT running, and the configuration it is to start with. */
export interface RecoverClusterOptions<R> {
  readonly config: Config;
  readonly fsm: FSM<R>;
  readonly logStore: LogStore;
  readonly stableStore: StableStore;
  readonly snapshotStore: SnapshotStore;
  /** The servers the node starts with (for one survivor: itself alone). */
  readonly configuration: Configuration;
  readonly logger?: Logger;
}

export interface RecoveredState {
  /** The snapshot written: the node's whole state, under the new configuration. */
  readonly snapshot: SnapshotMeta;
  /** Log entries applied on top of the newest snapshot, committed or not. */
  readonly replayed: number;
}

/**
 * hashicorp's RecoverCluster: forces a new configuration onto a node whose cluster lost its
 * quorum for good (servers that will never come back), OFFLINE: the node must not be running,
 * and its stores are rewritten so that Raft.create then starts it with `configuration`.
 *
 * DANGEROUS. It treats every entry in this node's log as committed: entries that never
 * committed become part of the state, and entries that committed on the lost servers but never
 * reached this one are lost for good. Run it only when the lost servers are truly gone; a lost
 * server that comes back with its old state must be wiped before it rejoins. To rebuild a
 * cluster, recover one survivor with a configuration of itself alone, start it, and add fresh
 * servers with addVoter; or stop every survivor and recover each with the same configuration.
 *
 * What it does: restores the FSM from the newest usable snapshot (or finds a persistent FSM
 * already holding it), hands it every log entry after that, takes a snapshot of the result at
 * the last log index and term carrying `configuration`, then deletes the whole log, so that no
 * configuration entry of the old cluster can take effect again. The FSM keeps the recovered
 * state and may be passed to Raft.create (a volatile one is restored from the snapshot anyway).
 * Term and vote are kept. Each step is safe to crash after: run it again if it fails midway.
 *
 * Refuses (changing nothing) a configuration that is empty, has no voter, or repeats an id or
 * an address (BadConfigurationError), and a node with no log and no snapshot (RecoveryRefusedError).
 */
export async function recoverCluster<R>(options: RecoverClusterOptions<R>): Promise<RecoveredState> {
  const cfg = validateConfig(options.config);
  const logger = options.logger ?? silentLogger;
  const { fsm, logStore, stableStore, snapshotStore, configuration } = options;
  const problems = configurationProblems(configuration);
  if (problems.length > 0) throw new BadConfigurationError(`bad recovery configuration: ${problems.join('; ')}`);
  loadHardState(stableStore); // a damaged hard state is found now, before anything changes
  if (logStore.lastIndex() === 0 && (await snapshotStore.list()).length === 0) {
    throw new RecoveryRefusedError('this node has no log entries and no snapshots: nothing to recover (bootstrap a new cluster instead)');
  }
  if (!isVoter(configuration, cfg.localId)) {
    logger.warn('recovery configuration does not make this node a voter: it will not campaign', { id: cfg.localId });
  }

  const start = await startFromSnapshot(fsm, logStore, snapshotStore, logger);
  const lastLogIndex = logStore.lastIndex();
  const last = await replayLog(fsm, logStore, start.applied.index + 1, lastLogIndex, cfg.maxApplyBatch);
  const index = last?.index ?? start.applied.index;
  const term = last?.term ?? start.applied.term;
  const replayed = index - start.applied.index;

  // Any configuration index at or below the snapshot's would do; this one says where it took effect.
  const snapshot = await writeSnapshot(fsm, snapshotStore, index, term, configuration);
  // Only once the snapshot is durable: the log is all that held the entries replayed above.
  if (logStore.lastIndex() > 0) await logStore.deleteRange(logStore.firstIndex(), logStore.lastIndex());
  logger.warn('cluster configuration recovered: log replaced by a snapshot with the new configuration', {
    id: cfg.localId,
    index,
    term,
    replayed,
    servers: configuration.servers.map((s) => `${s.id}@${s.address}:${s.suffrage}`).join(','),
  });
  return { snapshot, replayed };
}

function configurationProblems(configuration: Configuration): string[] {
  if (configuration.servers.length === 0) return ['the configuration has no servers'];
  return checkConfiguration(configuration);
}

async function writeSnapshot<R>(
  fsm: FSM<R>,
  store: SnapshotStore,
  index: number,
  term: number,
  configuration: Configuration,
): Promise<SnapshotMeta> {
  const view = await fsm.snapshot();
  try {
    // Never deferred: the FSM's word alone is no base for the recovered cluster's new servers.
    const sink = await store.create(index, term, configuration, index);
    try {
      await view.persist((chunk) => sink.write(chunk));
      await sink.close();
    } catch (error) {
      await sink.cancel().catch(() => undefined);
      throw error;
    }
    const meta = (await store.list()).find((m) => m.id === sink.id);
    if (meta === undefined) throw new Error(`the recovery snapshot ${sink.id} is not listed by the snapshot store`);
    return meta;
  } finally {
    view.release();
  }
}
