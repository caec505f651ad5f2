/**
 * config.yaml's TLS settings: `tls.grpc` (the client port), `tls.raft` (mutual TLS between
 * MetaServers) and `etcd.tls`. Files are read here, so that a missing or unreadable file, a
 * certificate and key that do not belong together, or a half-configured section is reported at
 * startup with its key path, beside every other problem. Relative paths start at the working
 * directory, as the file's other paths do.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { TcpTlsOptions } from '../raft/index';
import type { EtcdTlsOptions } from '../server/etcd-registration';
import type { GrpcTlsOptions } from '../server/grpc-tls';
import { YamlFields, isMapping, type Mapping } from './yaml-fields';

export interface TlsConfig {
  /** tls.grpc: TLS on the client port (absent: plaintext). */
  readonly grpc: GrpcTlsOptions | undefined;
  /** tls.raft: mutual TLS between MetaServers (absent: plain TCP). */
  readonly raft: TcpTlsOptions | undefined;
}

/** The `tls` section; undefined parts where it says nothing. */
export function readTlsSection(doc: Mapping, problems: string[]): TlsConfig {
  const section = YamlFields.section(doc, 'tls', problems);
  const grpcFields = subsection(section, 'grpc');
  const raftFields = subsection(section, 'raft');
  section.finish();
  return { grpc: grpcFields && readGrpc(grpcFields), raft: raftFields && readRaft(raftFields) };
}

/** `etcd.tls` of the etcd section: ca_file, with cert_file and key_file for a client certificate. */
export function readEtcdTls(etcd: YamlFields): EtcdTlsOptions | undefined {
  const fields = subsection(etcd, 'tls');
  if (fields === undefined) return undefined;
  const files = readFiles(fields, ['ca_file', 'cert_file', 'key_file']);
  fields.finish();
  if (!files.given.has('ca_file') && files.given.size > 0)
    fields.problem('ca_file', "is missing: etcd's server certificate is verified with it");
  pairProblems(fields, files.given, 'cert_file', 'key_file');
  const { ca_file: ca, cert_file: cert, key_file: key } = files.pem;
  if (cert !== undefined && key !== undefined) matchProblem(fields, cert, key);
  if (ca === undefined || (cert === undefined) !== (key === undefined)) return undefined;
  return { ca, cert, key };
}

function readGrpc(fields: YamlFields): GrpcTlsOptions | undefined {
  const files = readFiles(fields, ['cert_file', 'key_file', 'ca_file']);
  const requireClientCert = fields.boolean('require_client_cert', false);
  fields.finish();
  if (files.given.size === 0 && !requireClientCert) return undefined;
  const hasPair = files.given.has('cert_file') || files.given.has('key_file');
  if (!hasPair) {
    const what = requireClientCert ? 'require_client_cert' : 'ca_file';
    fields.problem(what, 'is set but cert_file and key_file are not: the port needs a certificate and key to serve TLS');
  }
  pairProblems(fields, files.given, 'cert_file', 'key_file');
  if (requireClientCert && !files.given.has('ca_file'))
    fields.problem('require_client_cert', 'needs ca_file, to verify client certificates with');
  const { cert_file: cert, key_file: key, ca_file: ca } = files.pem;
  if (cert === undefined || key === undefined) return undefined;
  matchProblem(fields, cert, key);
  return { cert, key, ca, requireClientCert };
}

function readRaft(fields: YamlFields): TcpTlsOptions | undefined {
  const keys = ['cert_file', 'key_file', 'ca_file'] as const;
  const files = readFiles(fields, keys);
  fields.finish();
  if (files.given.size === 0) return undefined;
  for (const key of keys) {
    if (!files.given.has(key)) fields.problem(key, 'is missing: mutual TLS between MetaServers needs cert_file, key_file and ca_file');
  }
  const { cert_file: cert, key_file: key, ca_file: ca } = files.pem;
  if (cert === undefined || key === undefined) return undefined;
  matchProblem(fields, cert, key);
  return ca === undefined ? undefined : { cert, key, ca };
}

/** The mapping under `key`, or undefined when absent or empty. */
function subsection(parent: YamlFields, key: string): YamlFields | undefined {
  const value = parent.raw(key);
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) {
    parent.problem(key, 'must be a mapping of keys');
    return undefined;
  }
  return parent.child(value, key);
}

/** Which of `keys` are set, and the contents of those that could be read as PEM. */
function readFiles<K extends string>(fields: YamlFields, keys: readonly K[]): { given: Set<K>; pem: Partial<Record<K, Buffer>> } {
  const given = new Set<K>();
  const pem: Partial<Record<K, Buffer>> = {};
  for (const key of keys) {
    const path = fields.optionalString(key);
    if (path === undefined) continue;
    given.add(key);
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch (error) {
      fields.problem(key, `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    if (!content.includes('-----BEGIN ')) {
      fields.problem(key, `${path} is not PEM (no -----BEGIN line)`);
      continue;
    }
    if (key === 'ca_file' && !isCertificate(content)) {
      fields.problem(key, `${path} holds no readable certificate`);
      continue;
    }
    pem[key] = content;
  }
  return { given, pem };
}

/** A problem at whichever of the two keys is missing when only one is set. */
function pairProblems(fields: YamlFields, given: ReadonlySet<string>, a: string, b: string): void {
  if (given.has(a) && !given.has(b)) fields.problem(b, `is missing: ${a} and ${b} go together`);
  if (given.has(b) && !given.has(a)) fields.problem(a, `is missing: ${a} and ${b} go together`);
}

/** A problem when the certificate is unreadable or the key is not its key. */
function matchProblem(fields: YamlFields, cert: Buffer, key: Buffer): void {
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    fields.problem('cert_file', `does not go with key_file: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isCertificate(pem: Buffer): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
