import type { Configuration, Server, ServerAddress, ServerId } from '../configuration';
import { checkConfiguration, emptyConfiguration } from '../configuration';

/** A single-server membership change (Raft thesis §4.1). */
export type MembershipChange =
  | { readonly kind: 'add-voter'; readonly id: ServerId; readonly address: ServerAddress }
  | { readonly kind: 'add-nonvoter'; readonly id: ServerId; readonly address: ServerAddress }
  | { readonly kind: 'demote-voter'; readonly id: ServerId }
  | { readonly kind: 'remove-server'; readonly id: ServerId };

/** The configuration after `change`, or a reason it cannot be made. */
export function applyMembershipChange(current: Configuration, change: MembershipChange): Configuration | string {
  const servers: Server[] = current.servers.slice();
  const at = servers.findIndex((s) => s.id === change.id);
  switch (change.kind) {
    case 'add-voter':
    case 'add-nonvoter': {
      const suffrage = change.kind === 'add-voter' ? 'voter' : 'nonvoter';
      if (at >= 0) {
        const existing = servers[at]!;
        // Adding an existing voter as a non-voter would demote it; hashicorp leaves it a voter.
        const keep = existing.suffrage === 'voter' && suffrage === 'nonvoter' ? 'voter' : suffrage;
        servers[at] = { id: change.id, address: change.address, suffrage: keep };
      } else {
        servers.push({ id: change.id, address: change.address, suffrage });
      }
      break;
    }
    case 'demote-voter':
      if (at < 0) return `server ${change.id} is not in the configuration`;
      servers[at] = { ...servers[at]!, suffrage: 'nonvoter' };
      break;
    case 'remove-server':
      if (at < 0) return `server ${change.id} is not in the configuration`;
      servers.splice(at, 1);
      break;
  }
  const next = { servers };
  const problems = checkConfiguration(next);
  return problems.length > 0 ? problems.join('; ') : next;
}

interface ConfigurationAt {
  readonly index: number;
  readonly configuration: Configuration;
}

/**
 * The configurations found in the log, newest last. A configuration takes effect as soon as it
 * is appended (thesis §4.1), so a truncation that removes its entry must roll back to the one
 * before; entries at or below the commit index can never be removed, so only the newest
 * committed one is kept besides the uncommitted ones.
 */
export class ConfigurationHistory {
  private entries: ConfigurationAt[] = [];

  constructor(initial: ConfigurationAt[] = []) {
    this.entries = initial.slice();
  }

  latest(): Configuration {
    return this.entries.at(-1)?.configuration ?? emptyConfiguration;
  }

  latestIndex(): number {
    return this.entries.at(-1)?.index ?? 0;
  }

  /** The newest configuration whose entry is at or below `commitIndex`. */
  committed(commitIndex: number): Configuration {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]!.index <= commitIndex) return this.entries[i]!.configuration;
    }
    return emptyConfiguration;
  }

  append(index: number, configuration: Configuration): void {
    this.entries.push({ index, configuration });
  }

  /** Forgets configurations at or after `index` (their entries were truncated). */
  truncateFrom(index: number): void {
    while (this.entries.length > 0 && this.entries.at(-1)!.index >= index) this.entries.pop();
  }

  /**
   * A snapshot up to `snapshotIndex` was installed: its configuration replaces every one at or
   * below that index; later ones stay only if the log after the snapshot stayed (`keepAfter`).
   */
  installSnapshot(snapshotIndex: number, configurationIndex: number, configuration: Configuration, keepAfter: boolean): void {
    const after = keepAfter ? this.entries.filter((e) => e.index > snapshotIndex) : [];
    this.entries = [{ index: configurationIndex, configuration }, ...after];
  }

  /** Drops history older than the newest committed configuration. */
  compact(commitIndex: number): void {
    let keepFrom = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]!.index <= commitIndex) {
        keepFrom = i;
        break;
      }
    }
    if (keepFrom > 0) this.entries = this.entries.slice(keepFrom);
  }
}
