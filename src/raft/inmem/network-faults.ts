import type { ServerAddress } from '../configuration';

/**
 * How a link misbehaves. Each message is dropped with probability `dropRate`, otherwise
 * delivered once more with probability `duplicateRate`, each copy after a uniformly random
 * whole number of milliseconds in [minDelayMs, maxDelayMs]; reordering follows from the
 * random delays.
 */
export interface LinkFaults {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/** A perfect network with a 1 ms hop, so a reply never arrives in the instant its request was sent. */
export const reliableLink: LinkFaults = { dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 1 };

/** Fills in unspecified fields from `base` and checks the result. */
export function resolveFaults(base: LinkFaults, overrides: Partial<LinkFaults>): LinkFaults {
  const faults: LinkFaults = {
    dropRate: overrides.dropRate ?? base.dropRate,
    duplicateRate: overrides.duplicateRate ?? base.duplicateRate,
    minDelayMs: overrides.minDelayMs ?? base.minDelayMs,
    maxDelayMs: overrides.maxDelayMs ?? base.maxDelayMs,
  };
  const problems: string[] = [];
  if (!isRate(faults.dropRate)) problems.push(`dropRate ${faults.dropRate} is not in [0, 1]`);
  if (!isRate(faults.duplicateRate)) problems.push(`duplicateRate ${faults.duplicateRate} is not in [0, 1]`);
  if (!Number.isSafeInteger(faults.minDelayMs) || faults.minDelayMs < 0)
    problems.push(`minDelayMs ${faults.minDelayMs} is not a whole number >= 0`);
  if (!Number.isSafeInteger(faults.maxDelayMs) || faults.maxDelayMs < faults.minDelayMs)
    problems.push(`maxDelayMs ${faults.maxDelayMs} is not a whole number >= minDelayMs`);
  if (problems.length > 0) throw new RangeError(`bad link faults: ${problems.join('; ')}`);
  return faults;
}

export function isRate(value: number): boolean {
  return value >= 0 && value <= 1;
}

/**
 * Who can reach whom: a partition into groups, isolated nodes and one-way cuts, all lifted by
 * `heal()`. A node can always reach itself.
 */
export class Connectivity {
  /** Group number of each address while partitioned; addresses in no group are cut off. */
  private groups: Map<ServerAddress, number> | undefined;
  private readonly isolated = new Set<ServerAddress>();
  private readonly cuts = new Map<ServerAddress, Set<ServerAddress>>();

  canReach(from: ServerAddress, to: ServerAddress): boolean {
    if (from === to) return true;
    if (this.isolated.has(from) || this.isolated.has(to)) return false;
    if (this.cuts.get(from)?.has(to) === true) return false;
    if (this.groups === undefined) return true;
    const group = this.groups.get(from);
    return group !== undefined && group === this.groups.get(to);
  }

  /** Replaces any earlier partition. */
  partition(groups: readonly (readonly ServerAddress[])[]): void {
    const byAddress = new Map<ServerAddress, number>();
    groups.forEach((group, i) => {
      for (const address of group) {
        if (byAddress.has(address)) throw new RangeError(`partition: ${address} is in two groups`);
        byAddress.set(address, i);
      }
    });
    this.groups = byAddress;
  }

  isolate(address: ServerAddress): void {
    this.isolated.add(address);
  }

  cutOneWay(from: ServerAddress, to: ServerAddress): void {
    let targets = this.cuts.get(from);
    if (targets === undefined) this.cuts.set(from, (targets = new Set<ServerAddress>()));
    targets.add(to);
  }

  heal(): void {
    this.groups = undefined;
    this.isolated.clear();
    this.cuts.clear();
  }
}
