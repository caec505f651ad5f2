import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BlockLocations as _dfs_project_BlockLocations, BlockLocations__Output as _dfs_project_BlockLocations__Output } from './dfs_project/BlockLocations';
import type { BlockReplicationInfo as _dfs_project_BlockReplicationInfo, BlockReplicationInfo__Output as _dfs_project_BlockReplicationInfo__Output } from './dfs_project/BlockReplicationInfo';
import type { ClusterInfo as _dfs_project_ClusterInfo, ClusterInfo__Output as _dfs_project_ClusterInfo__Output } from './dfs_project/ClusterInfo';
import type { Command as _dfs_project_Command, Command__Output as _dfs_project_Command__Output } from './dfs_project/Command';
import type { CreateNodeOperation as _dfs_project_CreateNodeOperation, CreateNodeOperation__Output as _dfs_project_CreateNodeOperation__Output } from './dfs_project/CreateNodeOperation';
import type { CreateNodeRequest as _dfs_project_CreateNodeRequest, CreateNodeRequest__Output as _dfs_project_CreateNodeRequest__Output } from './dfs_project/CreateNodeRequest';
import type { DataServerMsg as _dfs_project_DataServerMsg, DataServerMsg__Output as _dfs_project_DataServerMsg__Output } from './dfs_project/DataServerMsg';
import type { DeleteNodeOperation as _dfs_project_DeleteNodeOperation, DeleteNodeOperation__Output as _dfs_project_DeleteNodeOperation__Output } from './dfs_project/DeleteNodeOperation';
import type { DeleteNodeRequest as _dfs_project_DeleteNodeRequest, DeleteNodeRequest__Output as _dfs_project_DeleteNodeRequest__Output } from './dfs_project/DeleteNodeRequest';
import type { FinalizeWriteOperation as _dfs_project_FinalizeWriteOperation, FinalizeWriteOperation__Output as _dfs_project_FinalizeWriteOperation__Output } from './dfs_project/FinalizeWriteOperation';
import type { FinalizeWriteRequest as _dfs_project_FinalizeWriteRequest, FinalizeWriteRequest__Output as _dfs_project_FinalizeWriteRequest__Output } from './dfs_project/FinalizeWriteRequest';
import type { GetBlockLocationsRequest as _dfs_project_GetBlockLocationsRequest, GetBlockLocationsRequest__Output as _dfs_project_GetBlockLocationsRequest__Output } from './dfs_project/GetBlockLocationsRequest';
import type { GetBlockLocationsResponse as _dfs_project_GetBlockLocationsResponse, GetBlockLocationsResponse__Output as _dfs_project_GetBlockLocationsResponse__Output } from './dfs_project/GetBlockLocationsResponse';
import type { GetClusterInfoRequest as _dfs_project_GetClusterInfoRequest, GetClusterInfoRequest__Output as _dfs_project_GetClusterInfoRequest__Output } from './dfs_project/GetClusterInfoRequest';
import type { GetClusterInfoResponse as _dfs_project_GetClusterInfoResponse, GetClusterInfoResponse__Output as _dfs_project_GetClusterInfoResponse__Output } from './dfs_project/GetClusterInfoResponse';
import type { GetLeaderRequest as _dfs_project_GetLeaderRequest, GetLeaderRequest__Output as _dfs_project_GetLeaderRequest__Output } from './dfs_project/GetLeaderRequest';
import type { GetLeaderResponse as _dfs_project_GetLeaderResponse, GetLeaderResponse__Output as _dfs_project_GetLeaderResponse__Output } from './dfs_project/GetLeaderResponse';
import type { GetNodeInfoRequest as _dfs_project_GetNodeInfoRequest, GetNodeInfoRequest__Output as _dfs_project_GetNodeInfoRequest__Output } from './dfs_project/GetNodeInfoRequest';
import type { GetNodeInfoResponse as _dfs_project_GetNodeInfoResponse, GetNodeInfoResponse__Output as _dfs_project_GetNodeInfoResponse__Output } from './dfs_project/GetNodeInfoResponse';
import type { GetReplicationInfoRequest as _dfs_project_GetReplicationInfoRequest, GetReplicationInfoRequest__Output as _dfs_project_GetReplicationInfoRequest__Output } from './dfs_project/GetReplicationInfoRequest';
import type { GetReplicationInfoResponse as _dfs_project_GetReplicationInfoResponse, GetReplicationInfoResponse__Output as _dfs_project_GetReplicationInfoResponse__Output } from './dfs_project/GetReplicationInfoResponse';
import type { HeartbeatRequest as _dfs_project_HeartbeatRequest, HeartbeatRequest__Output as _dfs_project_HeartbeatRequest__Output } from './dfs_project/HeartbeatRequest';
import type { HeartbeatResponse as _dfs_project_HeartbeatResponse, HeartbeatResponse__Output as _dfs_project_HeartbeatResponse__Output } from './dfs_project/HeartbeatResponse';
import type { ListDirectoryRequest as _dfs_project_ListDirectoryRequest, ListDirectoryRequest__Output as _dfs_project_ListDirectoryRequest__Output } from './dfs_project/ListDirectoryRequest';
import type { ListDirectoryResponse as _dfs_project_ListDirectoryResponse, ListDirectoryResponse__Output as _dfs_project_ListDirectoryResponse__Output } from './dfs_project/ListDirectoryResponse';
import type { LogEntry as _dfs_project_LogEntry, LogEntry__Output as _dfs_project_LogEntry__Output } from './dfs_project/LogEntry';
import type { MetaServerMsg as _dfs_project_MetaServerMsg, MetaServerMsg__Output as _dfs_project_MetaServerMsg__Output } from './dfs_project/MetaServerMsg';
import type { MetaServerServiceClient as _dfs_project_MetaServerServiceClient, MetaServerServiceDefinition as _dfs_project_MetaServerServiceDefinition } from './dfs_project/MetaServerService';
import type { NodeInfo as _dfs_project_NodeInfo, NodeInfo__Output as _dfs_project_NodeInfo__Output } from './dfs_project/NodeInfo';
import type { ReadIndexRequest as _dfs_project_ReadIndexRequest, ReadIndexRequest__Output as _dfs_project_ReadIndexRequest__Output } from './dfs_project/ReadIndexRequest';
import type { ReadIndexResponse as _dfs_project_ReadIndexResponse, ReadIndexResponse__Output as _dfs_project_ReadIndexResponse__Output } from './dfs_project/ReadIndexResponse';
import type { RenameRequest as _dfs_project_RenameRequest, RenameRequest__Output as _dfs_project_RenameRequest__Output } from './dfs_project/RenameRequest';
import type { ReplicaData as _dfs_project_ReplicaData, ReplicaData__Output as _dfs_project_ReplicaData__Output } from './dfs_project/ReplicaData';
import type { ReplicationStatus as _dfs_project_ReplicationStatus, ReplicationStatus__Output as _dfs_project_ReplicationStatus__Output } from './dfs_project/ReplicationStatus';
import type { RequestWALSyncRequest as _dfs_project_RequestWALSyncRequest, RequestWALSyncRequest__Output as _dfs_project_RequestWALSyncRequest__Output } from './dfs_project/RequestWALSyncRequest';
import type { SetBlockMappingOperation as _dfs_project_SetBlockMappingOperation, SetBlockMappingOperation__Output as _dfs_project_SetBlockMappingOperation__Output } from './dfs_project/SetBlockMappingOperation';
import type { SimpleResponse as _dfs_project_SimpleResponse, SimpleResponse__Output as _dfs_project_SimpleResponse__Output } from './dfs_project/SimpleResponse';
import type { StatInfo as _dfs_project_StatInfo, StatInfo__Output as _dfs_project_StatInfo__Output } from './dfs_project/StatInfo';
import type { UpdateBlockLocationOperation as _dfs_project_UpdateBlockLocationOperation, UpdateBlockLocationOperation__Output as _dfs_project_UpdateBlockLocationOperation__Output } from './dfs_project/UpdateBlockLocationOperation';
import type { UpdateNodeOperation as _dfs_project_UpdateNodeOperation, UpdateNodeOperation__Output as _dfs_project_UpdateNodeOperation__Output } from './dfs_project/UpdateNodeOperation';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dfs_project: {
    BlockLocations: MessageTypeDefinition<_dfs_project_BlockLocations, _dfs_project_BlockLocations__Output>
    BlockReplicationInfo: MessageTypeDefinition<_dfs_project_BlockReplicationInfo, _dfs_project_BlockReplicationInfo__Output>
    ClusterInfo: MessageTypeDefinition<_dfs_project_ClusterInfo, _dfs_project_ClusterInfo__Output>
    Command: MessageTypeDefinition<_dfs_project_Command, _dfs_project_Command__Output>
    CreateNodeOperation: MessageTypeDefinition<_dfs_project_CreateNodeOperation, _dfs_project_CreateNodeOperation__Output>
    CreateNodeRequest: MessageTypeDefinition<_dfs_project_CreateNodeRequest, _dfs_project_CreateNodeRequest__Output>
    DataServerMsg: MessageTypeDefinition<_dfs_project_DataServerMsg, _dfs_project_DataServerMsg__Output>
    DeleteNodeOperation: MessageTypeDefinition<_dfs_project_DeleteNodeOperation, _dfs_project_DeleteNodeOperation__Output>
    DeleteNodeRequest: MessageTypeDefinition<_dfs_project_DeleteNodeRequest, _dfs_project_DeleteNodeRequest__Output>
    FileType: EnumTypeDefinition
    FinalizeWriteOperation: MessageTypeDefinition<_dfs_project_FinalizeWriteOperation, _dfs_project_FinalizeWriteOperation__Output>
    FinalizeWriteRequest: MessageTypeDefinition<_dfs_project_FinalizeWriteRequest, _dfs_project_FinalizeWriteRequest__Output>
    GetBlockLocationsRequest: MessageTypeDefinition<_dfs_project_GetBlockLocationsRequest, _dfs_project_GetBlockLocationsRequest__Output>
    GetBlockLocationsResponse: MessageTypeDefinition<_dfs_project_GetBlockLocationsResponse, _dfs_project_GetBlockLocationsResponse__Output>
    GetClusterInfoRequest: MessageTypeDefinition<_dfs_project_GetClusterInfoRequest, _dfs_project_GetClusterInfoRequest__Output>
    GetClusterInfoResponse: MessageTypeDefinition<_dfs_project_GetClusterInfoResponse, _dfs_project_GetClusterInfoResponse__Output>
    GetLeaderRequest: MessageTypeDefinition<_dfs_project_GetLeaderRequest, _dfs_project_GetLeaderRequest__Output>
    GetLeaderResponse: MessageTypeDefinition<_dfs_project_GetLeaderResponse, _dfs_project_GetLeaderResponse__Output>
    GetNodeInfoRequest: MessageTypeDefinition<_dfs_project_GetNodeInfoRequest, _dfs_project_GetNodeInfoRequest__Output>
    GetNodeInfoResponse: MessageTypeDefinition<_dfs_project_GetNodeInfoResponse, _dfs_project_GetNodeInfoResponse__Output>
    GetReplicationInfoRequest: MessageTypeDefinition<_dfs_project_GetReplicationInfoRequest, _dfs_project_GetReplicationInfoRequest__Output>
    GetReplicationInfoResponse: MessageTypeDefinition<_dfs_project_GetReplicationInfoResponse, _dfs_project_GetReplicationInfoResponse__Output>
    HeartbeatRequest: MessageTypeDefinition<_dfs_project_HeartbeatRequest, _dfs_project_HeartbeatRequest__Output>
    HeartbeatResponse: MessageTypeDefinition<_dfs_project_HeartbeatResponse, _dfs_project_HeartbeatResponse__Output>
    ListDirectoryRequest: MessageTypeDefinition<_dfs_project_ListDirectoryRequest, _dfs_project_ListDirectoryRequest__Output>
    ListDirectoryResponse: MessageTypeDefinition<_dfs_project_ListDirectoryResponse, _dfs_project_ListDirectoryResponse__Output>
    LogEntry: MessageTypeDefinition<_dfs_project_LogEntry, _dfs_project_LogEntry__Output>
    MetaServerMsg: MessageTypeDefinition<_dfs_project_MetaServerMsg, _dfs_project_MetaServerMsg__Output>
    MetaServerService: SubtypeConstructor<typeof grpc.Client, _dfs_project_MetaServerServiceClient> & { service: _dfs_project_MetaServerServiceDefinition }
    NodeInfo: MessageTypeDefinition<_dfs_project_NodeInfo, _dfs_project_NodeInfo__Output>
    ReadIndexRequest: MessageTypeDefinition<_dfs_project_ReadIndexRequest, _dfs_project_ReadIndexRequest__Output>
    ReadIndexResponse: MessageTypeDefinition<_dfs_project_ReadIndexResponse, _dfs_project_ReadIndexResponse__Output>
    RenameRequest: MessageTypeDefinition<_dfs_project_RenameRequest, _dfs_project_RenameRequest__Output>
    ReplicaData: MessageTypeDefinition<_dfs_project_ReplicaData, _dfs_project_ReplicaData__Output>
    ReplicationStatus: MessageTypeDefinition<_dfs_project_ReplicationStatus, _dfs_project_ReplicationStatus__Output>
    RequestWALSyncRequest: MessageTypeDefinition<_dfs_project_RequestWALSyncRequest, _dfs_project_RequestWALSyncRequest__Output>
    SetBlockMappingOperation: MessageTypeDefinition<_dfs_project_SetBlockMappingOperation, _dfs_project_SetBlockMappingOperation__Output>
    SimpleResponse: MessageTypeDefinition<_dfs_project_SimpleResponse, _dfs_project_SimpleResponse__Output>
    StatInfo: MessageTypeDefinition<_dfs_project_StatInfo, _dfs_project_StatInfo__Output>
    UpdateBlockLocationOperation: MessageTypeDefinition<_dfs_project_UpdateBlockLocationOperation, _dfs_project_UpdateBlockLocationOperation__Output>
    UpdateNodeOperation: MessageTypeDefinition<_dfs_project_UpdateNodeOperation, _dfs_project_UpdateNodeOperation__Output>
    WALOperationType: EnumTypeDefinition
  }
}

