/** Deleting a block, shared by the DeleteBlock RPC and the DELETE_BLOCK command. */
import { parseBlockId } from './block-id';
import type { BlockCopier } from './block-copier';
import type { BlockStore } from './block-store';

/**
 * Idempotent (an absent block is deleted already). A copy of the block under way is aborted first:
 * the delete is the newer intent, and a copy finishing after it would bring the block back.
 * Returns whether the block was here.
 */
export async function deleteBlock(store: BlockStore, copier: BlockCopier, blockIdField: string): Promise<boolean> {
  const blockId = parseBlockId(blockIdField);
  await copier.abort(blockId);
  return store.delete(blockId);
}
