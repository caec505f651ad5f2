// Original file: proto/dataserver.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CopyBlockRequest as _dfs_project_CopyBlockRequest, CopyBlockRequest__Output as _dfs_project_CopyBlockRequest__Output } from '../dfs_project/CopyBlockRequest';
import type { CopyBlockResponse as _dfs_project_CopyBlockResponse, CopyBlockResponse__Output as _dfs_project_CopyBlockResponse__Output } from '../dfs_project/CopyBlockResponse';
import type { DeleteBlockRequest as _dfs_project_DeleteBlockRequest, DeleteBlockRequest__Output as _dfs_project_DeleteBlockRequest__Output } from '../dfs_project/DeleteBlockRequest';
import type { DeleteBlockResponse as _dfs_project_DeleteBlockResponse, DeleteBlockResponse__Output as _dfs_project_DeleteBlockResponse__Output } from '../dfs_project/DeleteBlockResponse';
import type { ReadBlockRequest as _dfs_project_ReadBlockRequest, ReadBlockRequest__Output as _dfs_project_ReadBlockRequest__Output } from '../dfs_project/ReadBlockRequest';
import type { ReadBlockResponse as _dfs_project_ReadBlockResponse, ReadBlockResponse__Output as _dfs_project_ReadBlockResponse__Output } from '../dfs_project/ReadBlockResponse';
import type { WriteBlockRequest as _dfs_project_WriteBlockRequest, WriteBlockRequest__Output as _dfs_project_WriteBlockRequest__Output } from '../dfs_project/WriteBlockRequest';
import type { WriteBlockResponse as _dfs_project_WriteBlockResponse, WriteBlockResponse__Output as _dfs_project_WriteBlockResponse__Output } from '../dfs_project/WriteBlockResponse';

