import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AddServerRequest as _minfs_admin_AddServerRequest, AddServerRequest__Output as _minfs_admin_AddServerRequest__Output } from './minfs/admin/AddServerRequest';
import type { ChangeReply as _minfs_admin_ChangeReply, ChangeReply__Output as _minfs_admin_ChangeReply__Output } from './minfs/admin/ChangeReply';
import type { CheckpointDigestRequest as _minfs_admin_CheckpointDigestRequest, CheckpointDigestRequest__Output as _minfs_admin_CheckpointDigestRequest__Output } from './minfs/admin/CheckpointDigestRequest';
import type { CheckpointReply as _minfs_admin_CheckpointReply, CheckpointReply__Output as _minfs_admin_CheckpointReply__Output } from './minfs/admin/CheckpointReply';
import type { CheckpointRequest as _minfs_admin_CheckpointRequest, CheckpointRequest__Output as _minfs_admin_CheckpointRequest__Output } from './minfs/admin/CheckpointRequest';
import type { Digest as _minfs_admin_Digest, Digest__Output as _minfs_admin_Digest__Output } from './minfs/admin/Digest';
import type { ImportNode as _minfs_admin_ImportNode, ImportNode__Output as _minfs_admin_ImportNode__Output } from './minfs/admin/ImportNode';
import type { ImportReply as _minfs_admin_ImportReply, ImportReply__Output as _minfs_admin_ImportReply__Output } from './minfs/admin/ImportReply';
import type { ImportRequest as _minfs_admin_ImportRequest, ImportRequest__Output as _minfs_admin_ImportRequest__Output } from './minfs/admin/ImportRequest';
import type { Member as _minfs_admin_Member, Member__Output as _minfs_admin_Member__Output } from './minfs/admin/Member';
import type { MembersReply as _minfs_admin_MembersReply, MembersReply__Output as _minfs_admin_MembersReply__Output } from './minfs/admin/MembersReply';
import type { MembersRequest as _minfs_admin_MembersRequest, MembersRequest__Output as _minfs_admin_MembersRequest__Output } from './minfs/admin/MembersRequest';
import type { MetaAdminClient as _minfs_admin_MetaAdminClient, MetaAdminDefinition as _minfs_admin_MetaAdminDefinition } from './minfs/admin/MetaAdmin';
import type { NodeStatus as _minfs_admin_NodeStatus, NodeStatus__Output as _minfs_admin_NodeStatus__Output } from './minfs/admin/NodeStatus';
import type { PeerProgress as _minfs_admin_PeerProgress, PeerProgress__Output as _minfs_admin_PeerProgress__Output } from './minfs/admin/PeerProgress';
import type { RemoveServerRequest as _minfs_admin_RemoveServerRequest, RemoveServerRequest__Output as _minfs_admin_RemoveServerRequest__Output } from './minfs/admin/RemoveServerRequest';
import type { SnapshotChunk as _minfs_admin_SnapshotChunk, SnapshotChunk__Output as _minfs_admin_SnapshotChunk__Output } from './minfs/admin/SnapshotChunk';
import type { SnapshotSaveRequest as _minfs_admin_SnapshotSaveRequest, SnapshotSaveRequest__Output as _minfs_admin_SnapshotSaveRequest__Output } from './minfs/admin/SnapshotSaveRequest';
import type { StatusRequest as _minfs_admin_StatusRequest, StatusRequest__Output as _minfs_admin_StatusRequest__Output } from './minfs/admin/StatusRequest';
import type { TakeSnapshotRequest as _minfs_admin_TakeSnapshotRequest, TakeSnapshotRequest__Output as _minfs_admin_TakeSnapshotRequest__Output } from './minfs/admin/TakeSnapshotRequest';
import type { TakenSnapshot as _minfs_admin_TakenSnapshot, TakenSnapshot__Output as _minfs_admin_TakenSnapshot__Output } from './minfs/admin/TakenSnapshot';
import type { TransferRequest as _minfs_admin_TransferRequest, TransferRequest__Output as _minfs_admin_TransferRequest__Output } from './minfs/admin/TransferRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  minfs: {
    admin: {
      AddServerRequest: MessageTypeDefinition<_minfs_admin_AddServerRequest, _minfs_admin_AddServerRequest__Output>
      ChangeReply: MessageTypeDefinition<_minfs_admin_ChangeReply, _minfs_admin_ChangeReply__Output>
      CheckpointDigestRequest: MessageTypeDefinition<_minfs_admin_CheckpointDigestRequest, _minfs_admin_CheckpointDigestRequest__Output>
      CheckpointReply: MessageTypeDefinition<_minfs_admin_CheckpointReply, _minfs_admin_CheckpointReply__Output>
      CheckpointRequest: MessageTypeDefinition<_minfs_admin_CheckpointRequest, _minfs_admin_CheckpointRequest__Output>
      Digest: MessageTypeDefinition<_minfs_admin_Digest, _minfs_admin_Digest__Output>
      ImportNode: MessageTypeDefinition<_minfs_admin_ImportNode, _minfs_admin_ImportNode__Output>
      ImportReply: MessageTypeDefinition<_minfs_admin_ImportReply, _minfs_admin_ImportReply__Output>
      ImportRequest: MessageTypeDefinition<_minfs_admin_ImportRequest, _minfs_admin_ImportRequest__Output>
      Member: MessageTypeDefinition<_minfs_admin_Member, _minfs_admin_Member__Output>
      MembersReply: MessageTypeDefinition<_minfs_admin_MembersReply, _minfs_admin_MembersReply__Output>
      MembersRequest: MessageTypeDefinition<_minfs_admin_MembersRequest, _minfs_admin_MembersRequest__Output>
      MetaAdmin: SubtypeConstructor<typeof grpc.Client, _minfs_admin_MetaAdminClient> & { service: _minfs_admin_MetaAdminDefinition }
      NodeStatus: MessageTypeDefinition<_minfs_admin_NodeStatus, _minfs_admin_NodeStatus__Output>
      PeerProgress: MessageTypeDefinition<_minfs_admin_PeerProgress, _minfs_admin_PeerProgress__Output>
      RemoveServerRequest: MessageTypeDefinition<_minfs_admin_RemoveServerRequest, _minfs_admin_RemoveServerRequest__Output>
      SnapshotChunk: MessageTypeDefinition<_minfs_admin_SnapshotChunk, _minfs_admin_SnapshotChunk__Output>
      SnapshotSaveRequest: MessageTypeDefinition<_minfs_admin_SnapshotSaveRequest, _minfs_admin_SnapshotSaveRequest__Output>
      StatusRequest: MessageTypeDefinition<_minfs_admin_StatusRequest, _minfs_admin_StatusRequest__Output>
      TakeSnapshotRequest: MessageTypeDefinition<_minfs_admin_TakeSnapshotRequest, _minfs_admin_TakeSnapshotRequest__Output>
      TakenSnapshot: MessageTypeDefinition<_minfs_admin_TakenSnapshot, _minfs_admin_TakenSnapshot__Output>
      TransferRequest: MessageTypeDefinition<_minfs_admin_TransferRequest, _minfs_admin_TransferRequest__Output>
    }
  }
}

