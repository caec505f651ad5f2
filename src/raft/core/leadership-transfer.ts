import type { Server, ServerId } from '../configuration';
import type { Progress } from './progress';

/**
 * Picks the voter to hand leadership to (thesis §3.10): the one asked for, or else the most
 * up-to-date other voter, so the TimeoutNow can go out soonest. Returns the id, or why none fits.
 */
export function chooseTransferTarget(
  target: ServerId | undefined,
  otherVoters: readonly Server[],
  progress: ReadonlyMap<ServerId, Progress>,
): { id: ServerId } | { refused: string } {
  let chosen = target;
  if (chosen === undefined) {
    let best = -1;
    for (const s of otherVoters) {
      const match = progress.get(s.id)?.match ?? 0;
      if (match > best) {
        best = match;
        chosen = s.id;
      }
    }
  }
  if (chosen === undefined) return { refused: 'no other voter to transfer leadership to' };
  if (!otherVoters.some((s) => s.id === chosen)) return { refused: `${chosen} is not a voter of this cluster` };
  return { id: chosen };
}
