import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CopyBlockRequest as _dfs_project_CopyBlockRequest, CopyBlockRequest__Output as _dfs_project_CopyBlockRequest__Output } from './dfs_project/CopyBlockRequest';
import type { CopyBlockResponse as _dfs_project_CopyBlockResponse, CopyBlockResponse__Output as _dfs_project_CopyBlockResponse__Output } from './dfs_project/CopyBlockResponse';
import type { DataServerServiceClient as _dfs_project_DataServerServiceClient, DataServerServiceDefinition as _dfs_project_DataServerServiceDefinition } from './dfs_project/DataServerService';
import type { DeleteBlockRequest as _dfs_project_DeleteBlockRequest, DeleteBlockRequest__Output as _dfs_project_DeleteBlockRequest__Output } from './dfs_project/DeleteBlockRequest';
import type { DeleteBlockResponse as _dfs_project_DeleteBlockResponse, DeleteBlockResponse__Output as _dfs_project_DeleteBlockResponse__Output } from './dfs_project/DeleteBlockResponse';
import type { ReadBlockRequest as _dfs_project_ReadBlockRequest, ReadBlockRequest__Output as _dfs_project_ReadBlockRequest__Output } from './dfs_project/ReadBlockRequest';
import type { ReadBlockResponse as _dfs_project_ReadBlockResponse, ReadBlockResponse__Output as _dfs_project_ReadBlockResponse__Output } from './dfs_project/ReadBlockResponse';
import type { WriteBlockMetadata as _dfs_project_WriteBlockMetadata, WriteBlockMetadata__Output as _dfs_project_WriteBlockMetadata__Output } from './dfs_project/WriteBlockMetadata';
import type { WriteBlockRequest as _dfs_project_WriteBlockRequest, WriteBlockRequest__Output as _dfs_project_WriteBlockRequest__Output } from './dfs_project/WriteBlockRequest';
import type { WriteBlockResponse as _dfs_project_WriteBlockResponse, WriteBlockResponse__Output as _dfs_project_WriteBlockResponse__Output } from './dfs_project/WriteBlockResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dfs_project: {
    CopyBlockRequest: MessageTypeDefinition<_dfs_project_CopyBlockRequest, _dfs_project_CopyBlockRequest__Output>
    CopyBlockResponse: MessageTypeDefinition<_dfs_project_CopyBlockResponse, _dfs_project_CopyBlockResponse__Output>
    DataServerService: SubtypeConstructor<typeof grpc.Client, _dfs_project_DataServerServiceClient> & { service: _dfs_project_DataServerServiceDefinition }
    DeleteBlockRequest: MessageTypeDefinition<_dfs_project_DeleteBlockRequest, _dfs_project_DeleteBlockRequest__Output>
    DeleteBlockResponse: MessageTypeDefinition<_dfs_project_DeleteBlockResponse, _dfs_project_DeleteBlockResponse__Output>
    ReadBlockRequest: MessageTypeDefinition<_dfs_project_ReadBlockRequest, _dfs_project_ReadBlockRequest__Output>
    ReadBlockResponse: MessageTypeDefinition<_dfs_project_ReadBlockResponse, _dfs_project_ReadBlockResponse__Output>
    WriteBlockMetadata: MessageTypeDefinition<_dfs_project_WriteBlockMetadata, _dfs_project_WriteBlockMetadata__Output>
    WriteBlockRequest: MessageTypeDefinition<_dfs_project_WriteBlockRequest, _dfs_project_WriteBlockRequest__Output>
    WriteBlockResponse: MessageTypeDefinition<_dfs_project_WriteBlockResponse, _dfs_project_WriteBlockResponse__Output>
  }
}

