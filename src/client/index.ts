/** The minfs client library: import from here. */
export { MinfsClient, type MinfsClientOptions } from './minfs-client';
export { MetaConnection, type MetaConnectionOptions, type RetryEvent } from './meta-connection';
export { MinfsError, isRetryable } from './errors';
export type { MetaTlsOptions } from '../wire/meta-tls';
export { DEFAULT_RETRY, type RetryOptions } from './retry-policy';
export { BLOCK_SIZE, CHUNK_SIZE, EMPTY_MD5 } from './block-layout';
export type { PutOptions, PutResult } from './put';
export type { GetOptions, GetResult } from './get';
export type { Progress, ProgressListener } from './transfer-context';
export type {
  BlockReplication,
  ClusterSummary,
  DataServerSummary,
  FileReplication,
  FileStat,
  ReplicationReport,
  StatResult,
} from './results';
export type { MetaMethod, MetaRequest, MetaResponse, MutatingMethod } from './meta-rpc';
