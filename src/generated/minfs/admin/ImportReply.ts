// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface ImportReply {
  /**
   * Nodes created (directories made on the way to a node are not counted).
   */
  'created'?: (number | string | Long);
  /**
   * Nodes that were already there with the same type (a retried batch).
   */
  'existed'?: (number | string | Long);
  /**
   * Nodes that could not be created (something of the other type in the way).
   */
  'refused'?: (number | string | Long);
  /**
   * Why the first refused node was refused; empty when none was.
   */
  'first_refusal'?: (string);
}

export interface ImportReply__Output {
  /**
   * Nodes created (directories made on the way to a node are not counted).
   */
  'created': (string);
  /**
   * Nodes that were already there with the same type (a retried batch).
   */
  'existed': (string);
  /**
   * Nodes that could not be created (something of the other type in the way).
   */
  'refused': (string);
  /**
   * Why the first refused node was refused; empty when none was.
   */
  'first_refusal': (string);
}
