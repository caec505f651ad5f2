/**
 * One unary MetaServerService call on one node, as a promise. The request and response types come
 * from the generated service definition, so a call names its method and gets its exact types.
 */
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { MetaServerServiceClient, MetaServerServiceDefinition } from '../generated/dfs_project/MetaServerService';
import { metaProto } from '../wire/proto';
import { toMinfsError } from './errors';
import { META_RECONNECT_OPTIONS } from '../wire/reconnect';

export type MetaMethod =
  | 'CreateNode'
  | 'GetNodeInfo'
  | 'ListDirectory'
  | 'DeleteNode'
  | 'GetBlockLocations'
  | 'FinalizeWrite'
  | 'GetClusterInfo'
  | 'GetReplicationInfo'
  | 'Heartbeat'
  | 'GetLeader'
  | 'Rename';

export type MetaRequest<K extends MetaMethod> =
  MetaServerServiceDefinition[K] extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;
export type MetaResponse<K extends MetaMethod> =
  MetaServerServiceDefinition[K] extends MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;

/** The calls that change the namespace: they carry a request_id so that a retry is applied at most once. */
export type MutatingMethod = 'CreateNode' | 'DeleteNode' | 'GetBlockLocations' | 'FinalizeWrite' | 'Rename';

/** A stub for one MetaServer; `credentials` are TLS when the cluster serves gRPC over TLS (meta-tls.ts). */
export function newMetaStub(
  address: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
): MetaServerServiceClient {
  return new (metaProto().dfs_project.MetaServerService)(address, credentials, META_RECONNECT_OPTIONS);
}

/** Sends one call with a deadline; a failure rejects with a MinfsError carrying the gRPC code. */
export function callMeta<K extends MetaMethod>(
  stub: MetaServerServiceClient,
  method: K,
  request: MetaRequest<K>,
  deadline: number,
): Promise<MetaResponse<K>> {
  return new Promise((resolve, reject) => {
    const fn = stub[method] as unknown as (
      request: MetaRequest<K>,
      metadata: grpc.Metadata,
      options: grpc.CallOptions,
      callback: (error: grpc.ServiceError | null, response?: MetaResponse<K>) => void,
    ) => grpc.ClientUnaryCall;
    fn.call(stub, request, new grpc.Metadata(), { deadline }, (error, response) => {
      if (error !== null) reject(toMinfsError(error));
      else resolve(response as MetaResponse<K>);
    });
  });
}
