/** In-memory doubles of Raft's environment, for deterministic tests and simulations. */
export { ManualClock } from './manual-clock';
export { InmemLogStore } from './inmem-log-store';
export { InmemStableStore } from './inmem-stable-store';
export { InmemSnapshotStore, type InmemSnapshotStats, type InmemSnapshotStoreOptions } from './inmem-snapshot-store';
export type { SimulatedDurabilityOptions } from './durable-write-queue';
export { InmemNetwork, type InmemNetworkOptions, type NetworkError, type NetworkStats } from './inmem-network';
export { InmemTransport, type MessageHandler } from './inmem-transport';
export { reliableLink, type LinkFaults } from './network-faults';
export { decodeMessage, encodeMessage, MessageDecodeError } from '../codec';
