/**
 * "host:port" addresses: parsing, and recognising this DataServer's own address in a replica list.
 * Addresses are what clients dial, so the wildcard hosts a server binds to (0.0.0.0, ::) never leave
 * here as an address (compat §7.11).
 */

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** "h:p", "[v6]:p"; throws on anything else. Port 0 is allowed (bind to any free port). */
export function parseHostPort(address: string): HostPort {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) throw new Error(`bad address ${JSON.stringify(address)}: expected host:port`);
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port > 65535 || host === '')
    throw new Error(`bad address ${JSON.stringify(address)}: expected host:port`);
  return { host, port };
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/** Normal form for comparing: lower-case host without brackets; unparsable text stays as it is. */
function normalise(address: string): string {
  try {
    const { host, port } = parseHostPort(address.trim());
    return `${host.toLowerCase()}:${port}`;
  } catch {
    return address.trim().toLowerCase();
  }
}

/**
 * The addresses under which other servers may list this one: the advertised address, the loopback
 * and wildcard forms of its port (the original DataServer advertised 0.0.0.0:port, so old location
 * lists may name it that way), and any extra aliases configured.
 */
export class SelfAddresses {
  private readonly forms: Set<string>;

  constructor(advertised: string, boundPort: number, aliases: readonly string[] = []) {
    const hosts = [...LOOPBACK_HOSTS, '0.0.0.0', '::'];
    this.forms = new Set([advertised, ...aliases, ...hosts.map((h) => `${h}:${boundPort}`)].map(normalise));
  }

  matches(address: string): boolean {
    return this.forms.has(normalise(address));
  }
}
