import type { BugSwitches } from '../bugs';
import type { Configuration, ServerId } from '../configuration';
import { isVoter, voters } from '../configuration';
import type { RequestVote } from '../messages';
import { quorumSize } from './quorum';
import type { RaftLog } from './raft-log';

export interface VoterState {
  readonly term: number;
  readonly votedFor: ServerId | undefined;
  readonly leaderId: ServerId | undefined;
  readonly configuration: Configuration;
  readonly log: RaftLog;
  readonly bugs: BugSwitches;
}

/** The answer to a (pre-)vote request, decided from our state alone. */
export interface VoteDecision {
  readonly grant: boolean;
  /** The term the answer carries. */
  readonly term: number;
}

/**
 * Raft §5.2 and §5.4.1, with pre-vote (thesis §9.6). The caller has already applied the term
 * rules (a real vote at a higher term made us a follower of that term; a leader's lease may
 * have caused the request to be ignored).
 */
export function decideVote(state: VoterState, m: RequestVote): VoteDecision {
  const config = state.configuration;
  // Votes go only to voters of our configuration (a removed server cannot disrupt).
  const candidateKnown = config.servers.length === 0 || isVoter(config, m.from);
  const upToDate = state.bugs.voteWithoutLogCheck === true || state.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
  const free = state.votedFor === undefined && state.leaderId === undefined;
  if (m.preVote) {
    // Would we vote at m.term? Yes if it is newer than ours, or ours and no one else has our vote.
    const grant = candidateKnown && upToDate && (m.term > state.term || free || state.votedFor === m.from);
    // Answer with the requester's term when granting, so a node at a lower term takes part.
    return { grant, term: grant ? m.term : state.term };
  }
  const grant = candidateKnown && upToDate && (free || state.votedFor === m.from);
  return { grant, term: state.term };
}

/** Whether the votes gathered so far (from voters of `configuration` only) decide the election. */
export function tallyVotes(votes: ReadonlyMap<ServerId, boolean>, configuration: Configuration): 'won' | 'lost' | 'open' {
  const all = voters(configuration);
  const needed = quorumSize(all.length);
  let granted = 0;
  let rejected = 0;
  for (const s of all) {
    const v = votes.get(s.id);
    if (v === true) granted++;
    else if (v === false) rejected++;
  }
  if (granted >= needed) return 'won';
  return rejected >= needed ? 'lost' : 'open';
}