export interface DataServerServiceClient extends grpc.Client {
  CopyBlock(argument: _dfs_project_CopyBlockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_CopyBlockResponse__Output>): grpc.ClientUnaryCall;
  CopyBlock(argument: _dfs_project_CopyBlockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_CopyBlockResponse__Output>): grpc.ClientUnaryCall;
  CopyBlock(argument: _dfs_project_CopyBlockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_CopyBlockResponse__Output>): grpc.ClientUnaryCall;
  CopyBlock(argument: _dfs_project_CopyBlockRequest, callback: grpc.requestCallback<_dfs_project_CopyBlockResponse__Output>): grpc.ClientUnaryCall;
  copyBlock(argument: _dfs_project_CopyBlockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_CopyBlockResponse__Output>): grpc.ClientUnaryCall;
  copyBlock(argument: _dfs_project_CopyBlockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_CopyBlockResponse__Output>): grpc.ClientUnaryCall;
  copyBlock(argument: _dfs_project_CopyBlockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_CopyBlockResponse__Output>): grpc.ClientUnaryCall;
  copyBlock(argument: _dfs_project_CopyBlockRequest, callback: grpc.requestCallback<_dfs_project_CopyBlockResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteBlock(argument: _dfs_project_DeleteBlockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_DeleteBlockResponse__Output>): grpc.ClientUnaryCall;
  DeleteBlock(argument: _dfs_project_DeleteBlockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_DeleteBlockResponse__Output>): grpc.ClientUnaryCall;
  DeleteBlock(argument: _dfs_project_DeleteBlockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_DeleteBlockResponse__Output>): grpc.ClientUnaryCall;
  DeleteBlock(argument: _dfs_project_DeleteBlockRequest, callback: grpc.requestCallback<_dfs_project_DeleteBlockResponse__Output>): grpc.ClientUnaryCall;
  deleteBlock(argument: _dfs_project_DeleteBlockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_DeleteBlockResponse__Output>): grpc.ClientUnaryCall;
  deleteBlock(argument: _dfs_project_DeleteBlockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_DeleteBlockResponse__Output>): grpc.ClientUnaryCall;
  deleteBlock(argument: _dfs_project_DeleteBlockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_DeleteBlockResponse__Output>): grpc.ClientUnaryCall;
  deleteBlock(argument: _dfs_project_DeleteBlockRequest, callback: grpc.requestCallback<_dfs_project_DeleteBlockResponse__Output>): grpc.ClientUnaryCall;
  
  ReadBlock(argument: _dfs_project_ReadBlockRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfs_project_ReadBlockResponse__Output>;
  ReadBlock(argument: _dfs_project_ReadBlockRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfs_project_ReadBlockResponse__Output>;
  readBlock(argument: _dfs_project_ReadBlockRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfs_project_ReadBlockResponse__Output>;
  readBlock(argument: _dfs_project_ReadBlockRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfs_project_ReadBlockResponse__Output>;
  
  WriteBlock(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_WriteBlockResponse__Output>): grpc.ClientWritableStream<_dfs_project_WriteBlockRequest>;
  WriteBlock(metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_WriteBlockResponse__Output>): grpc.ClientWritableStream<_dfs_project_WriteBlockRequest>;
  WriteBlock(options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_WriteBlockResponse__Output>): grpc.ClientWritableStream<_dfs_project_WriteBlockRequest>;
  WriteBlock(callback: grpc.requestCallback<_dfs_project_WriteBlockResponse__Output>): grpc.ClientWritableStream<_dfs_project_WriteBlockRequest>;
  writeBlock(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_WriteBlockResponse__Output>): grpc.ClientWritableStream<_dfs_project_WriteBlockRequest>;
  writeBlock(metadata: grpc.Metadata, callback: grpc.requestCallback<_dfs_project_WriteBlockResponse__Output>): grpc.ClientWritableStream<_dfs_project_WriteBlockRequest>;
  writeBlock(options: grpc.CallOptions, callback: grpc.requestCallback<_dfs_project_WriteBlockResponse__Output>): grpc.ClientWritableStream<_dfs_project_WriteBlockRequest>;
  writeBlock(callback: grpc.requestCallback<_dfs_project_WriteBlockResponse__Output>): grpc.ClientWritableStream<_dfs_project_WriteBlockRequest>;
  
}

export interface DataServerServiceHandlers extends grpc.UntypedServiceImplementation {
  CopyBlock: grpc.handleUnaryCall<_dfs_project_CopyBlockRequest__Output, _dfs_project_CopyBlockResponse>;
  
  DeleteBlock: grpc.handleUnaryCall<_dfs_project_DeleteBlockRequest__Output, _dfs_project_DeleteBlockResponse>;
  
  ReadBlock: grpc.handleServerStreamingCall<_dfs_project_ReadBlockRequest__Output, _dfs_project_ReadBlockResponse>;
  
  WriteBlock: grpc.handleClientStreamingCall<_dfs_project_WriteBlockRequest__Output, _dfs_project_WriteBlockResponse>;
  
}

export interface DataServerServiceDefinition extends grpc.ServiceDefinition {
  CopyBlock: MethodDefinition<_dfs_project_CopyBlockRequest, _dfs_project_CopyBlockResponse, _dfs_project_CopyBlockRequest__Output, _dfs_project_CopyBlockResponse__Output>
  DeleteBlock: MethodDefinition<_dfs_project_DeleteBlockRequest, _dfs_project_DeleteBlockResponse, _dfs_project_DeleteBlockRequest__Output, _dfs_project_DeleteBlockResponse__Output>
  ReadBlock: MethodDefinition<_dfs_project_ReadBlockRequest, _dfs_project_ReadBlockResponse, _dfs_project_ReadBlockRequest__Output, _dfs_project_ReadBlockResponse__Output>
  WriteBlock: MethodDefinition<_dfs_project_WriteBlockRequest, _dfs_project_WriteBlockResponse, _dfs_project_WriteBlockRequest__Output, _dfs_project_WriteBlockResponse__Output>
}
