/**
 * `host:port` addresses as Raft configurations carry them. IPv6 hosts are bracketed
 * (`[::1]:7000`) so that the last colon always separates the port.
 */

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` (port 0..65535, decimal). Returns undefined for anything else. */
export function parseHostPort(address: string): HostPort | undefined {
  if (typeof address !== 'string') return undefined;
  const colon = address.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  // An unbracketed colon would make `formatHostPort` ambiguous, so refuse it rather than guess.
  else if (host.includes(':')) return undefined;
  if (host.length === 0) return undefined;
  return { host, port };
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Wildcard hosts can be bound but not dialled, so they must never be advertised to peers. */
export function isUnspecifiedHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '0:0:0:0:0:0:0:0';
}
