// Original file: proto/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddServerRequest as _minfs_admin_AddServerRequest, AddServerRequest__Output as _minfs_admin_AddServerRequest__Output } from '../../minfs/admin/AddServerRequest';
import type { ChangeReply as _minfs_admin_ChangeReply, ChangeReply__Output as _minfs_admin_ChangeReply__Output } from '../../minfs/admin/ChangeReply';
import type { CheckpointDigestRequest as _minfs_admin_CheckpointDigestRequest, CheckpointDigestRequest__Output as _minfs_admin_CheckpointDigestRequest__Output } from '../../minfs/admin/CheckpointDigestRequest';
import type { CheckpointReply as _minfs_admin_CheckpointReply, CheckpointReply__Output as _minfs_admin_CheckpointReply__Output } from '../../minfs/admin/CheckpointReply';
import type { CheckpointRequest as _minfs_admin_CheckpointRequest, CheckpointRequest__Output as _minfs_admin_CheckpointRequest__Output } from '../../minfs/admin/CheckpointRequest';
import type { Digest as _minfs_admin_Digest, Digest__Output as _minfs_admin_Digest__Output } from '../../minfs/admin/Digest';
import type { ImportReply as _minfs_admin_ImportReply, ImportReply__Output as _minfs_admin_ImportReply__Output } from '../../minfs/admin/ImportReply';
import type { ImportRequest as _minfs_admin_ImportRequest, ImportRequest__Output as _minfs_admin_ImportRequest__Output } from '../../minfs/admin/ImportRequest';
import type { MembersReply as _minfs_admin_MembersReply, MembersReply__Output as _minfs_admin_MembersReply__Output } from '../../minfs/admin/MembersReply';
import type { MembersRequest as _minfs_admin_MembersRequest, MembersRequest__Output as _minfs_admin_MembersRequest__Output } from '../../minfs/admin/MembersRequest';
import type { NodeStatus as _minfs_admin_NodeStatus, NodeStatus__Output as _minfs_admin_NodeStatus__Output } from '../../minfs/admin/NodeStatus';
import type { RemoveServerRequest as _minfs_admin_RemoveServerRequest, RemoveServerRequest__Output as _minfs_admin_RemoveServerRequest__Output } from '../../minfs/admin/RemoveServerRequest';
import type { SnapshotChunk as _minfs_admin_SnapshotChunk, SnapshotChunk__Output as _minfs_admin_SnapshotChunk__Output } from '../../minfs/admin/SnapshotChunk';
import type { SnapshotSaveRequest as _minfs_admin_SnapshotSaveRequest, SnapshotSaveRequest__Output as _minfs_admin_SnapshotSaveRequest__Output } from '../../minfs/admin/SnapshotSaveRequest';
import type { StatusRequest as _minfs_admin_StatusRequest, StatusRequest__Output as _minfs_admin_StatusRequest__Output } from '../../minfs/admin/StatusRequest';
import type { TakeSnapshotRequest as _minfs_admin_TakeSnapshotRequest, TakeSnapshotRequest__Output as _minfs_admin_TakeSnapshotRequest__Output } from '../../minfs/admin/TakeSnapshotRequest';
import type { TakenSnapshot as _minfs_admin_TakenSnapshot, TakenSnapshot__Output as _minfs_admin_TakenSnapshot__Output } from '../../minfs/admin/TakenSnapshot';
import type { TransferRequest as _minfs_admin_TransferRequest, TransferRequest__Output as _minfs_admin_TransferRequest__Output } from '../../minfs/admin/TransferRequest';

