/**
 * Certificates for the TLS tests, made with the openssl command into a directory of the test's
 * own: a cluster CA with two node certificates, and a second CA with a certificate of its own
 * (a stranger). Generated rather than committed: no private key sits in the repository, nothing
 * expires under a test suite, and the recipe is readable here. EC P-256 keys take milliseconds.
 * Node certificates name 127.0.0.1 and localhost, as gRPC clients check the host they dial, and
 * may serve and dial (serverAuth and clientAuth), as a MetaServer does both.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TestPki {
  /** The cluster CA's certificate. */
  readonly caFile: string;
  readonly ca: Buffer;
  readonly nodeA: KeyPair;
  readonly nodeB: KeyPair;
  /** Signed by another CA: valid, but not a member of the cluster. */
  readonly stranger: KeyPair;
  /** The stranger's CA's certificate. */
  readonly strangerCa: Buffer;
}

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/** Writes a CA, two node certificates and a stranger's into `dir` (which the caller removes). */
export function makeTestPki(dir: string): TestPki {
  const config = join(dir, 'openssl.cnf');
  writeFileSync(config, OPENSSL_CONFIG);
  const openssl = (...args: string[]): void => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      throw new Error(`openssl ${args[0]} failed (the TLS tests need the openssl command): ${String(error)}`, { cause: error });
    }
  };
  const newKey = (name: string): void =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const newCa = (name: string): void => {
    newKey(name);
    openssl(
      'req',
      '-new',
      '-x509',
      '-key',
      `${name}.key`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '2',
      '-config',
      config,
      '-extensions',
      'ca',
      '-out',
      `${name}.crt`,
    );
  };
  const newLeaf = (name: string, ca: string): KeyPair => {
    newKey(name);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-config', config, '-out', `${name}.csr`);
    const serial = `0x${randomBytes(8).toString('hex')}`;
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      serial,
      '-days',
      '2',
      '-extfile',
      config,
      '-extensions',
      'leaf',
      '-out',
      `${name}.crt`,
    );
    return pair(dir, name);
  };
  newCa('cluster-ca');
  newCa('stranger-ca');
  return {
    caFile: join(dir, 'cluster-ca.crt'),
    ca: readFileSync(join(dir, 'cluster-ca.crt')),
    nodeA: newLeaf('node-a', 'cluster-ca'),
    nodeB: newLeaf('node-b', 'cluster-ca'),
    stranger: newLeaf('stranger', 'stranger-ca'),
    strangerCa: readFileSync(join(dir, 'stranger-ca.crt')),
  };
}

function pair(dir: string, name: string): KeyPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
