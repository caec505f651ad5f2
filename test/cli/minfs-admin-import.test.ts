/**
 * minfs-admin import against real metaServer processes: a listing of more than one batch (files,
 * directories, comments, parents made as needed) lands on every replica; an item of the wrong
 * type is counted as refused (exit 1) while the rest apply; importing the same listing again
 * creates nothing; a batch resent with its idempotency key gets its first answer; a listing with
 * a bad path is refused whole and changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import { AdminCallError, AdminClient, NoLeaderFoundError } from '../../src/cli/admin-client';
import type { ImportNode } from '../../src/generated/minfs/admin/ImportNode';
import type { ImportReply__Output } from '../../src/generated/minfs/admin/ImportReply';
import { IMPORT_BATCH, listingNode, runImport, type ImportTotals } from '../../src/cli/minfs-admin-import';
import { tempDir } from '../support/dataserver/temp-dir';
import { MetaClient, staleRead } from '../support/meta-cluster/meta-client';
import { FAST_RAFT, leaderOf, startClusterProcesses } from '../support/meta-server-process';
import { admin, adminJson, expectConsistent } from './admin-fixture';

/** More files than one batch holds, so the import takes several log entries. */
const FILES = IMPORT_BATCH + 2_345;

test('a listing line: directories end in "/", the root is a directory, blanks and comments are skipped', () => {
  assert.deepEqual(listingNode('/a/b/'), { path: '/a/b', directory: true });
  assert.deepEqual(listingNode('  /a/f  '), { path: '/a/f', directory: false });
  assert.deepEqual(listingNode('/'), { path: '/', directory: true });
  assert.equal(listingNode(''), undefined);
  assert.equal(listingNode('# a comment'), undefined);
});

test('import rides out an election: no leader found, then a lost answer; the batch goes again with its key', async (t) => {
  const listing = path.join(tempDir(t), 'listing.txt');
  writeFileSync(listing, '/a/\n/a/f\n/g\n');
  const keys: string[] = [];
  const leaderClient = {
    importNodes: (nodes: ImportNode[], key?: string): Promise<ImportReply__Output> => {
      keys.push(key ?? '');
      if (keys.length === 1) return Promise.reject(new AdminCallError('127.0.0.1:1', status.UNAVAILABLE, 'leadership lost'));
      return Promise.resolve({ created: String(nodes.length), existed: '0', refused: '0', first_refusal: '' });
    },
  } as unknown as AdminClient;
  let asked = 0;
  const leader = (): Promise<AdminClient> =>
    ++asked === 1 ? Promise.reject(new NoLeaderFoundError('no leader found among 127.0.0.1:1')) : Promise.resolve(leaderClient);
  const totals = await runImport(listing, leader, () => undefined, 0);
  assert.deepEqual(totals, { nodes: 3, created: 3, existed: 0, refused: 0, firstRefusal: '' });
  assert.equal(asked, 3, 'the leader is asked for again after each failure');
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the same idempotency key both times');
  assert.match(keys[0]!, /^import /);
});

test('minfs-admin import: a listing of several batches lands on every replica, once', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const { ports, servers } = await startClusterProcesses(t, dir, { clusterId: 'import-test', raft: FAST_RAFT });
  const leader = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${ports[0]}`)).port}`);
  t.after(() => leader.close());
  await leader.write('CreateNode', { path: '/taken', type: 'File' });

  const listing = path.join(dir, 'listing.txt');
  const lines = ['# made by the test', '/imported/', '', '/deep/a/b/c/file', '/taken/', '/imported/empty/'];
  for (let i = 0; i < FILES; i++) lines.push(`/imported/f${i}`);
  writeFileSync(listing, lines.join('\n') + '\n');
  const items = FILES + 4;

  const first = await admin('--servers', servers, '--json', 'import', listing);
  assert.equal(first.code, 1, `one item is refused, so the exit says so: ${first.stderr}`);
  const totals = JSON.parse(first.stdout) as ImportTotals;
  assert.deepEqual(
    { ...totals, firstRefusal: totals.firstRefusal !== '' },
    { nodes: items, created: items - 1, existed: 0, refused: 1, firstRefusal: true },
  );
  assert.match(totals.firstRefusal, /\/taken already exists as a file/);

  // Every replica holds it, read locally (stale reads answer from the node itself) once the
  // check has seen each one apply past a checkpoint proposed after the import.
  await expectConsistent(servers, 3);
  for (const port of ports) {
    const local = new MetaClient(`127.0.0.1:${port}`);
    try {
      let names = 0;
      for (let token = ''; ;) {
        const page = await local.call('ListDirectory', { path: '/imported', page_size: 5_000, page_token: token }, staleRead());
        names += page.nodes.length;
        token = page.next_page_token;
        if (token === '') break;
      }
      assert.equal(names, FILES + 1, `meta-${port} lists /imported`);
      const deep = await local.call('GetNodeInfo', { path: '/deep/a/b/c/file' }, staleRead());
      assert.equal(deep.statInfo?.type, 'File');
    } finally {
      local.close();
    }
  }

  const missing = await admin('--servers', servers, 'import', path.join(dir, 'absent.txt'));
  assert.equal(missing.code, 2, 'a missing listing is a usage error');
  assert.match(missing.stderr, /no such file/);
  writeFileSync(path.join(dir, 'only-good.txt'), lines.filter((l) => l !== '/taken/').join('\n'));
  const repeat = await adminJson<ImportTotals>('--servers', servers, 'import', path.join(dir, 'only-good.txt'));
  assert.deepEqual(repeat, { nodes: items - 1, created: 0, existed: items - 1, refused: 0, firstRefusal: '' });

  // A batch sent again with the same idempotency key (its first answer lost) gets the first answer.
  // Sent to the leader of the moment: with the tests' short timings the leadership may move.
  const importAtLeader = async (nodes: ImportNode[], key?: string): Promise<ImportReply__Output> => {
    for (;;) {
      const direct = new AdminClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${ports[0]}`)).port}`);
      try {
        return await direct.importNodes(nodes, key);
      } catch (error: unknown) {
        if (!(error instanceof AdminCallError) || error.code !== status.FAILED_PRECONDITION) throw error;
      } finally {
        direct.close();
      }
    }
  };
  const batch = [
    { path: '/keyed/a', directory: false },
    { path: '/keyed/b', directory: false },
  ];
  const keyed = await importAtLeader(batch, 'test-key');
  assert.deepEqual(await importAtLeader(batch, 'test-key'), keyed);
  assert.deepEqual({ created: keyed.created, existed: keyed.existed }, { created: '2', existed: '0' });
  const unkeyed = await importAtLeader(batch);
  assert.deepEqual({ created: unkeyed.created, existed: unkeyed.existed }, { created: '0', existed: '2' });

  const bad = path.join(dir, 'bad.txt');
  writeFileSync(bad, '/fresh/one\nrelative/path\n');
  const refused = await admin('--servers', servers, 'import', bad);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /nodes\[1\] "relative\/path": path must be absolute/);
  await assert.rejects(
    leader.call('GetNodeInfo', { path: '/fresh/one' }),
    /NOT_FOUND|no such file/i,
    'nothing of a refused batch was created',
  );
});