export interface MetaAdminClient extends grpc.Client {
  AddNonvoter(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  AddNonvoter(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  AddNonvoter(argument: _minfs_admin_AddServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  AddNonvoter(argument: _minfs_admin_AddServerRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  addNonvoter(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  addNonvoter(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  addNonvoter(argument: _minfs_admin_AddServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  addNonvoter(argument: _minfs_admin_AddServerRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leader only: membership changes. A call to a follower fails with FAILED_PRECONDITION naming the leader.
   */
  AddVoter(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  AddVoter(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  AddVoter(argument: _minfs_admin_AddServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  AddVoter(argument: _minfs_admin_AddServerRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  /**
   * Leader only: membership changes. A call to a follower fails with FAILED_PRECONDITION naming the leader.
   */
  addVoter(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  addVoter(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  addVoter(argument: _minfs_admin_AddServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  addVoter(argument: _minfs_admin_AddServerRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leader only: appends a checkpoint entry and returns its id; every replica hashes its state there.
   */
  Checkpoint(argument: _minfs_admin_CheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_CheckpointReply__Output>): grpc.ClientUnaryCall;
  Checkpoint(argument: _minfs_admin_CheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_CheckpointReply__Output>): grpc.ClientUnaryCall;
  Checkpoint(argument: _minfs_admin_CheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_CheckpointReply__Output>): grpc.ClientUnaryCall;
  Checkpoint(argument: _minfs_admin_CheckpointRequest, callback: grpc.requestCallback<_minfs_admin_CheckpointReply__Output>): grpc.ClientUnaryCall;
  /**
   * Leader only: appends a checkpoint entry and returns its id; every replica hashes its state there.
   */
  checkpoint(argument: _minfs_admin_CheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_CheckpointReply__Output>): grpc.ClientUnaryCall;
  checkpoint(argument: _minfs_admin_CheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_CheckpointReply__Output>): grpc.ClientUnaryCall;
  checkpoint(argument: _minfs_admin_CheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_CheckpointReply__Output>): grpc.ClientUnaryCall;
  checkpoint(argument: _minfs_admin_CheckpointRequest, callback: grpc.requestCallback<_minfs_admin_CheckpointReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * This node's digest at a checkpoint (waits until it has applied it, up to timeout_ms).
   */
  CheckpointDigest(argument: _minfs_admin_CheckpointDigestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_Digest__Output>): grpc.ClientUnaryCall;
  CheckpointDigest(argument: _minfs_admin_CheckpointDigestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_Digest__Output>): grpc.ClientUnaryCall;
  CheckpointDigest(argument: _minfs_admin_CheckpointDigestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_Digest__Output>): grpc.ClientUnaryCall;
  CheckpointDigest(argument: _minfs_admin_CheckpointDigestRequest, callback: grpc.requestCallback<_minfs_admin_Digest__Output>): grpc.ClientUnaryCall;
  /**
   * This node's digest at a checkpoint (waits until it has applied it, up to timeout_ms).
   */
  checkpointDigest(argument: _minfs_admin_CheckpointDigestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_Digest__Output>): grpc.ClientUnaryCall;
  checkpointDigest(argument: _minfs_admin_CheckpointDigestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_Digest__Output>): grpc.ClientUnaryCall;
  checkpointDigest(argument: _minfs_admin_CheckpointDigestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_Digest__Output>): grpc.ClientUnaryCall;
  checkpointDigest(argument: _minfs_admin_CheckpointDigestRequest, callback: grpc.requestCallback<_minfs_admin_Digest__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leader only: creates up to 10,000 files and directories through one log entry, each as CreateNode
   * with parents would (minfs-admin import). Every member must run a release that has it.
   */
  Import(argument: _minfs_admin_ImportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ImportReply__Output>): grpc.ClientUnaryCall;
  Import(argument: _minfs_admin_ImportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ImportReply__Output>): grpc.ClientUnaryCall;
  Import(argument: _minfs_admin_ImportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ImportReply__Output>): grpc.ClientUnaryCall;
  Import(argument: _minfs_admin_ImportRequest, callback: grpc.requestCallback<_minfs_admin_ImportReply__Output>): grpc.ClientUnaryCall;
  /**
   * Leader only: creates up to 10,000 files and directories through one log entry, each as CreateNode
   * with parents would (minfs-admin import). Every member must run a release that has it.
   */
  import(argument: _minfs_admin_ImportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ImportReply__Output>): grpc.ClientUnaryCall;
  import(argument: _minfs_admin_ImportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ImportReply__Output>): grpc.ClientUnaryCall;
  import(argument: _minfs_admin_ImportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ImportReply__Output>): grpc.ClientUnaryCall;
  import(argument: _minfs_admin_ImportRequest, callback: grpc.requestCallback<_minfs_admin_ImportReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A new node asks to join: added as a non-voter, promoted to voter by the leader once caught up.
   */
  Join(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  Join(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  Join(argument: _minfs_admin_AddServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  Join(argument: _minfs_admin_AddServerRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  /**
   * A new node asks to join: added as a non-voter, promoted to voter by the leader once caught up.
   */
  join(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  join(argument: _minfs_admin_AddServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  join(argument: _minfs_admin_AddServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  join(argument: _minfs_admin_AddServerRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * The Raft configuration as this node knows it, with every member's gRPC address.
   */
  Members(argument: _minfs_admin_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_MembersReply__Output>): grpc.ClientUnaryCall;
  Members(argument: _minfs_admin_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_MembersReply__Output>): grpc.ClientUnaryCall;
  Members(argument: _minfs_admin_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_MembersReply__Output>): grpc.ClientUnaryCall;
  Members(argument: _minfs_admin_MembersRequest, callback: grpc.requestCallback<_minfs_admin_MembersReply__Output>): grpc.ClientUnaryCall;
  /**
   * The Raft configuration as this node knows it, with every member's gRPC address.
   */
  members(argument: _minfs_admin_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_MembersReply__Output>): grpc.ClientUnaryCall;
  members(argument: _minfs_admin_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_MembersReply__Output>): grpc.ClientUnaryCall;
  members(argument: _minfs_admin_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_MembersReply__Output>): grpc.ClientUnaryCall;
  members(argument: _minfs_admin_MembersRequest, callback: grpc.requestCallback<_minfs_admin_MembersReply__Output>): grpc.ClientUnaryCall;
  
  RemoveServer(argument: _minfs_admin_RemoveServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  RemoveServer(argument: _minfs_admin_RemoveServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  RemoveServer(argument: _minfs_admin_RemoveServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  RemoveServer(argument: _minfs_admin_RemoveServerRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  removeServer(argument: _minfs_admin_RemoveServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  removeServer(argument: _minfs_admin_RemoveServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  removeServer(argument: _minfs_admin_RemoveServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  removeServer(argument: _minfs_admin_RemoveServerRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leader only: replaces the state of every replica with a saved snapshot (disaster recovery).
   */
  SnapshotRestore(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientWritableStream<_minfs_admin_SnapshotChunk>;
  SnapshotRestore(metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientWritableStream<_minfs_admin_SnapshotChunk>;
  SnapshotRestore(options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientWritableStream<_minfs_admin_SnapshotChunk>;
  SnapshotRestore(callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientWritableStream<_minfs_admin_SnapshotChunk>;
  /**
   * Leader only: replaces the state of every replica with a saved snapshot (disaster recovery).
   */
  snapshotRestore(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientWritableStream<_minfs_admin_SnapshotChunk>;
  snapshotRestore(metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientWritableStream<_minfs_admin_SnapshotChunk>;
  snapshotRestore(options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientWritableStream<_minfs_admin_SnapshotChunk>;
  snapshotRestore(callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientWritableStream<_minfs_admin_SnapshotChunk>;
  
  /**
   * Leader only: a fresh snapshot of the namespace, streamed (the FSM's own snapshot format).
   */
  SnapshotSave(argument: _minfs_admin_SnapshotSaveRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_minfs_admin_SnapshotChunk__Output>;
  SnapshotSave(argument: _minfs_admin_SnapshotSaveRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_minfs_admin_SnapshotChunk__Output>;
  /**
   * Leader only: a fresh snapshot of the namespace, streamed (the FSM's own snapshot format).
   */
  snapshotSave(argument: _minfs_admin_SnapshotSaveRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_minfs_admin_SnapshotChunk__Output>;
  snapshotSave(argument: _minfs_admin_SnapshotSaveRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_minfs_admin_SnapshotChunk__Output>;
  
  /**
   * This node's Raft view: role, term, leader, log indices, and (leader only) each peer's progress.
   */
  Status(argument: _minfs_admin_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _minfs_admin_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _minfs_admin_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _minfs_admin_StatusRequest, callback: grpc.requestCallback<_minfs_admin_NodeStatus__Output>): grpc.ClientUnaryCall;
  /**
   * This node's Raft view: role, term, leader, log indices, and (leader only) each peer's progress.
   */
  status(argument: _minfs_admin_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _minfs_admin_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _minfs_admin_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _minfs_admin_StatusRequest, callback: grpc.requestCallback<_minfs_admin_NodeStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * This node takes a snapshot now and compacts its log behind it (hashicorp's Snapshot()).
   */
  TakeSnapshot(argument: _minfs_admin_TakeSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_TakenSnapshot__Output>): grpc.ClientUnaryCall;
  TakeSnapshot(argument: _minfs_admin_TakeSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_TakenSnapshot__Output>): grpc.ClientUnaryCall;
  TakeSnapshot(argument: _minfs_admin_TakeSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_TakenSnapshot__Output>): grpc.ClientUnaryCall;
  TakeSnapshot(argument: _minfs_admin_TakeSnapshotRequest, callback: grpc.requestCallback<_minfs_admin_TakenSnapshot__Output>): grpc.ClientUnaryCall;
  /**
   * This node takes a snapshot now and compacts its log behind it (hashicorp's Snapshot()).
   */
  takeSnapshot(argument: _minfs_admin_TakeSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_TakenSnapshot__Output>): grpc.ClientUnaryCall;
  takeSnapshot(argument: _minfs_admin_TakeSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_TakenSnapshot__Output>): grpc.ClientUnaryCall;
  takeSnapshot(argument: _minfs_admin_TakeSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_TakenSnapshot__Output>): grpc.ClientUnaryCall;
  takeSnapshot(argument: _minfs_admin_TakeSnapshotRequest, callback: grpc.requestCallback<_minfs_admin_TakenSnapshot__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leader only: hand leadership to target_id (empty: the most up-to-date voter).
   */
  TransferLeadership(argument: _minfs_admin_TransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _minfs_admin_TransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _minfs_admin_TransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _minfs_admin_TransferRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  /**
   * Leader only: hand leadership to target_id (empty: the most up-to-date voter).
   */
  transferLeadership(argument: _minfs_admin_TransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _minfs_admin_TransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _minfs_admin_TransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _minfs_admin_TransferRequest, callback: grpc.requestCallback<_minfs_admin_ChangeReply__Output>): grpc.ClientUnaryCall;
  
}

export interface MetaAdminHandlers extends grpc.UntypedServiceImplementation {
  AddNonvoter: grpc.handleUnaryCall<_minfs_admin_AddServerRequest__Output, _minfs_admin_ChangeReply>;
  
  /**
   * Leader only: membership changes. A call to a follower fails with FAILED_PRECONDITION naming the leader.
   */
  AddVoter: grpc.handleUnaryCall<_minfs_admin_AddServerRequest__Output, _minfs_admin_ChangeReply>;
  
  /**
   * Leader only: appends a checkpoint entry and returns its id; every replica hashes its state there.
   */
  Checkpoint: grpc.handleUnaryCall<_minfs_admin_CheckpointRequest__Output, _minfs_admin_CheckpointReply>;
  
  /**
   * This node's digest at a checkpoint (waits until it has applied it, up to timeout_ms).
   */
  CheckpointDigest: grpc.handleUnaryCall<_minfs_admin_CheckpointDigestRequest__Output, _minfs_admin_Digest>;
  
  /**
   * Leader only: creates up to 10,000 files and directories through one log entry, each as CreateNode
   * with parents would (minfs-admin import). Every member must run a release that has it.
   */
  Import: grpc.handleUnaryCall<_minfs_admin_ImportRequest__Output, _minfs_admin_ImportReply>;
  
  /**
   * A new node asks to join: added as a non-voter, promoted to voter by the leader once caught up.
   */
  Join: grpc.handleUnaryCall<_minfs_admin_AddServerRequest__Output, _minfs_admin_ChangeReply>;
  
  /**
   * The Raft configuration as this node knows it, with every member's gRPC address.
   */
  Members: grpc.handleUnaryCall<_minfs_admin_MembersRequest__Output, _minfs_admin_MembersReply>;
  
  RemoveServer: grpc.handleUnaryCall<_minfs_admin_RemoveServerRequest__Output, _minfs_admin_ChangeReply>;
  
  /**
   * Leader only: replaces the state of every replica with a saved snapshot (disaster recovery).
   */
  SnapshotRestore: grpc.handleClientStreamingCall<_minfs_admin_SnapshotChunk__Output, _minfs_admin_ChangeReply>;
  
  /**
   * Leader only: a fresh snapshot of the namespace, streamed (the FSM's own snapshot format).
   */
  SnapshotSave: grpc.handleServerStreamingCall<_minfs_admin_SnapshotSaveRequest__Output, _minfs_admin_SnapshotChunk>;
  
  /**
   * This node's Raft view: role, term, leader, log indices, and (leader only) each peer's progress.
   */
  Status: grpc.handleUnaryCall<_minfs_admin_StatusRequest__Output, _minfs_admin_NodeStatus>;
  
  /**
   * This node takes a snapshot now and compacts its log behind it (hashicorp's Snapshot()).
   */
  TakeSnapshot: grpc.handleUnaryCall<_minfs_admin_TakeSnapshotRequest__Output, _minfs_admin_TakenSnapshot>;
  
  /**
   * Leader only: hand leadership to target_id (empty: the most up-to-date voter).
   */
  TransferLeadership: grpc.handleUnaryCall<_minfs_admin_TransferRequest__Output, _minfs_admin_ChangeReply>;
  
}

export interface MetaAdminDefinition extends grpc.ServiceDefinition {
  AddNonvoter: MethodDefinition<_minfs_admin_AddServerRequest, _minfs_admin_ChangeReply, _minfs_admin_AddServerRequest__Output, _minfs_admin_ChangeReply__Output>
  AddVoter: MethodDefinition<_minfs_admin_AddServerRequest, _minfs_admin_ChangeReply, _minfs_admin_AddServerRequest__Output, _minfs_admin_ChangeReply__Output>
  Checkpoint: MethodDefinition<_minfs_admin_CheckpointRequest, _minfs_admin_CheckpointReply, _minfs_admin_CheckpointRequest__Output, _minfs_admin_CheckpointReply__Output>
  CheckpointDigest: MethodDefinition<_minfs_admin_CheckpointDigestRequest, _minfs_admin_Digest, _minfs_admin_CheckpointDigestRequest__Output, _minfs_admin_Digest__Output>
  Import: MethodDefinition<_minfs_admin_ImportRequest, _minfs_admin_ImportReply, _minfs_admin_ImportRequest__Output, _minfs_admin_ImportReply__Output>
  Join: MethodDefinition<_minfs_admin_AddServerRequest, _minfs_admin_ChangeReply, _minfs_admin_AddServerRequest__Output, _minfs_admin_ChangeReply__Output>
  Members: MethodDefinition<_minfs_admin_MembersRequest, _minfs_admin_MembersReply, _minfs_admin_MembersRequest__Output, _minfs_admin_MembersReply__Output>
  RemoveServer: MethodDefinition<_minfs_admin_RemoveServerRequest, _minfs_admin_ChangeReply, _minfs_admin_RemoveServerRequest__Output, _minfs_admin_ChangeReply__Output>
  SnapshotRestore: MethodDefinition<_minfs_admin_SnapshotChunk, _minfs_admin_ChangeReply, _minfs_admin_SnapshotChunk__Output, _minfs_admin_ChangeReply__Output>
  SnapshotSave: MethodDefinition<_minfs_admin_SnapshotSaveRequest, _minfs_admin_SnapshotChunk, _minfs_admin_SnapshotSaveRequest__Output, _minfs_admin_SnapshotChunk__Output>
  Status: MethodDefinition<_minfs_admin_StatusRequest, _minfs_admin_NodeStatus, _minfs_admin_StatusRequest__Output, _minfs_admin_NodeStatus__Output>
  TakeSnapshot: MethodDefinition<_minfs_admin_TakeSnapshotRequest, _minfs_admin_TakenSnapshot, _minfs_admin_TakeSnapshotRequest__Output, _minfs_admin_TakenSnapshot__Output>
  TransferLeadership: MethodDefinition<_minfs_admin_TransferRequest, _minfs_admin_ChangeReply, _minfs_admin_TransferRequest__Output, _minfs_admin_ChangeReply__Output>
}
