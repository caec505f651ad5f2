// Original file: proto/metaserver.proto

import type { Command as _dfs_project_Command, Command__Output as _dfs_project_Command__Output } from '../dfs_project/Command';

export interface HeartbeatResponse {
  'commands'?: (_dfs_project_Command)[];
}

export interface HeartbeatResponse__Output {
  'commands': (_dfs_project_Command__Output)[];
}
