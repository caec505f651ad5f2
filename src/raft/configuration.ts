/** Cluster membership: who votes, who only replicates. */

export type ServerId = string;
export type ServerAddress = string;
export type Suffrage = 'voter' | 'nonvoter';

export interface Server {
  readonly id: ServerId;
  readonly address: ServerAddress;
  readonly suffrage: Suffrage;
}

export interface Configuration {
  readonly servers: readonly Server[];
}

export const emptyConfiguration: Configuration = { servers: [] };

export function voters(config: Configuration): Server[] {
  return config.servers.filter((s) => s.suffrage === 'voter');
}

export function isVoter(config: Configuration, id: ServerId): boolean {
  return config.servers.some((s) => s.id === id && s.suffrage === 'voter');
}

export function findServer(config: Configuration, id: ServerId): Server | undefined {
  return config.servers.find((s) => s.id === id);
}

/** Problems with a configuration, empty when it is usable. */
export function checkConfiguration(config: Configuration): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const addresses = new Set<string>();
  for (const s of config.servers) {
    if (!s.id) problems.push('server with empty id');
    if (!s.address) problems.push(`server ${s.id}: empty address`);
    if (s.suffrage !== 'voter' && s.suffrage !== 'nonvoter') problems.push(`server ${s.id}: bad suffrage ${String(s.suffrage)}`);
    if (ids.has(s.id)) problems.push(`duplicate server id ${s.id}`);
    if (addresses.has(s.address)) problems.push(`duplicate server address ${s.address}`);
    ids.add(s.id);
    addresses.add(s.address);
  }
  if (voters(config).length === 0) problems.push('configuration has no voters');
  return problems;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeConfiguration(config: Configuration): Uint8Array {
  return encoder.encode(JSON.stringify({ servers: config.servers.map((s) => ({ id: s.id, address: s.address, suffrage: s.suffrage })) }));
}

export function decodeConfiguration(data: Uint8Array): Configuration {
  const parsed: unknown = JSON.parse(decoder.decode(data));
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { servers?: unknown }).servers)) {
    throw new Error('configuration entry does not decode');
  }
  const servers: Server[] = [];
  for (const raw of (parsed as { servers: unknown[] }).servers) {
    const s = raw as Record<string, unknown>;
    if (typeof s.id !== 'string' || typeof s.address !== 'string' || (s.suffrage !== 'voter' && s.suffrage !== 'nonvoter')) {
      throw new Error('configuration entry has a malformed server');
    }
    servers.push({ id: s.id, address: s.address, suffrage: s.suffrage });
  }
  return { servers };
}
