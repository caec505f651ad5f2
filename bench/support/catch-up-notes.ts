/**
 * The human-readable notes bench/catch-up writes to stderr about a follower's catch-up: when
 * each phase happened after the restart, from the library's own log messages on both ends
 * (TimelineLogger marks), what went over the wire, and how late the event loops ran. Diagnostics
 * only: no figure of the JSON lines depends on them.
 */
import type { NodeReport } from './catch-up-protocol';

export interface CatchUpTimeline {
  readonly follower: string;
  readonly restartAt: number;
  readonly installedAt: number;
  readonly caughtUp: { readonly index: number; readonly at: number };
  readonly leader: NodeReport;
  readonly followerReport: NodeReport;
}

const MiB = 1 << 20;

export function phaseNotes(t: CatchUpTimeline): string {
  const rel = (time: number | undefined): string => (time === undefined ? '?' : `+${Math.round(time - t.restartAt)} ms`);
  const at = (report: NodeReport, message: string, which: 'first' | 'last'): string => rel(report.logged[message]?.[which]);
  const { leader, followerReport: follower } = t;
  const trouble = Object.entries({ ...leader.logged, ...follower.logged })
    .filter(([message]) => /full|fail|lost|reject|dropp|role/i.test(message))
    .map(([message, mark]) => `${JSON.stringify(message)} x${mark.count}`);
  return [
    `phases after ${t.follower}'s restart: leader "sending snapshot" ${at(leader, 'sending snapshot', 'first')} ` +
      `(a transfer under way seen at ${rel(leader.sendingStartedAt)}), ` +
      `leader redialled ${t.follower} ${at(leader, 'tcp transport: connected', 'last')}, ` +
      `${t.follower} got the transfer's first message (sink created) ${at(follower, 'snapshot sink created', 'first')}, ` +
      `stream complete and fsynced ${at(follower, 'snapshot created', 'last')}, ` +
      `restore began ${at(follower, 'snapshot received', 'last')}, FSM restored ${rel(t.installedAt)}, ` +
      `caught up to ${t.caughtUp.index} ${rel(t.caughtUp.at)}`,
    `wire: ${t.follower} received ${(follower.bytesReceived / MiB).toFixed(1)} MiB since its restart; ` +
      `the leader sent ${(leader.bytesSent / MiB).toFixed(1)} MiB to both followers; dropped messages: leader ${leader.dropped}, ${t.follower} ${follower.dropped}`,
    `event loops late by up to: leader ${leader.loopDelay.maxMs} ms (p99 ${leader.loopDelay.p99Ms}) since the restart, ` +
      `${t.follower} ${follower.loopDelay.maxMs} ms (p99 ${follower.loopDelay.p99Ms}) since it started; ` +
      `peak RSS: leader ${leader.rss.hwmMb ?? leader.rss.sampledMb} MiB, ${t.follower} ${follower.rss.hwmMb ?? follower.rss.sampledMb} MiB`,
    `log messages of note: ${trouble.length > 0 ? trouble.join(', ') : 'none'}`,
  ].join('\n# ');
}
