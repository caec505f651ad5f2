/** The TCP transport between Raft peers. */
export { TcpTransport, isPriority, type MessageHandler } from './tcp-transport';
export type { TcpTransportOptions } from './options';
export type { TcpTransportStats } from './stats';
export type { TcpTlsOptions } from './tls';
export type { BackoffOptions } from './backoff';
export { DEFAULT_MAX_FRAME_BYTES } from './frame-codec';
