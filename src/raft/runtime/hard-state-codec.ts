import type { StableStore } from '../log-store';
import type { HardState } from '../core/ready';
import { CorruptionError } from '../errors';

/** Term and vote live under one key, so they change together atomically. */
export const HARD_STATE_KEY = 'raft/hard-state';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeHardState(state: HardState): Uint8Array {
  return encoder.encode(JSON.stringify({ term: state.term, votedFor: state.votedFor ?? null }));
}

export function loadHardState(stable: StableStore): HardState {
  const raw = stable.get(HARD_STATE_KEY);
  if (raw === undefined) return { term: 0, votedFor: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(raw));
  } catch {
    throw new CorruptionError('stored raft hard state does not decode');
  }
  const p = parsed as { term?: unknown; votedFor?: unknown };
  if (
    typeof p.term !== 'number' ||
    !Number.isSafeInteger(p.term) ||
    p.term < 0 ||
    (p.votedFor !== null && typeof p.votedFor !== 'string')
  ) {
    throw new CorruptionError('stored raft hard state is malformed');
  }
  return { term: p.term, votedFor: p.votedFor ?? undefined };
}
