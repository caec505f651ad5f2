import { LmdbRaftEnvironment, type LmdbRaftStoresOptions } from './lmdb-environment';
import { LmdbLogStore } from './lmdb-log-store';
import { LmdbStableStore } from './lmdb-stable-store';

export interface LmdbRaftStores {
  readonly logs: LmdbLogStore;
  readonly stable: LmdbStableStore;
  /** Closes both stores (waiting for their writes) and then the environment. */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the Raft log and stable store in `dir`: ONE LMDB environment with
 * two named databases, so a stable-store write and a log write issued in the same event-loop
 * turn commit in one transaction with one fsync. Synchronous, like LMDB's open.
 */
export function openLmdbRaftStores(dir: string, options: LmdbRaftStoresOptions = {}): LmdbRaftStores {
  const environment = LmdbRaftEnvironment.open(dir, options);
  const logs = new LmdbLogStore(environment.logDb, environment);
  const stable = new LmdbStableStore(environment.stableDb, environment);
  return {
    logs,
    stable,
    close: async () => {
      await Promise.all([logs.close(), stable.close()]);
    },
  };
}
