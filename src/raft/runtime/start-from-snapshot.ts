import type { ConfigurationHistory } from '../core/membership';
import type { Logger } from '../environment';
import { CorruptionError } from '../errors';
import type { FSM } from '../fsm';
import type { LogStore } from '../log-store';
import type { SnapshotMeta, SnapshotStore } from '../snapshot-store';
import type { AppliedPoint } from './applied-point';
import { loadConfigurations } from './load-configurations';

export interface StartState {
  /** The newest usable snapshot; the log store is consistent with it. */
  readonly snapshot: SnapshotMeta | undefined;
  /** What the FSM holds now (restored from the snapshot, or persisted by the FSM itself). */
  readonly applied: AppliedPoint;
  /** The configurations in the log after the snapshot (or the snapshot's). */
  readonly configurations: ConfigurationHistory;
}

/**
 * Brings a restarting node's FSM and log in line with its newest snapshot. The FSM is restored
 * from the newest snapshot that passes its checksum, unless the FSM is persistent and already
 * holds it (its applied index reaches the snapshot's). The log must then continue the snapshot:
 * if it neither starts right after the snapshot nor holds the snapshot's last entry with the same
 * term (a crash between receiving a snapshot and discarding a conflicting log), it is discarded,
 * as installing the snapshot would have done (Figure 13 rule 7). A deferred snapshot (a label
 * only) is usable only by an FSM that holds its index.
 */
export async function startFromSnapshot<R>(
  fsm: FSM<R>,
  logs: LogStore,
  store: SnapshotStore | undefined,
  logger: Logger,
): Promise<StartState> {
  const fsmApplied = fsm.appliedIndex?.() ?? 0;
  const metas = store ? await store.list() : [];
  let snapshot: SnapshotMeta | undefined;
  let attempted = false;
  for (const meta of metas) {
    // After a failed restore the FSM's own applied index no longer describes what it holds.
    if (!attempted && fsmApplied >= meta.index) {
      snapshot = meta;
      break;
    }
    if (meta.deferred === true) {
      // Recorded only once the FSM had committed its index, and the log behind it may be gone:
      // an FSM that is now behind it (or was half-replaced by a failed restore) lost state that
      // only another replica still has. Replaying onto it, or an older snapshot, would be wrong.
      throw new CorruptionError(
        `snapshot ${meta.id} is deferred (its state lives in the FSM), but the FSM ${attempted ? 'failed a restore' : `holds only index ${fsmApplied}`}, ` +
          `short of ${meta.index}: this node lost state that only the other replicas hold; remove it from the cluster, clear its data and add it again`,
      );
    }
    attempted = true;
    try {
      const opened = await store!.open(meta.id);
      await fsm.restore(opened.chunks, { index: meta.index, term: meta.term });
      snapshot = meta;
      logger.info('restored snapshot', { id: meta.id, index: meta.index, size: meta.size });
      break;
    } catch (error) {
      if (!(error instanceof CorruptionError)) throw error;
      logger.error('snapshot is damaged; trying an older one', { id: meta.id, error: error.message });
    }
  }
  // A failed restore may have left the FSM half-replaced: replaying the log over that is unsafe.
  if (snapshot === undefined && attempted) throw new CorruptionError('every stored snapshot is damaged; the FSM cannot be restored');
  if (snapshot) await discardLogNotContinuing(logs, snapshot, logger);
  const snapshotIndex = snapshot?.index ?? 0;
  const appliedIndex = attempted ? snapshotIndex : Math.max(snapshotIndex, Math.min(fsmApplied, logs.lastIndex()));
  const configurations = loadConfigurations(logs, appliedIndex, snapshot);
  const term = appliedIndex === 0 ? 0 : snapshot?.index === appliedIndex ? snapshot.term : (logs.getLog(appliedIndex)?.term ?? 0);
  const { index: configurationIndex, configuration } = configurations.atApplied;
  return {
    snapshot,
    applied: { index: appliedIndex, term, configuration, configurationIndex },
    configurations: configurations.history,
  };
}

async function discardLogNotContinuing(logs: LogStore, snapshot: SnapshotMeta, logger: Logger): Promise<void> {
  const first = logs.firstIndex();
  const last = logs.lastIndex();
  if (last === 0) return;
  const continues = first === snapshot.index + 1 || (first <= snapshot.index && logs.getLog(snapshot.index)?.term === snapshot.term);
  if (continues) return;
  logger.warn('log does not continue the newest snapshot; discarding it', { first, last, snapshotIndex: snapshot.index });
  await logs.deleteRange(first, last);
}
