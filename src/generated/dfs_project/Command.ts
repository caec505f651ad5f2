// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/metaserver.proto

export const _dfs_project_Command_Action = {
  DELETE_BLOCK: 'DELETE_BLOCK',
  COPY_BLOCK: 'COPY_BLOCK',
} as const;

export type _dfs_project_Command_Action =
  | 'DELETE_BLOCK'
  | 0
  | 'COPY_BLOCK'
  | 1

export type _dfs_project_Command_Action__Output = typeof _dfs_project_Command_Action[keyof typeof _dfs_project_Command_Action]

export interface Command {
  'action'?: (_dfs_project_Command_Action);
  'block_id'?: (number | string | Long);
  'targets'?: (string)[];
}

export interface Command__Output {
  'action': (_dfs_project_Command_Action__Output);
  'block_id': (string);
  'targets': (string)[];
}
