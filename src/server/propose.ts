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
import { nodeMetrics } from './metrics/node-metrics';
import { refusalError } from './service-error';

export async function propose(node: MetaNode, routing: CallRouting, command: MetaCommand): Promise<Exclude<MetaResult, Refusal>> {
  let result: MetaResult;
  const started = node.clock.now();
  try {
    result = await node.raft.apply(encodeCommand(command));
    // Applied (a success or a refusal): what the client waited for. Failures are in the gRPC codes.
    nodeMetrics(node).raft.applySeconds.observe((node.clock.now() - started) / 1000);
  } catch (error: unknown) {
    // Leadership moved between the check and the proposal; the entry was never appended, so the
    // whole call can go to the new leader.
    if (error instanceof NotLeaderError && !routing.forwarded) throw new NeedsLeader();
    throw error;
  }
  if (!result.ok) throw refusalError(result);
  return result;
}
