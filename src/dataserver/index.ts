/** The reference DataServer of minfs: what a composition root or a test harness needs. */
export { DataServer, type DataServerOptions } from './dataserver';
export type {
  BlockWriteEvent,
  CommandOutcome,
  CommandSettledEvent,
  DataServerEventMap,
  HeartbeatEvent,
  HeartbeatFailedEvent,
  LeaderChangedEvent,
} from './events';
export { silentLogger, type DataServerLogger, type LogFields } from './logger';
export type { MetaTlsOptions } from '../wire/meta-tls';
export { parseHostPort, formatHostPort } from './addresses';
export { CHUNK_BYTES, MAX_BLOCK_BYTES } from './limits';
