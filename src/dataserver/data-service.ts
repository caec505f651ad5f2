/**
 * DataServerService (proto/dataserver.proto, compat §1.5): the four RPCs wired to the store, the
 * write pipeline and the copier. WriteBlock and ReadBlock live in their own files; DeleteBlock and
 * CopyBlock are small enough to live here.
 */
import * as grpc from '@grpc/grpc-js';
import type { CopyBlockRequest__Output } from '../generated/dfs_project/CopyBlockRequest';
import type { CopyBlockResponse } from '../generated/dfs_project/CopyBlockResponse';
import type { DataServerServiceHandlers } from '../generated/dfs_project/DataServerService';
import type { DeleteBlockRequest__Output } from '../generated/dfs_project/DeleteBlockRequest';
import type { DeleteBlockResponse } from '../generated/dfs_project/DeleteBlockResponse';
import { parseBlockId } from './block-id';
import type { BlockCopier } from './block-copier';
import { deleteBlock } from './block-deletion';
import { readBlockHandler } from './read-block';
import { invalidArgument, toServerError } from './service-errors';
import { writeBlockHandler, type WriteBlockDeps } from './write-block';

export interface DataServiceDeps extends WriteBlockDeps {
  readonly copier: BlockCopier;
}

export function dataServiceHandlers(deps: DataServiceDeps): DataServerServiceHandlers {
  return {
    WriteBlock: writeBlockHandler(deps),
    ReadBlock: readBlockHandler(deps.store, deps.logger),
    DeleteBlock: deleteBlockHandler(deps),
    CopyBlock: copyBlockHandler(deps),
  };
}

/** Idempotent: deleting an absent block succeeds (block-deletion.ts). */
function deleteBlockHandler(deps: DataServiceDeps): grpc.handleUnaryCall<DeleteBlockRequest__Output, DeleteBlockResponse> {
  return (call, callback) => {
    deleteBlock(deps.store, deps.copier, call.request.block_id).then(
      () => callback(null, { success: true }),
      (error: unknown) => callback(toServerError(error, deps.logger, 'DeleteBlock')),
    );
  };
}

function copyBlockHandler(deps: DataServiceDeps): grpc.handleUnaryCall<CopyBlockRequest__Output, CopyBlockResponse> {
  return (call, callback) => {
    copyBlock(deps.copier, call.request).then(
      () => callback(null, { success: true }),
      (error: unknown) => callback(toServerError(error, deps.logger, 'CopyBlock')),
    );
  };
}

async function copyBlock(copier: BlockCopier, request: CopyBlockRequest__Output): Promise<void> {
  const blockId = parseBlockId(request.block_id);
  const source = request.source_address.trim();
  if (source === '') throw invalidArgument(`CopyBlock of block ${blockId}: source_address is empty`);
  await copier.copy(blockId, source);
}
