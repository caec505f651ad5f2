/**
 * What a restarted node's stored membership says about the command line it was started with.
 * --bootstrap is ignored on a node with state, but a state that cannot belong to this
 * configuration means the wrong data directory or a changed address: serving it would join the
 * wrong cluster, or leave peers dialling an address nobody listens on. Members that joined or
 * left since the bootstrap are normal, and only noted.
 */
import type { Configuration } from '../raft';
import type { PeerConfig } from './meta-server-config';

export type MembershipVerdict =
  | { readonly kind: 'agrees' }
  | { readonly kind: 'differs'; readonly onlyStored: string[]; readonly onlyConfigured: string[] }
  | { readonly kind: 'refused'; readonly problem: string };

export function judgeStoredMembership(
  stored: Configuration,
  peers: readonly PeerConfig[],
  self: { id: string; raftAddress: string },
): MembershipVerdict {
  if (stored.servers.length === 0) return { kind: 'agrees' }; // a term, no configuration yet: nothing to disagree with
  const storedIds = stored.servers.map((s) => s.id);
  const configured = peers.map((p) => p.id);
  if (!storedIds.some((id) => configured.includes(id))) {
    return {
      kind: 'refused',
      problem: `the data directory holds the state of a cluster of ${storedIds.join(', ')}, which shares no node with raft.peers (${configured.join(', ')}): wrong --data-dir, or raft.peers of another cluster`,
    };
  }
  const me = stored.servers.find((s) => s.id === self.id);
  if (me !== undefined && me.address !== self.raftAddress) {
    return {
      kind: 'refused',
      problem: `${self.id} is a member at Raft address ${me.address} in its stored state, but would listen at ${self.raftAddress}: its peers would dial the old address (set raft_addr back, or remove and re-add the node)`,
    };
  }
  const onlyStored = storedIds.filter((id) => !configured.includes(id));
  const onlyConfigured = configured.filter((id) => !storedIds.includes(id));
  return onlyStored.length === 0 && onlyConfigured.length === 0 ? { kind: 'agrees' } : { kind: 'differs', onlyStored, onlyConfigured };
}
