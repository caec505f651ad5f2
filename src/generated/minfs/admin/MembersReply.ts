// Original file: proto/admin.proto

import type { Member as _minfs_admin_Member, Member__Output as _minfs_admin_Member__Output } from '../../minfs/admin/Member';
import type { Long } from '@grpc/proto-loader';

export interface MembersReply {
  'members'?: (_minfs_admin_Member)[];
  'configuration_index'?: (number | string | Long);
}

export interface MembersReply__Output {
  'members': (_minfs_admin_Member__Output)[];
  'configuration_index': (string);
}
