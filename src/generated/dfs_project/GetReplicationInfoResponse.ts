// Original file: proto/metaserver.proto

import type { ReplicationStatus as _dfs_project_ReplicationStatus, ReplicationStatus__Output as _dfs_project_ReplicationStatus__Output } from '../dfs_project/ReplicationStatus';

export interface GetReplicationInfoResponse {
  'files'?: (_dfs_project_ReplicationStatus)[];
  'total_files'?: (number);
  'healthy_files'?: (number);
  'under_replicated_files'?: (number);
  'over_replicated_files'?: (number);
}

export interface GetReplicationInfoResponse__Output {
  'files': (_dfs_project_ReplicationStatus__Output)[];
  'total_files': (number);
  'healthy_files': (number);
  'under_replicated_files': (number);
  'over_replicated_files': (number);
}
