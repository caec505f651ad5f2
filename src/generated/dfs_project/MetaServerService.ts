// Original file: proto/metaserver.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateNodeRequest as _dfs_project_CreateNodeRequest, CreateNodeRequest__Output as _dfs_project_CreateNodeRequest__Output } from '../dfs_project/CreateNodeRequest';
import type { DeleteNodeRequest as _dfs_project_DeleteNodeRequest, DeleteNodeRequest__Output as _dfs_project_DeleteNodeRequest__Output } from '../dfs_project/DeleteNodeRequest';
import type { FinalizeWriteRequest as _dfs_project_FinalizeWriteRequest, FinalizeWriteRequest__Output as _dfs_project_FinalizeWriteRequest__Output } from '../dfs_project/FinalizeWriteRequest';
import type { GetBlockLocationsRequest as _dfs_project_GetBlockLocationsRequest, GetBlockLocationsRequest__Output as _dfs_project_GetBlockLocationsRequest__Output } from '../dfs_project/GetBlockLocationsRequest';
import type { GetBlockLocationsResponse as _dfs_project_GetBlockLocationsResponse, GetBlockLocationsResponse__Output as _dfs_project_GetBlockLocationsResponse__Output } from '../dfs_project/GetBlockLocationsResponse';
import type { GetClusterInfoRequest as _dfs_project_GetClusterInfoRequest, GetClusterInfoRequest__Output as _dfs_project_GetClusterInfoRequest__Output } from '../dfs_project/GetClusterInfoRequest';
import type { GetClusterInfoResponse as _dfs_project_GetClusterInfoResponse, GetClusterInfoResponse__Output as _dfs_project_GetClusterInfoResponse__Output } from '../dfs_project/GetClusterInfoResponse';
import type { GetLeaderRequest as _dfs_project_GetLeaderRequest, GetLeaderRequest__Output as _dfs_project_GetLeaderRequest__Output } from '../dfs_project/GetLeaderRequest';
import type { GetLeaderResponse as _dfs_project_GetLeaderResponse, GetLeaderResponse__Output as _dfs_project_GetLeaderResponse__Output } from '../dfs_project/GetLeaderResponse';
import type { GetNodeInfoRequest as _dfs_project_GetNodeInfoRequest, GetNodeInfoRequest__Output as _dfs_project_GetNodeInfoRequest__Output } from '../dfs_project/GetNodeInfoRequest';
import type { GetNodeInfoResponse as _dfs_project_GetNodeInfoResponse, GetNodeInfoResponse__Output as _dfs_project_GetNodeInfoResponse__Output } from '../dfs_project/GetNodeInfoResponse';
import type { GetReplicationInfoRequest as _dfs_project_GetReplicationInfoRequest, GetReplicationInfoRequest__Output as _dfs_project_GetReplicationInfoRequest__Output } from '../dfs_project/GetReplicationInfoRequest';
import type { GetReplicationInfoResponse as _dfs_project_GetReplicationInfoResponse, GetReplicationInfoResponse__Output as _dfs_project_GetReplicationInfoResponse__Output } from '../dfs_project/GetReplicationInfoResponse';
import type { HeartbeatRequest as _dfs_project_HeartbeatRequest, HeartbeatRequest__Output as _dfs_project_HeartbeatRequest__Output } from '../dfs_project/HeartbeatRequest';
import type { HeartbeatResponse as _dfs_project_HeartbeatResponse, HeartbeatResponse__Output as _dfs_project_HeartbeatResponse__Output } from '../dfs_project/HeartbeatResponse';
import type { ListDirectoryRequest as _dfs_project_ListDirectoryRequest, ListDirectoryRequest__Output as _dfs_project_ListDirectoryRequest__Output } from '../dfs_project/ListDirectoryRequest';
import type { ListDirectoryResponse as _dfs_project_ListDirectoryResponse, ListDirectoryResponse__Output as _dfs_project_ListDirectoryResponse__Output } from '../dfs_project/ListDirectoryResponse';
import type { LogEntry as _dfs_project_LogEntry, LogEntry__Output as _dfs_project_LogEntry__Output } from '../dfs_project/LogEntry';
import type { ReadIndexRequest as _dfs_project_ReadIndexRequest, ReadIndexRequest__Output as _dfs_project_ReadIndexRequest__Output } from '../dfs_project/ReadIndexRequest';
import type { ReadIndexResponse as _dfs_project_ReadIndexResponse, ReadIndexResponse__Output as _dfs_project_ReadIndexResponse__Output } from '../dfs_project/ReadIndexResponse';
import type { RenameRequest as _dfs_project_RenameRequest, RenameRequest__Output as _dfs_project_RenameRequest__Output } from '../dfs_project/RenameRequest';
import type { RequestWALSyncRequest as _dfs_project_RequestWALSyncRequest, RequestWALSyncRequest__Output as _dfs_project_RequestWALSyncRequest__Output } from '../dfs_project/RequestWALSyncRequest';
import type { SimpleResponse as _dfs_project_SimpleResponse, SimpleResponse__Output as _dfs_project_SimpleResponse__Output } from '../dfs_project/SimpleResponse';

