/**
 * A promise-based client of one MetaServer for tests and benchmarks: the generated service client
 * with each unary RPC wrapped, and the gRPC error (code + details) kept intact for assertions.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { MetaServerServiceClient, MetaServerServiceDefinition } from '../../../src/generated/dfs_project/MetaServerService';
import { metaProto } from '../../../src/wire/proto';

type UnaryNames = 'CreateNode' | 'GetNodeInfo' | 'ListDirectory' | 'DeleteNode' | 'GetBlockLocations' | 'FinalizeWrite' | 'GetClusterInfo' | 'GetReplicationInfo' | 'Heartbeat' | 'GetLeader' | 'Rename';

type WriteNames = 'CreateNode' | 'DeleteNode' | 'Rename' | 'GetBlockLocations' | 'FinalizeWrite';

/** How long write() waits between sends while the cluster answers UNAVAILABLE (electing a leader). */
const WRITE_RETRY_PAUSE_MS = 50;

type RequestOf<K extends UnaryNames> = MetaServerServiceDefinition[K] extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;
type ResponseOf<K extends UnaryNames> = MetaServerServiceDefinition[K] extends MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;

export class MetaCallError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(`${grpc.status[code]}: ${details}`);
    this.name = 'MetaCallError';
  }
}

export class MetaClient {
  readonly raw: MetaServerServiceClient;

  constructor(readonly address: string) {
    this.raw = new (metaProto().dfs_project.MetaServerService)(address, grpc.credentials.createInsecure());
  }

  call<K extends UnaryNames>(method: K, request: RequestOf<K>, metadata = new grpc.Metadata(), timeoutMs = 20_000): Promise<ResponseOf<K>> {
    return new Promise((resolve, reject) => {
      const fn = this.raw[method] as unknown as (
        a: RequestOf<K>,
        m: grpc.Metadata,
        o: grpc.CallOptions,
        cb: (error: grpc.ServiceError | null, response?: ResponseOf<K>) => void,
      ) => grpc.ClientUnaryCall;
      fn.call(this.raw, request, metadata, { deadline: Date.now() + timeoutMs }, (error, response) => {
        if (error) reject(new MetaCallError(error.code, error.details));
        else resolve(response as ResponseOf<K>);
      });
    });
  }

  /**
   * A write as a client that rides out leader changes makes it: with an idempotency key
   * (request_id), sent again while the answer is UNAVAILABLE (no leader yet, or leadership lost
   * with the outcome unknown: the key makes a send that finds it applied return the first answer),
   * for up to `timeoutMs` in all. The process tests set their scene with it: a leader deposed
   * because two test files starved each other of CPU is not what they test.
   */
  async write<K extends WriteNames>(method: K, request: RequestOf<K>, timeoutMs = 30_000): Promise<ResponseOf<K>> {
    const keyed = { ...(request as object), request_id: randomUUID() } as RequestOf<K>;
    const giveUpAt = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.call(method, keyed, undefined, Math.max(1, giveUpAt - Date.now()));
      } catch (error: unknown) {
        if (!(error instanceof MetaCallError) || error.code !== grpc.status.UNAVAILABLE || Date.now() >= giveUpAt) throw error;
        await pause(WRITE_RETRY_PAUSE_MS);
      }
    }
  }

  /** The call's failure (rejects if it succeeded). */
  async failure<K extends UnaryNames>(method: K, request: RequestOf<K>, metadata?: grpc.Metadata): Promise<MetaCallError> {
    try {
      await this.call(method, request, metadata);
    } catch (error: unknown) {
      if (error instanceof MetaCallError) return error;
      throw error;
    }
    throw new Error(`${method} succeeded but was expected to fail`);
  }

  close(): void {
    this.raw.close();
  }
}

/** Metadata asking for a stale (local) read. */
export function staleRead(): grpc.Metadata {
  const m = new grpc.Metadata();
  m.set('x-minfs-read-consistency', 'stale');
  return m;
}
