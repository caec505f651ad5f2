/**
 * Proposes a namespace command through the Raft log and returns its success result; a refusal
 * (decided identically on every replica) becomes the ServiceError of its kind.
 */
import { NotLeaderError } from '../raft';
import { encodeCommand, type MetaCommand } from '../meta/commands';
import type { MetaResult, Refusal } from '../meta/results';
import type { CallRouting } from './call-routing';
import { NeedsLeader } from './call-routing';
import type { MetaNode } from './meta-node';
import { refusalError } from './service-error';

export async function propose(node: MetaNode, routing: CallRouting, command: MetaCommand): Promise<Exclude<MetaResult, Refusal>> {
  let result: MetaResult;
  try {
    result = await node.raft.apply(encodeCommand(command));
  } catch (error: unknown) {
    // Leadership moved between the check and the proposal; the entry was never appended, so the
    // whole call can go to the new leader.
    if (error instanceof NotLeaderError && !routing.forwarded) throw new NeedsLeader();
    throw error;
  }
  if (!result.ok) throw refusalError(result);
  return result;
}
