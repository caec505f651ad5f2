/**
 * Where each MetaServer answers gRPC. Raft knows its peers by id and Raft address; clients and
 * forwarded requests need the gRPC address, which comes from the cluster's configuration.
 */
export interface MetaMember {
  readonly id: string;
  /** "host:port" of the member's MetaServerService. */
  readonly grpcAddress: string;
}

export interface MemberDirectory {
  grpcAddressOf(id: string): string | undefined;
}

/** A directory from a fixed list (config.yaml's peers); entries may be added as servers bind ports. */
export class StaticMemberDirectory implements MemberDirectory {
  private readonly byId = new Map<string, string>();

  constructor(members: readonly MetaMember[] = []) {
    for (const m of members) this.byId.set(m.id, m.grpcAddress);
  }

  set(id: string, grpcAddress: string): void {
    this.byId.set(id, grpcAddress);
  }

  grpcAddressOf(id: string): string | undefined {
    return this.byId.get(id);
  }
}

/** What every replica knows of a member: announced through the log (join), else the fallback (config.yaml). */
export class ReplicatedMemberDirectory implements MemberDirectory {
  constructor(
    private readonly announced: { member(id: string): { readonly grpcAddress: string } | undefined },
    private readonly fallback: MemberDirectory,
  ) {}

  grpcAddressOf(id: string): string | undefined {
    let announced: string | undefined;
    try {
      announced = this.announced.member(id)?.grpcAddress;
    } catch {
      // The namespace is being swapped for a snapshot: routing must not fail for it; config.yaml's answer will do.
    }
    return announced ?? this.fallback.grpcAddressOf(id);
  }
}

/** "host:port" split for MetaServerMsg/DataServerMsg; port 0 when absent or malformed. */
export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  if (at < 0) return { host: address, port: 0 };
  const port = Number(address.slice(at + 1));
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number.isInteger(port) ? port : 0 };
}
