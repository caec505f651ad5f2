/**
 * The MetaServerService implementation for grpc-js: each RPC is a plain handler function run with
 * a CallRouting; this file turns its result or error into the gRPC answer and forwards calls that
 * must be served by the leader.
 */
import * as grpc from '@grpc/grpc-js';
import type { MetaServerServiceDefinition, MetaServerServiceHandlers } from '../generated/dfs_project/MetaServerService';
import { getBlockLocations, finalizeWrite } from './block-handlers';
import { CallRouting, NeedsLeader } from './call-routing';
import { getClusterInfo, getLeader, getReplicationInfo, heartbeat } from './cluster-handlers';
import { FollowerReads } from './follower-reads';
import type { Forwarder } from './forwarder';
import type { MetaNode } from './meta-node';
import { instrumentService } from './metrics/grpc-metrics';
import { nodeMetrics } from './metrics/node-metrics';
import { createNode, deleteNode, getNodeInfo, listDirectory, rename } from './namespace-handlers';
import { metaProto } from '../wire/proto';
import { decodeHeartbeatRequest, type DecodedHeartbeat } from './heartbeat-decoder';
import { ServiceError, toServiceError, unavailable } from './service-error';
import type { TrashPurger } from './trash-purger';

type UnaryMethod =
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
  | 'Rename'
  | 'ReadIndex';
type RequestOf<K extends UnaryMethod> = MetaServerServiceHandlers[K] extends grpc.handleUnaryCall<infer Req, infer _Res> ? Req : never;
type ResponseOf<K extends UnaryMethod> = MetaServerServiceHandlers[K] extends grpc.handleUnaryCall<infer _Req, infer Res> ? Res : never;

/** How long a follower waits for the leader's read index. */
const READ_INDEX_TIMEOUT_MS = 5_000;
/** How long a follower waits to catch up with a read index before answering UNAVAILABLE. */
const MAX_FOLLOWER_APPLY_WAIT_MS = 5_000;
const WAL_RETIRED = 'SyncWAL is deprecated in Raft mode. Raft handles log replication automatically.';

export function metaServiceDefinition(): MetaServerServiceDefinition {
  return metaProto().dfs_project.MetaServerService.service;
}

/**
 * The definition the server binds: the contract's, except that Heartbeat requests are read by our
 * own decoder (heartbeat-decoder.ts: block ids straight into a Float64Array). A copy, so clients
 * and the forwarder in this process keep the generic codec.
 */
export function metaServerBinding(): MetaServerServiceDefinition {
  const definition = metaServiceDefinition();
  return {
    ...definition,
    Heartbeat: { ...definition.Heartbeat, requestDeserialize: decodeHeartbeatRequest },
  } as unknown as MetaServerServiceDefinition;
}

export function metaServiceHandlers(node: MetaNode, forwarder: Forwarder, purger: TrashPurger): MetaServerServiceHandlers {
  const definition = metaServiceDefinition();
  /** The leader's gRPC address, or the UNAVAILABLE error that says why there is none. */
  const leaderAddress = (): string => {
    const leader = node.raft.leader();
    if (leader === undefined) throw unavailable('no leader is known right now; retry shortly');
    const address = node.members.grpcAddressOf(leader.id);
    if (address === undefined) throw unavailable(`the leader ${leader.id} has no known gRPC address`);
    return address;
  };
  const followerReads = new FollowerReads({
    askLeader: async () => {
      const address = leaderAddress();
      const answer = await forwarder.forward(
        address,
        definition.ReadIndex,
        { node_id: node.settings.nodeId },
        new grpc.Metadata(),
        Date.now() + READ_INDEX_TIMEOUT_MS,
      );
      return Number(answer.index);
    },
    appliedIndex: () => node.fsm.appliedIndex(),
    onApplied: (listener) => node.fsm.onApplied(listener),
    maxApplyWaitMs: MAX_FOLLOWER_APPLY_WAIT_MS,
  });

  const forwardToLeader = async <K extends UnaryMethod>(
    method: K,
    call: grpc.ServerUnaryCall<RequestOf<K>, ResponseOf<K>>,
  ): Promise<ResponseOf<K>> => {
    const methodDefinition = definition[method] as unknown as Parameters<Forwarder['forward']>[1];
    return (await forwarder.forward(leaderAddress(), methodDefinition, call.request, call.metadata, call.getDeadline())) as ResponseOf<K>;
  };

  const unary =
    <K extends UnaryMethod>(method: K, serve: (routing: CallRouting, request: RequestOf<K>) => Promise<ResponseOf<K>> | ResponseOf<K>) =>
    (call: grpc.ServerUnaryCall<RequestOf<K>, ResponseOf<K>>, callback: grpc.sendUnaryData<ResponseOf<K>>): void => {
      const routing = new CallRouting(node, call.metadata, followerReads);
      const fail = (error: unknown): void => {
        const answer = toServiceError(error);
        if (!(error instanceof ServiceError) && answer.code === grpc.status.INTERNAL) {
          node.logger.error('call failed', { method, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        }
        callback({ code: answer.code, details: answer.message });
      };
      Promise.resolve()
        .then(() => serve(routing, call.request))
        .then(
          (response) => callback(null, response),
          (error: unknown) => {
            if (!(error instanceof NeedsLeader)) return fail(error);
            forwardToLeader(method, call).then((response) => callback(null, response), fail);
          },
        );
    };

  const handlers: MetaServerServiceHandlers = {
    CreateNode: unary('CreateNode', (r, q) => createNode(node, r, q)),
    GetNodeInfo: unary('GetNodeInfo', (r, q) => getNodeInfo(node, r, q)),
    ListDirectory: unary('ListDirectory', (r, q) => listDirectory(node, r, q)),
    DeleteNode: unary('DeleteNode', (r, q) => deleteNode(node, r, q, purger)),
    GetBlockLocations: unary('GetBlockLocations', (r, q) => getBlockLocations(node, r, q)),
    FinalizeWrite: unary('FinalizeWrite', (r, q) => finalizeWrite(node, r, q)),
    GetClusterInfo: unary('GetClusterInfo', (r) => getClusterInfo(node, r)),
    GetReplicationInfo: unary('GetReplicationInfo', (r, q) => getReplicationInfo(node, r, q)),
    // Never forwarded: a follower answers UNAVAILABLE so that the DataServer moves to the leader.
    // The request is what metaServerBinding()'s decoder made of the bytes, not the generic object.
    Heartbeat: unary('Heartbeat', (_r, q) => heartbeat(node, q as unknown as DecodedHeartbeat)),
    GetLeader: unary('GetLeader', () => getLeader(node)),
    Rename: unary('Rename', (r, q) => rename(node, r, q)),
    // Asked by followers only, and answered only by the leader: never forwarded.
    ReadIndex: unary('ReadIndex', async () => {
      if (node.raft.state() !== 'leader') throw unavailable(`${node.settings.nodeId} is not the leader`);
      return { index: await node.raft.readIndex() };
    }),
    // Retired with the WAL: Raft replicates the log. SyncWAL keeps its old answer (OK, success=false).
    SyncWAL: (call, callback) => {
      call.on('data', () => {});
      call.on('error', () => {});
      callback(null, { success: false, message: WAL_RETIRED });
    },
    RequestWALSync: (call) => {
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'RequestWALSync is retired: Raft replicates the log' });
    },
  };
  // Every method's calls are counted by status code and timed (metrics/grpc-metrics.ts).
  return instrumentService(definition, handlers, nodeMetrics(node).grpc);
}
