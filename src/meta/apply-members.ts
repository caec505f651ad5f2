/**
 * Apply of the cluster's own bookkeeping: MetaServer members' gRPC addresses and digest
 * checkpoints. Neither touches the namespace.
 */
import type { CheckpointCommand, MemberCommand } from './commands';
import type { NamespaceState } from './namespace-state';
import { refuse, type CheckpointResult, type DoneResult, type Refusal } from './results';

/** Longest member id, gRPC address or checkpoint id accepted. */
export const MAX_MEMBER_FIELD = 256;

export function applyMember(state: NamespaceState, c: MemberCommand): DoneResult | Refusal {
  if (c.id === '' || c.id.length > MAX_MEMBER_FIELD) return refuse('invalid-argument', `bad member id ${JSON.stringify(c.id)}`);
  if (c.remove) {
    state.env.members.removeSync(c.id);
    return { ok: true };
  }
  if (!/^[^\s]+:\d{1,5}$/.test(c.grpcAddress) || c.grpcAddress.length > MAX_MEMBER_FIELD) {
    return refuse('invalid-argument', `member ${c.id}: gRPC address must be host:port, got ${JSON.stringify(c.grpcAddress)}`);
  }
  state.env.members.putSync(c.id, { grpcAddress: c.grpcAddress, promote: c.promote });
  return { ok: true };
}

export function applyCheckpoint(c: CheckpointCommand): CheckpointResult | Refusal {
  if (c.id === '' || c.id.length > MAX_MEMBER_FIELD) return refuse('invalid-argument', `bad checkpoint id ${JSON.stringify(c.id)}`);
  return { ok: true, checkpoint: c.id };
}