export interface MetaServerServiceClient extends grpc.Client {
  CreateNode(argument: _dfs_project_CreateNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  CreateNode(argument: _dfs_project_CreateNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  CreateNode(argument: _dfs_project_CreateNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  CreateNode(argument: _dfs_project_CreateNodeRequest, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  createNode(argument: _dfs_project_CreateNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  createNode(argument: _dfs_project_CreateNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  createNode(argument: _dfs_project_CreateNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  createNode(argument: _dfs_project_CreateNodeRequest, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteNode(argument: _dfs_project_DeleteNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  DeleteNode(argument: _dfs_project_DeleteNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  DeleteNode(argument: _dfs_project_DeleteNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  DeleteNode(argument: _dfs_project_DeleteNodeRequest, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  deleteNode(argument: _dfs_project_DeleteNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  deleteNode(argument: _dfs_project_DeleteNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  deleteNode(argument: _dfs_project_DeleteNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  deleteNode(argument: _dfs_project_DeleteNodeRequest, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  
  FinalizeWrite(argument: _dfs_project_FinalizeWriteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  FinalizeWrite(argument: _dfs_project_FinalizeWriteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  FinalizeWrite(argument: _dfs_project_FinalizeWriteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  FinalizeWrite(argument: _dfs_project_FinalizeWriteRequest, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  finalizeWrite(argument: _dfs_project_FinalizeWriteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  finalizeWrite(argument: _dfs_project_FinalizeWriteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  finalizeWrite(argument: _dfs_project_FinalizeWriteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  finalizeWrite(argument: _dfs_project_FinalizeWriteRequest, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  
  GetBlockLocations(argument: _dfs_project_GetBlockLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetBlockLocationsResponse__Output>): grpc.ClientUnaryCall;
  GetBlockLocations(argument: _dfs_project_GetBlockLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetBlockLocationsResponse__Output>): grpc.ClientUnaryCall;
  GetBlockLocations(argument: _dfs_project_GetBlockLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetBlockLocationsResponse__Output>): grpc.ClientUnaryCall;
  GetBlockLocations(argument: _dfs_project_GetBlockLocationsRequest, callback: grpc.requestCallback<_dfs_project_GetBlockLocationsResponse__Output>): grpc.ClientUnaryCall;
  getBlockLocations(argument: _dfs_project_GetBlockLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetBlockLocationsResponse__Output>): grpc.ClientUnaryCall;
  getBlockLocations(argument: _dfs_project_GetBlockLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetBlockLocationsResponse__Output>): grpc.ClientUnaryCall;
  getBlockLocations(argument: _dfs_project_GetBlockLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetBlockLocationsResponse__Output>): grpc.ClientUnaryCall;
  getBlockLocations(argument: _dfs_project_GetBlockLocationsRequest, callback: grpc.requestCallback<_dfs_project_GetBlockLocationsResponse__Output>): grpc.ClientUnaryCall;
  
  GetClusterInfo(argument: _dfs_project_GetClusterInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  GetClusterInfo(argument: _dfs_project_GetClusterInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  GetClusterInfo(argument: _dfs_project_GetClusterInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  GetClusterInfo(argument: _dfs_project_GetClusterInfoRequest, callback: grpc.requestCallback<_dfs_project_GetClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  getClusterInfo(argument: _dfs_project_GetClusterInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  getClusterInfo(argument: _dfs_project_GetClusterInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  getClusterInfo(argument: _dfs_project_GetClusterInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  getClusterInfo(argument: _dfs_project_GetClusterInfoRequest, callback: grpc.requestCallback<_dfs_project_GetClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  
  GetLeader(argument: _dfs_project_GetLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  GetLeader(argument: _dfs_project_GetLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  GetLeader(argument: _dfs_project_GetLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  GetLeader(argument: _dfs_project_GetLeaderRequest, callback: grpc.requestCallback<_dfs_project_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  getLeader(argument: _dfs_project_GetLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  getLeader(argument: _dfs_project_GetLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  getLeader(argument: _dfs_project_GetLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  getLeader(argument: _dfs_project_GetLeaderRequest, callback: grpc.requestCallback<_dfs_project_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  
  GetNodeInfo(argument: _dfs_project_GetNodeInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetNodeInfoResponse__Output>): grpc.ClientUnaryCall;
  GetNodeInfo(argument: _dfs_project_GetNodeInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetNodeInfoResponse__Output>): grpc.ClientUnaryCall;
  GetNodeInfo(argument: _dfs_project_GetNodeInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetNodeInfoResponse__Output>): grpc.ClientUnaryCall;
  GetNodeInfo(argument: _dfs_project_GetNodeInfoRequest, callback: grpc.requestCallback<_dfs_project_GetNodeInfoResponse__Output>): grpc.ClientUnaryCall;
  getNodeInfo(argument: _dfs_project_GetNodeInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetNodeInfoResponse__Output>): grpc.ClientUnaryCall;
  getNodeInfo(argument: _dfs_project_GetNodeInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetNodeInfoResponse__Output>): grpc.ClientUnaryCall;
  getNodeInfo(argument: _dfs_project_GetNodeInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetNodeInfoResponse__Output>): grpc.ClientUnaryCall;
  getNodeInfo(argument: _dfs_project_GetNodeInfoRequest, callback: grpc.requestCallback<_dfs_project_GetNodeInfoResponse__Output>): grpc.ClientUnaryCall;
  
  GetReplicationInfo(argument: _dfs_project_GetReplicationInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetReplicationInfoResponse__Output>): grpc.ClientUnaryCall;
  GetReplicationInfo(argument: _dfs_project_GetReplicationInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetReplicationInfoResponse__Output>): grpc.ClientUnaryCall;
  GetReplicationInfo(argument: _dfs_project_GetReplicationInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetReplicationInfoResponse__Output>): grpc.ClientUnaryCall;
  GetReplicationInfo(argument: _dfs_project_GetReplicationInfoRequest, callback: grpc.requestCallback<_dfs_project_GetReplicationInfoResponse__Output>): grpc.ClientUnaryCall;
  getReplicationInfo(argument: _dfs_project_GetReplicationInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetReplicationInfoResponse__Output>): grpc.ClientUnaryCall;
  getReplicationInfo(argument: _dfs_project_GetReplicationInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_GetReplicationInfoResponse__Output>): grpc.ClientUnaryCall;
  getReplicationInfo(argument: _dfs_project_GetReplicationInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_GetReplicationInfoResponse__Output>): grpc.ClientUnaryCall;
  getReplicationInfo(argument: _dfs_project_GetReplicationInfoRequest, callback: grpc.requestCallback<_dfs_project_GetReplicationInfoResponse__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _dfs_project_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _dfs_project_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _dfs_project_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _dfs_project_HeartbeatRequest, callback: grpc.requestCallback<_dfs_project_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _dfs_project_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _dfs_project_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _dfs_project_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _dfs_project_HeartbeatRequest, callback: grpc.requestCallback<_dfs_project_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  ListDirectory(argument: _dfs_project_ListDirectoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_ListDirectoryResponse__Output>): grpc.ClientUnaryCall;
  ListDirectory(argument: _dfs_project_ListDirectoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_ListDirectoryResponse__Output>): grpc.ClientUnaryCall;
  ListDirectory(argument: _dfs_project_ListDirectoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_ListDirectoryResponse__Output>): grpc.ClientUnaryCall;
  ListDirectory(argument: _dfs_project_ListDirectoryRequest, callback: grpc.requestCallback<_dfs_project_ListDirectoryResponse__Output>): grpc.ClientUnaryCall;
  listDirectory(argument: _dfs_project_ListDirectoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_ListDirectoryResponse__Output>): grpc.ClientUnaryCall;
  listDirectory(argument: _dfs_project_ListDirectoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_ListDirectoryResponse__Output>): grpc.ClientUnaryCall;
  listDirectory(argument: _dfs_project_ListDirectoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_ListDirectoryResponse__Output>): grpc.ClientUnaryCall;
  listDirectory(argument: _dfs_project_ListDirectoryRequest, callback: grpc.requestCallback<_dfs_project_ListDirectoryResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * minfs-metaserver extension, between MetaServers: a follower asks the leader for a read index
   * (the leader confirms its leadership with a quorum first), then serves a linearizable read
   * once it has applied that index itself.
   */
  ReadIndex(argument: _dfs_project_ReadIndexRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  ReadIndex(argument: _dfs_project_ReadIndexRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  ReadIndex(argument: _dfs_project_ReadIndexRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  ReadIndex(argument: _dfs_project_ReadIndexRequest, callback: grpc.requestCallback<_dfs_project_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  /**
   * minfs-metaserver extension, between MetaServers: a follower asks the leader for a read index
   * (the leader confirms its leadership with a quorum first), then serves a linearizable read
   * once it has applied that index itself.
   */
  readIndex(argument: _dfs_project_ReadIndexRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  readIndex(argument: _dfs_project_ReadIndexRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  readIndex(argument: _dfs_project_ReadIndexRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  readIndex(argument: _dfs_project_ReadIndexRequest, callback: grpc.requestCallback<_dfs_project_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * minfs-metaserver extension, invisible to the existing client: renames a file or directory.
   */
  Rename(argument: _dfs_project_RenameRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  Rename(argument: _dfs_project_RenameRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  Rename(argument: _dfs_project_RenameRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  Rename(argument: _dfs_project_RenameRequest, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * minfs-metaserver extension, invisible to the existing client: renames a file or directory.
   */
  rename(argument: _dfs_project_RenameRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  rename(argument: _dfs_project_RenameRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  rename(argument: _dfs_project_RenameRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  rename(argument: _dfs_project_RenameRequest, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deprecated (the original fails it).
   */
  RequestWALSync(argument: _dfs_project_RequestWALSyncRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfs_project_LogEntry__Output>;
  RequestWALSync(argument: _dfs_project_RequestWALSyncRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfs_project_LogEntry__Output>;
  /**
   * Deprecated (the original fails it).
   */
  requestWalSync(argument: _dfs_project_RequestWALSyncRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfs_project_LogEntry__Output>;
  requestWalSync(argument: _dfs_project_RequestWALSyncRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfs_project_LogEntry__Output>;
  
  /**
   * Deprecated (the original replies success=false without reading the stream).
   */
  SyncWAL(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientWritableStream<_dfs_project_LogEntry>;
  SyncWAL(metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientWritableStream<_dfs_project_LogEntry>;
  SyncWAL(options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientWritableStream<_dfs_project_LogEntry>;
  SyncWAL(callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientWritableStream<_dfs_project_LogEntry>;
  /**
   * Deprecated (the original replies success=false without reading the stream).
   */
  syncWal(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientWritableStream<_dfs_project_LogEntry>;
  syncWal(metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientWritableStream<_dfs_project_LogEntry>;
  syncWal(options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientWritableStream<_dfs_project_LogEntry>;
  syncWal(callback: grpc.requestCallback<_dfs_project_SimpleResponse__Output>): grpc.ClientWritableStream<_dfs_project_LogEntry>;
  
}

export interface MetaServerServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateNode: grpc.handleUnaryCall<_dfs_project_CreateNodeRequest__Output, _dfs_project_SimpleResponse>;
  
  DeleteNode: grpc.handleUnaryCall<_dfs_project_DeleteNodeRequest__Output, _dfs_project_SimpleResponse>;
  
  FinalizeWrite: grpc.handleUnaryCall<_dfs_project_FinalizeWriteRequest__Output, _dfs_project_SimpleResponse>;
  
  GetBlockLocations: grpc.handleUnaryCall<_dfs_project_GetBlockLocationsRequest__Output, _dfs_project_GetBlockLocationsResponse>;
  
  GetClusterInfo: grpc.handleUnaryCall<_dfs_project_GetClusterInfoRequest__Output, _dfs_project_GetClusterInfoResponse>;
  
  GetLeader: grpc.handleUnaryCall<_dfs_project_GetLeaderRequest__Output, _dfs_project_GetLeaderResponse>;
  
  GetNodeInfo: grpc.handleUnaryCall<_dfs_project_GetNodeInfoRequest__Output, _dfs_project_GetNodeInfoResponse>;
  
  GetReplicationInfo: grpc.handleUnaryCall<_dfs_project_GetReplicationInfoRequest__Output, _dfs_project_GetReplicationInfoResponse>;
  
  Heartbeat: grpc.handleUnaryCall<_dfs_project_HeartbeatRequest__Output, _dfs_project_HeartbeatResponse>;
  
  ListDirectory: grpc.handleUnaryCall<_dfs_project_ListDirectoryRequest__Output, _dfs_project_ListDirectoryResponse>;
  
  /**
   * minfs-metaserver extension, between MetaServers: a follower asks the leader for a read index
   * (the leader confirms its leadership with a quorum first), then serves a linearizable read
   * once it has applied that index itself.
   */
  ReadIndex: grpc.handleUnaryCall<_dfs_project_ReadIndexRequest__Output, _dfs_project_ReadIndexResponse>;
  
  /**
   * minfs-metaserver extension, invisible to the existing client: renames a file or directory.
   */
  Rename: grpc.handleUnaryCall<_dfs_project_RenameRequest__Output, _dfs_project_SimpleResponse>;
  
  /**
   * Deprecated (the original fails it).
   */
  RequestWALSync: grpc.handleServerStreamingCall<_dfs_project_RequestWALSyncRequest__Output, _dfs_project_LogEntry>;
  
  /**
   * Deprecated (the original replies success=false without reading the stream).
   */
  SyncWAL: grpc.handleClientStreamingCall<_dfs_project_LogEntry__Output, _dfs_project_SimpleResponse>;
  
}

export interface MetaServerServiceDefinition extends grpc.ServiceDefinition {
  CreateNode: MethodDefinition<_dfs_project_CreateNodeRequest, _dfs_project_SimpleResponse, _dfs_project_CreateNodeRequest__Output, _dfs_project_SimpleResponse__Output>
  DeleteNode: MethodDefinition<_dfs_project_DeleteNodeRequest, _dfs_project_SimpleResponse, _dfs_project_DeleteNodeRequest__Output, _dfs_project_SimpleResponse__Output>
  FinalizeWrite: MethodDefinition<_dfs_project_FinalizeWriteRequest, _dfs_project_SimpleResponse, _dfs_project_FinalizeWriteRequest__Output, _dfs_project_SimpleResponse__Output>
  GetBlockLocations: MethodDefinition<_dfs_project_GetBlockLocationsRequest, _dfs_project_GetBlockLocationsResponse, _dfs_project_GetBlockLocationsRequest__Output, _dfs_project_GetBlockLocationsResponse__Output>
  GetClusterInfo: MethodDefinition<_dfs_project_GetClusterInfoRequest, _dfs_project_GetClusterInfoResponse, _dfs_project_GetClusterInfoRequest__Output, _dfs_project_GetClusterInfoResponse__Output>
  GetLeader: MethodDefinition<_dfs_project_GetLeaderRequest, _dfs_project_GetLeaderResponse, _dfs_project_GetLeaderRequest__Output, _dfs_project_GetLeaderResponse__Output>
  GetNodeInfo: MethodDefinition<_dfs_project_GetNodeInfoRequest, _dfs_project_GetNodeInfoResponse, _dfs_project_GetNodeInfoRequest__Output, _dfs_project_GetNodeInfoResponse__Output>
  GetReplicationInfo: MethodDefinition<_dfs_project_GetReplicationInfoRequest, _dfs_project_GetReplicationInfoResponse, _dfs_project_GetReplicationInfoRequest__Output, _dfs_project_GetReplicationInfoResponse__Output>
  Heartbeat: MethodDefinition<_dfs_project_HeartbeatRequest, _dfs_project_HeartbeatResponse, _dfs_project_HeartbeatRequest__Output, _dfs_project_HeartbeatResponse__Output>
  ListDirectory: MethodDefinition<_dfs_project_ListDirectoryRequest, _dfs_project_ListDirectoryResponse, _dfs_project_ListDirectoryRequest__Output, _dfs_project_ListDirectoryResponse__Output>
  ReadIndex: MethodDefinition<_dfs_project_ReadIndexRequest, _dfs_project_ReadIndexResponse, _dfs_project_ReadIndexRequest__Output, _dfs_project_ReadIndexResponse__Output>
  Rename: MethodDefinition<_dfs_project_RenameRequest, _dfs_project_SimpleResponse, _dfs_project_RenameRequest__Output, _dfs_project_SimpleResponse__Output>
  RequestWALSync: MethodDefinition<_dfs_project_RequestWALSyncRequest, _dfs_project_LogEntry, _dfs_project_RequestWALSyncRequest__Output, _dfs_project_LogEntry__Output>
  SyncWAL: MethodDefinition<_dfs_project_LogEntry, _dfs_project_SimpleResponse, _dfs_project_LogEntry__Output, _dfs_project_SimpleResponse__Output>
}
