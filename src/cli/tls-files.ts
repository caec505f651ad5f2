/**
 * The TLS files a command line names for its calls to the MetaServers (minfs and minfs-admin:
 * --ca/--cert/--key or MINFS_CA/MINFS_CERT/MINFS_KEY; the DataServer: --meta-ca/--meta-cert/
 * --meta-key). They are read and checked before anything is dialled, so that a missing file, a
 * file that is not PEM, or a certificate without its key is one clear usage error rather than
 * a connection failure later. Any file given turns TLS on; a CA alone is the usual case.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { MetaTlsOptions } from '../wire/meta-tls';

type TlsPart = 'ca' | 'cert' | 'key';

/** Each file's path where given, with the name it was given under (for messages). */
export type TlsFiles = Partial<Record<TlsPart, { readonly path: string; readonly from: string }>>;

/** The files, when any is given: TLS. Throws a TlsFilesError listing every problem. */
export function loadTlsFiles(files: TlsFiles): MetaTlsOptions | undefined {
  const problems: string[] = [];
  const pem: Partial<Record<TlsPart, Buffer>> = {};
  for (const part of ['ca', 'cert', 'key'] as const) {
    const file = files[part];
    if (file === undefined) continue;
    const content = readPem(file.path, file.from, problems);
    if (content === undefined) continue;
    if (part === 'ca' && !isCertificate(content)) problems.push(`${file.from} ${file.path} holds no readable certificate`);
    else pem[part] = content;
  }
  const { cert, key } = files;
  if (cert !== undefined && key === undefined) problems.push(`${cert.from} needs a key too: the private key of the certificate`);
  if (key !== undefined && cert === undefined) problems.push(`${key.from} needs a certificate too: the one the key belongs to`);
  if (pem.cert !== undefined && pem.key !== undefined) {
    try {
      createSecureContext({ cert: pem.cert, key: pem.key });
    } catch (error) {
      problems.push(`${cert!.from} does not go with ${key!.from}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) throw new TlsFilesError(problems);
  if (files.ca === undefined && files.cert === undefined) return undefined;
  return { ca: pem.ca, cert: pem.cert, key: pem.key };
}

/** The flags' values, each falling back to its environment variable (a flag wins). */
export function tlsFilesFromFlagsOrEnv(
  flags: Partial<Record<TlsPart, string>>,
  env: Readonly<Record<string, string | undefined>>,
  names: Readonly<Record<TlsPart, { readonly flag: string; readonly env: string }>>,
): TlsFiles {
  const files: TlsFiles = {};
  for (const part of ['ca', 'cert', 'key'] as const) {
    const { flag, env: variable } = names[part];
    const fromFlag = flags[part];
    // An empty variable is unset, as shells often leave them.
    const fromEnv = env[variable] === '' ? undefined : env[variable];
    if (fromFlag !== undefined) files[part] = { path: fromFlag, from: flag };
    else if (fromEnv !== undefined) files[part] = { path: fromEnv, from: variable };
  }
  return files;
}

/** minfs's and minfs-admin's names: the same flags and variables in both. */
export const CLIENT_TLS_NAMES = {
  ca: { flag: '--ca', env: 'MINFS_CA' },
  cert: { flag: '--cert', env: 'MINFS_CERT' },
  key: { flag: '--key', env: 'MINFS_KEY' },
} as const;

export class TlsFilesError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'TlsFilesError';
  }
}

function readPem(path: string, from: string, problems: string[]): Buffer | undefined {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    problems.push(`${from} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return undefined;
  }
  if (!content.includes('-----BEGIN ')) {
    problems.push(`${from} ${path} is not PEM (no -----BEGIN line)`);
    return undefined;
  }
  return content;
}

function isCertificate(pem: Buffer): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
