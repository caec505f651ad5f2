/**
 * The value of a DataServer's etcd key (`<prefix><id>`, compat §4), in either form found in the
 * wild:
 * - a plain listen address, "0.0.0.0:8001": what the Go DataServer writes (the original
 *   MetaServer expected JSON and ignored every one of these);
 * - compact JSON `{"id","addr","register_at"}`: what the original MetaServer expected.
 * The id is the JSON's `id` when it has one, else the key after the prefix; either way it must
 * pass the heartbeat's own checks, so it can name the same DataServer. `register_at` is only
 * informational: a missing or unreadable one is left out rather than rejecting the registration.
 */
import type { DataServerRegistration } from '../cluster/dataserver-registrations';
import { MAX_DATASERVER_NAME } from '../meta/apply-upkeep';

export type ParsedRegistration =
  { readonly ok: true; readonly registration: DataServerRegistration } | { readonly ok: false; readonly problem: string };

/** "host:port", "[v6]:port" or ":port" (a Go listen address with every interface). */
const HOST_PORT = /^(?:\[([^\]\s]*)\]|([^\s:[\]]*)):(\d{1,5})$/;
/** Hosts that mean "every interface": a listen address, not one a client can dial. */
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0']);

export function parseDataServerRegistration(key: string, value: string, prefix: string): ParsedRegistration {
  if (!key.startsWith(prefix)) return problem(`key is not under ${prefix}`);
  const keyId = key.slice(prefix.length);
  const text = value.trim();
  if (text === '') return problem('the value is empty');
  if (!text.startsWith('{')) return withAddress(keyId, text, undefined);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return problem('the value is neither host:port nor valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return problem('the JSON value is not an object');
  const record = parsed as Record<string, unknown>;
  if (typeof record['addr'] !== 'string') return problem('the JSON value has no "addr" string');
  if (record['id'] !== undefined && typeof record['id'] !== 'string') return problem('the JSON "id" is not a string');
  const registerAt = record['register_at'];
  const registeredAt = typeof registerAt === 'string' && !Number.isNaN(Date.parse(registerAt)) ? registerAt : undefined;
  return withAddress(record['id'] ?? keyId, record['addr'].trim(), registeredAt);
}

function withAddress(id: string, listen: string, registeredAt: string | undefined): ParsedRegistration {
  if (id === '') return problem('no DataServer id (the key ends at the prefix and the value names none)');
  if (id.length > MAX_DATASERVER_NAME) return problem(`the DataServer id is longer than ${MAX_DATASERVER_NAME} characters`);
  const match = HOST_PORT.exec(listen);
  const port = Number(match?.[3]);
  if (match === null || listen.length > MAX_DATASERVER_NAME || !(port >= 1 && port <= 65535)) {
    return problem(`the address ${JSON.stringify(listen.slice(0, 80))} is not host:port`);
  }
  const host = match[1] ?? match[2] ?? '';
  const registration: DataServerRegistration = { id, listen, dialable: !WILDCARD_HOSTS.has(host) };
  return { ok: true, registration: registeredAt === undefined ? registration : { ...registration, registeredAt } };
}

function problem(text: string): ParsedRegistration {
  return { ok: false, problem: text };
}
