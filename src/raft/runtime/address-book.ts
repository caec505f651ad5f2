import type { Configuration, Server, ServerAddress, ServerId } from '../configuration';

/**
 * Where to reach each peer, and who the members are. Addresses come from configurations and,
 * for a sender not yet in any configuration we know (a server being added), from its messages.
 */
export class AddressBook {
  private readonly addresses = new Map<ServerId, ServerAddress>();
  private readonly members = new Set<ServerId>();

  constructor(configuration: Configuration) {
    for (const s of configuration.servers) {
      this.addresses.set(s.id, s.address);
      this.members.add(s.id);
    }
  }

  get(id: ServerId): ServerAddress | undefined {
    return this.addresses.get(id);
  }

  /** Remembers a sender's address unless a configuration already says where it is. */
  learn(id: ServerId, address: ServerAddress): void {
    if (!this.addresses.has(id)) this.addresses.set(id, address);
  }

  /** Adopts a configuration; returns the servers that joined and the ids that left. */
  adopt(configuration: Configuration): { added: Server[]; removed: ServerId[] } {
    const added: Server[] = [];
    const removed: ServerId[] = [];
    for (const s of configuration.servers) {
      this.addresses.set(s.id, s.address);
      if (!this.members.has(s.id)) {
        this.members.add(s.id);
        added.push(s);
      }
    }
    for (const id of [...this.members]) {
      if (!configuration.servers.some((s) => s.id === id)) {
        this.members.delete(id);
        removed.push(id);
      }
    }
    return { added, removed };
  }
}
