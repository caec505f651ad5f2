import { decodeConfiguration, type ServerId } from '../configuration';
import { LogType } from '../log';
import type { AppendEntries, AppendEntriesResponse } from '../messages';
import type { ConfigurationHistory } from './membership';
import type { RaftLog } from './raft-log';

/** What a follower needs to take an AppendEntries from its (current-term) leader. */
export interface FollowerHost {
  readonly id: ServerId;
  readonly log: RaftLog;
  readonly configs: ConfigurationHistory;
  term(): number;
  reply(response: AppendEntriesResponse): void;
  commitTo(index: number): void;
}

export interface AppendOutcome {
  /** The configuration changed (an entry appended or truncated): eligibility may differ. */
  readonly configurationChanged: boolean;
}

/**
 * The follower's side of AppendEntries (Raft §5.3): check that the log matches at prevLogIndex,
 * reject with an etcd-style hint when it does not, otherwise skip entries already present,
 * truncate at the first conflict, append the rest, track configurations, and advance the commit
 * index no further than what this message proved.
 */
export function takeAppend(host: FollowerHost, m: AppendEntries): AppendOutcome {
  const { log, configs } = host;
  let prevIndex = m.prevLogIndex;
  let prevTerm = m.prevLogTerm;
  let entries = m.entries;
  const commit = log.commitIndex;
  if (prevIndex < commit) {
    // Everything up to our commit index is identical on every server: skip that part.
    const skip = Math.min(commit - prevIndex, entries.length);
    entries = entries.slice(skip);
    prevIndex += skip;
    prevTerm = skip > 0 ? m.entries[skip - 1]!.term : prevTerm;
    if (prevIndex < commit) {
      host.reply(response(host, m, true, commit, 0, 0));
      return { configurationChanged: false };
    }
  }
  if (!log.matchTerm(prevIndex, prevTerm)) {
    const hint = log.lastIndexWithTermAtMost(Math.min(prevIndex, log.lastIndex()), prevTerm);
    host.reply(response(host, m, false, m.prevLogIndex, hint, log.term(hint) ?? 0));
    return { configurationChanged: false };
  }
  const lastBefore = log.lastIndex();
  const truncatedAt = log.mergeFrom(entries);
  if (truncatedAt !== undefined) configs.truncateFrom(truncatedAt);
  const appendedFrom = truncatedAt ?? lastBefore + 1;
  let configurationChanged = truncatedAt !== undefined;
  for (const e of entries) {
    if (e.index >= appendedFrom && e.type === LogType.Configuration) {
      configs.append(e.index, decodeConfiguration(e.data));
      configurationChanged = true;
    }
  }
  const lastNew = prevIndex + entries.length;
  const newCommit = Math.min(m.leaderCommit, lastNew);
  if (newCommit > log.commitIndex) host.commitTo(newCommit);
  host.reply(response(host, m, true, lastNew, 0, 0));
  return { configurationChanged };
}

function response(
  host: FollowerHost,
  m: AppendEntries,
  success: boolean,
  matchIndex: number,
  conflictIndex: number,
  conflictTerm: number,
): AppendEntriesResponse {
  return {
    type: 'AppendEntriesResponse',
    from: host.id,
    to: m.from,
    term: host.term(),
    success,
    seq: m.seq,
    matchIndex,
    lastLogIndex: host.log.lastIndex(),
    conflictIndex,
    conflictTerm,
  };
}

/** The answer to an AppendEntries from a stale term: our term, so the sender steps down. */
export function staleTermRejection(host: FollowerHost, m: AppendEntries): AppendEntriesResponse {
  return response(host, m, false, m.prevLogIndex, 0, 0);
}
