/**
 * MetaAdmin (proto/admin.proto) for grpc-js: the operators' service, bound next to
 * MetaServerService on the same port. Each handler is a plain function of this directory; this
 * file turns results and errors into gRPC answers (through the one error table, service-error.ts).
 */
import type * as grpc from '@grpc/grpc-js';
import type { MetaAdminDefinition, MetaAdminHandlers } from '../../generated/minfs/admin/MetaAdmin';
import { adminProto } from '../../wire/proto';
import type { MetaNode } from '../meta-node';
import { toServiceError } from '../service-error';
import { checkpoint, checkpointDigest } from './check';
import { importNodes } from './import';
import { addServer, join, removeServer, transferLeadership } from './membership';
import { restoreSnapshot } from './restore';
import { saveSnapshot } from './snapshots';
import { takeSnapshot } from './take-snapshot';
import { members, nodeStatus } from './status';

export function adminDefinition(): MetaAdminDefinition {
  return adminProto().minfs.admin.MetaAdmin.service;
}

export interface AdminContext {
  readonly version: string;
  /** This node's gRPC address as bound (known once the server has bound its port). */
  readonly grpcAddress: () => string;
}

function errorStatus(error: unknown): Partial<grpc.StatusObject> {
  const e = toServiceError(error);
  return { code: e.code, details: e.message };
}

function unary<Req, Res>(node: MetaNode, name: string, run: (request: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => run(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          node.logger.info('admin: call refused', { method: name, error: error instanceof Error ? error.message : String(error) });
          callback(errorStatus(error));
        },
      );
  };
}

export function adminHandlers(node: MetaNode, context: AdminContext): MetaAdminHandlers {
  return {
    Status: unary(node, 'Status', () => nodeStatus(node, context.version, context.grpcAddress())),
    Members: unary(node, 'Members', () => members(node)),
    AddVoter: unary(node, 'AddVoter', (r) =>
      addServer(node, { id: r.id, raftAddress: r.raft_address, grpcAddress: r.grpc_address }, 'voter'),
    ),
    AddNonvoter: unary(node, 'AddNonvoter', (r) =>
      addServer(node, { id: r.id, raftAddress: r.raft_address, grpcAddress: r.grpc_address }, 'nonvoter'),
    ),
    Join: unary(node, 'Join', (r) => join(node, { id: r.id, raftAddress: r.raft_address, grpcAddress: r.grpc_address })),
    RemoveServer: unary(node, 'RemoveServer', (r) => removeServer(node, r.id)),
    TransferLeadership: unary(node, 'TransferLeadership', (r) => transferLeadership(node, r.target_id)),
    Checkpoint: unary(node, 'Checkpoint', () => checkpoint(node)),
    CheckpointDigest: unary(node, 'CheckpointDigest', (r) => checkpointDigest(node, r.checkpoint_id, r.timeout_ms)),
    TakeSnapshot: unary(node, 'TakeSnapshot', () => takeSnapshot(node)),
    Import: unary(node, 'Import', (r) => importNodes(node, r)),
    SnapshotSave: (call) => {
      saveSnapshot(node, call).then(
        () => call.end(),
        (error: unknown) => call.destroy(Object.assign(new Error(toServiceError(error).message), errorStatus(error))),
      );
    },
    SnapshotRestore: (call, callback) => {
      restoreSnapshot(node, call).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(errorStatus(error)),
      );
    },
  };
}
