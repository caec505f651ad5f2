/**
 * Generates histories that are linearizable by construction, for property and performance
 * tests: each operation is applied to a real atomic object at one instant (its linearization
 * point) strictly between its call and its return, and the client records what it saw.
 */
import type { Operation } from './history';

/**
 * ok: applied and acknowledged. failed: definitely not applied (dropped from the history).
 * unknown-applied / unknown-lost: the client timed out; the operation did / did not apply.
 */
export type Fate = 'ok' | 'failed' | 'unknown-applied' | 'unknown-lost';

export interface PlannedOp<I> {
  readonly client: number;
  readonly input: I;
  /** Idle time of the client before it sends this request (>= 0). */
  readonly thinkTime: number;
  /** From the call to the instant the operation takes effect (>= 1). */
  readonly latencyToEffect: number;
  /** From that instant to the reply, or to the client's timeout (>= 1). */
  readonly latencyToReply: number;
  readonly fate: Fate;
}

interface Scheduled<I> {
  readonly index: number;
  readonly plan: PlannedOp<I>;
  readonly call: number;
  readonly return: number;
  /** `undefined` when the operation never takes effect. */
  readonly effectAt: number | undefined;
}

/**
 * Runs the plans against `applyAtomically` (a real, sequential implementation of the object).
 * Each client issues its operations one after another; operation ids are plan indexes.
 */
export function simulateHistory<I, O>(plans: readonly PlannedOp<I>[], applyAtomically: (input: I) => O): Operation<I, O>[] {
  const scheduled = schedule(plans);
  const outputs = new Map<number, O>();
  const effects = scheduled.flatMap((s) => (s.effectAt === undefined ? [] : [{ s, at: s.effectAt }]));
  // Ties between linearization points are broken by index: any order of simultaneous
  // points is a valid linearization, since each point lies strictly inside its interval.
  effects.sort((a, b) => a.at - b.at || a.s.index - b.s.index);
  for (const { s } of effects) outputs.set(s.index, applyAtomically(s.plan.input));

  return scheduled
    .filter((s) => s.plan.fate !== 'failed')
    .map((s) => ({
      id: s.index,
      clientId: s.plan.client,
      input: s.plan.input,
      output: s.plan.fate === 'ok' ? outputs.get(s.index) : undefined,
      call: s.call,
      return: s.plan.fate === 'ok' ? s.return : Infinity,
    }));
}

function schedule<I>(plans: readonly PlannedOp<I>[]): Scheduled<I>[] {
  const clientClock = new Map<number, number>();
  return plans.map((plan, index) => {
    const call = (clientClock.get(plan.client) ?? 0) + plan.thinkTime;
    const replyAt = call + plan.latencyToEffect + plan.latencyToReply;
    clientClock.set(plan.client, replyAt);
    return { index, plan, call, return: replyAt, effectAt: effectTime(plan, call) };
  });
}

function effectTime(plan: PlannedOp<unknown>, call: number): number | undefined {
  switch (plan.fate) {
    case 'ok':
      return call + plan.latencyToEffect;
    case 'unknown-applied':
      // Often later than the client's timeout: a request can be applied after its sender
      // gave up on it, and the checker must allow that.
      return call + 3 * plan.latencyToEffect;
    case 'failed':
    case 'unknown-lost':
      return undefined;
  }
}
