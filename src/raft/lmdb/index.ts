export { openLmdbRaftStores, type LmdbRaftStores } from './open-raft-stores';
export type { LmdbRaftStoresOptions } from './lmdb-environment';
export { LmdbLogStore } from './lmdb-log-store';
export { LmdbStableStore } from './lmdb-stable-store';
export { lmdbDataFileProblem } from './data-file-check';
