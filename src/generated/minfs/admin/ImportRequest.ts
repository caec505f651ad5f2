// Original file: proto/admin.proto

import type { ImportNode as _minfs_admin_ImportNode, ImportNode__Output as _minfs_admin_ImportNode__Output } from '../../minfs/admin/ImportNode';

export interface ImportRequest {
  'nodes'?: (_minfs_admin_ImportNode)[];
  /**
   * Idempotency key (at most 128 characters): a batch sent again with the same key, after its
   * answer was lost, gets the first answer instead of being applied twice. Empty: none.
   */
  'request_id'?: (string);
}

export interface ImportRequest__Output {
  'nodes': (_minfs_admin_ImportNode__Output)[];
  /**
   * Idempotency key (at most 128 characters): a batch sent again with the same key, after its
   * answer was lost, gets the first answer instead of being applied twice. Empty: none.
   */
  'request_id': (string);
}
