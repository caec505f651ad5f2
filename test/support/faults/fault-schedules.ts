/**
 * Fault schedules: what the nemesis does during one round of the fault suite, drawn from a seed
 * so that a failing schedule can be run again by its seed. Each step injects one fault, holds it,
 * and undoes it (a killed node restarts, a paused one continues, links heal); the round ends with
 * everything healed. Which node is "the leader" is decided when the step runs.
 */

import { seededRandom } from '../process-cluster/workload';

export type FaultKind =
  | 'kill-leader'
  | 'kill-follower'
  | 'kill-all'
  | 'pause-leader'
  | 'pause-follower'
  | 'isolate-leader'
  | 'split'
  | 'one-way-leader-out'
  | 'one-way-leader-in'
  | 'slow-links'
  | 'lossy-links'
  | 'etcd-outage'
  | 'disk-full';

export interface FaultStep {
  readonly kind: FaultKind;
  /** How long the fault lasts before it is undone. */
  readonly holdMs: number;
}

export interface FaultSchedule {
  readonly seed: number;
  readonly steps: readonly FaultStep[];
}

export interface ScheduleChoices {
  /** Kinds that can run here (etcd-outage needs etcd, disk-full a small filesystem). */
  readonly kinds: readonly FaultKind[];
  /** Hold times are drawn between these (ms); longer than the election timeout on purpose. */
  readonly minHoldMs: number;
  readonly maxHoldMs: number;
  readonly maxSteps: number;
}

export function scheduleFor(seed: number, choices: ScheduleChoices): FaultSchedule {
  const random = seededRandom(seed);
  const count = 1 + Math.floor(random() * choices.maxSteps);
  const steps = Array.from({ length: count }, () => ({
    kind: choices.kinds[Math.floor(random() * choices.kinds.length)]!,
    holdMs: Math.round(choices.minHoldMs + random() * (choices.maxHoldMs - choices.minHoldMs)),
  }));
  return { seed, steps };
}

export function describeSchedule(schedule: FaultSchedule): string {
  return `seed ${schedule.seed}: ${schedule.steps.map((s) => `${s.kind} ${s.holdMs}ms`).join(', ')}`;
}
