// Original file: proto/metaserver.proto

import type { WALOperationType as _dfs_project_WALOperationType, WALOperationType__Output as _dfs_project_WALOperationType__Output } from '../dfs_project/WALOperationType';
import type { Long } from '@grpc/proto-loader';

export interface LogEntry {
  'log_index'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
  'operation'?: (_dfs_project_WALOperationType);
  'data'?: (Buffer | Uint8Array | string);
  'checksum'?: (string);
}

export interface LogEntry__Output {
  'log_index': (string);
  'timestamp': (string);
  'operation': (_dfs_project_WALOperationType__Output);
  'data': (Buffer);
  'checksum': (string);
}
