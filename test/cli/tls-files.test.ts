/**
 * The TLS files a command line names for its calls to the MetaServers (src/cli/tls-files.ts):
 * read and checked before anything is dialled, every problem reported at once under the name it
 * was given as; flags win over MINFS_CA/MINFS_CERT/MINFS_KEY; and minfs and minfs-admin turn a
 * bad file into a usage error (exit 2) before connecting.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { EXIT_USAGE as ADMIN_EXIT_USAGE, runAdmin } from '../../src/cli/minfs-admin';
import { EXIT_USAGE, runMinfs } from '../../src/cli/minfs';
import { CLIENT_TLS_NAMES, loadTlsFiles, TlsFilesError, tlsFilesFromFlagsOrEnv, type TlsFiles } from '../../src/cli/tls-files';
import { makeTempDir, removeDir } from '../support/dataserver/temp-dir';
import { makeTestPki, type TestPki } from '../support/tls-certificates';

let dir: string;
let pki: TestPki;
before(() => {
  dir = makeTempDir('tls-files-');
  pki = makeTestPki(dir);
  writeFileSync(join(dir, 'not-pem.txt'), 'hello');
});
after(() => removeDir(dir));

const as = (path: string, from: string): { path: string; from: string } => ({ path, from });

/** The problems loadTlsFiles reports for `files` (fails the test when it accepts them). */
function problems(files: TlsFiles): readonly string[] {
  try {
    loadTlsFiles(files);
  } catch (error) {
    assert.ok(error instanceof TlsFilesError, String(error));
    return error.problems;
  }
  assert.fail('accepted');
}

test('no file: plaintext; a CA alone, or with a certificate and its key: TLS with their contents', () => {
  assert.equal(loadTlsFiles({}), undefined);
  assert.deepEqual(loadTlsFiles({ ca: as(pki.caFile, '--ca') }), { ca: pki.ca, cert: undefined, key: undefined });
  const full = loadTlsFiles({ ca: as(pki.caFile, '--ca'), cert: as(pki.nodeB.certFile, '--cert'), key: as(pki.nodeB.keyFile, '--key') });
  assert.deepEqual(full, { ca: pki.ca, cert: pki.nodeB.cert, key: pki.nodeB.key });
  // Without a CA the system's roots verify the MetaServers (certificates from a public CA).
  const noCa = loadTlsFiles({ cert: as(pki.nodeB.certFile, '--cert'), key: as(pki.nodeB.keyFile, '--key') });
  assert.deepEqual(noCa, { ca: undefined, cert: pki.nodeB.cert, key: pki.nodeB.key });
});

test('every problem at once, each under the name the file was given as', () => {
  assert.deepEqual(problems({ ca: as(join(dir, 'missing.crt'), 'MINFS_CA'), cert: as(join(dir, 'not-pem.txt'), '--cert') }), [
    `MINFS_CA ${join(dir, 'missing.crt')} cannot be read (ENOENT)`,
    `--cert ${join(dir, 'not-pem.txt')} is not PEM (no -----BEGIN line)`,
    '--cert needs a key too: the private key of the certificate',
  ]);
  assert.deepEqual(problems({ ca: as(pki.nodeA.keyFile, '--meta-ca') }), [`--meta-ca ${pki.nodeA.keyFile} holds no readable certificate`]);
  assert.deepEqual(problems({ key: as(pki.nodeB.keyFile, '--key') }), ['--key needs a certificate too: the one the key belongs to']);
  const mismatch = problems({ cert: as(pki.nodeA.certFile, '--cert'), key: as(pki.nodeB.keyFile, '--key') });
  assert.equal(mismatch.length, 1);
  assert.match(mismatch[0]!, /^--cert does not go with --key: /);
});

test('a flag wins over its variable; an empty variable counts as unset', () => {
  const files = tlsFilesFromFlagsOrEnv(
    { ca: '/from/flag.crt' },
    { MINFS_CA: '/from/env.crt', MINFS_CERT: '/env/cert.pem', MINFS_KEY: '' },
    CLIENT_TLS_NAMES,
  );
  assert.deepEqual(files, { ca: as('/from/flag.crt', '--ca'), cert: as('/env/cert.pem', 'MINFS_CERT') });
});

async function run(
  main: typeof runMinfs | typeof runAdmin,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; err: string }> {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(args, env, { stdin: new PassThrough(), stdout: new PassThrough(), stderr, stderrIsTTY: false });
  return { code, err };
}

test('minfs: a bad TLS file is a usage error before anything is dialled', async () => {
  // Port 1: nothing listens there, so only a check before connecting can give exit 2.
  const missing = await run(runMinfs, ['--meta', '127.0.0.1:1', '--ca', join(dir, 'nope.crt'), 'ls']);
  assert.equal(missing.code, EXIT_USAGE);
  assert.equal(missing.err, `minfs: ls: --ca ${join(dir, 'nope.crt')} cannot be read (ENOENT)\n`);
  const half = await run(runMinfs, ['--meta', '127.0.0.1:1', 'ls'], { MINFS_CERT: pki.nodeB.certFile });
  assert.equal(half.code, EXIT_USAGE);
  assert.equal(half.err, 'minfs: ls: MINFS_CERT needs a key too: the private key of the certificate\n');
});

test('minfs-admin --servers: a bad TLS file is a usage error before anything is dialled', async () => {
  const half = await run(runAdmin, ['--servers', '127.0.0.1:1', '--key', pki.nodeB.keyFile, 'status']);
  assert.equal(half.code, ADMIN_EXIT_USAGE);
  assert.equal(half.err, 'minfs-admin: --key needs a certificate too: the one the key belongs to\n');
});
