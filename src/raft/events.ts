import type { Server, ServerAddress, ServerId } from './configuration';

export type RaftState = 'follower' | 'candidate' | 'leader' | 'shutdown';

/** Typed events of a Raft node. */
export interface RaftEvents {
  'role-changed': { role: RaftState; term: number };
  'leader-changed': { leaderId: ServerId | undefined; leaderAddress: ServerAddress | undefined; term: number };
  'peer-added': { server: Server };
  'peer-removed': { id: ServerId };
  'heartbeat-failed': { peer: ServerId; lastContactMs: number };
  'heartbeat-resumed': { peer: ServerId };
  /** A snapshot was written here (and the log compacted behind it); `durationMs`: writing it. */
  'snapshot-taken': { index: number; term: number; size: number; durationMs: number };
  /** The FSM was replaced by a snapshot received from the leader; `durationMs`: the restore. */
  'snapshot-installed': { index: number; term: number; size: number; durationMs: number };
  /**
   * Leader: an operator's snapshot replaced the FSM (Raft.restore), which now stands at `index`.
   * What the application keeps beside the FSM about its state (plans, queues) is stale.
   */
  'user-restored': { index: number; term: number };
  /** Leader, once per commit batch: committed up to `index`; `latencyMs`: the batch's first entry, since proposed here. */
  committed: { index: number; latencyMs: number };
  /** The node stopped itself: corrupt storage, a failed write, or an FSM that threw. */
  fatal: { error: unknown };
}

export type RaftEventName = keyof RaftEvents;
export type RaftListener<K extends RaftEventName> = (payload: RaftEvents[K]) => void;

/** A minimal typed emitter (listeners that throw are isolated from Raft). */
export class RaftEventEmitter {
  private listeners = new Map<RaftEventName, Set<(payload: never) => void>>();

  on<K extends RaftEventName>(event: K, listener: RaftListener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends RaftEventName>(event: K, payload: RaftEvents[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of set) {
      try {
        (l as RaftListener<K>)(payload);
      } catch {
        // A listener's failure must not break the Raft loop.
      }
    }
  }
}
