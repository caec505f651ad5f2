// Original file: proto/admin.proto

import type { PeerProgress as _minfs_admin_PeerProgress, PeerProgress__Output as _minfs_admin_PeerProgress__Output } from '../../minfs/admin/PeerProgress';
import type { Long } from '@grpc/proto-loader';

export interface NodeStatus {
  'id'?: (string);
  /**
   * follower, candidate, leader or shutdown
   */
  'state'?: (string);
  'term'?: (number | string | Long);
  'leader_id'?: (string);
  'first_index'?: (number | string | Long);
  'last_index'?: (number | string | Long);
  'commit_index'?: (number | string | Long);
  'applied_index'?: (number | string | Long);
  'snapshot_index'?: (number | string | Long);
  'peers'?: (_minfs_admin_PeerProgress)[];
  'version'?: (string);
  'grpc_address'?: (string);
}

export interface NodeStatus__Output {
  'id': (string);
  /**
   * follower, candidate, leader or shutdown
   */
  'state': (string);
  'term': (string);
  'leader_id': (string);
  'first_index': (string);
  'last_index': (string);
  'commit_index': (string);
  'applied_index': (string);
  'snapshot_index': (string);
  'peers': (_minfs_admin_PeerProgress__Output)[];
  'version': (string);
  'grpc_address': (string);
}
