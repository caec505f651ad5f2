/**
 * The DataServer process (src/cli/dataserver-main.ts): it announces itself with one JSON line on
 * stdout, heartbeats to the MetaServer named by --meta, serves blocks, and exits 0 on SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { DataClient, patternBytes } from '../support/dataserver/data-client';
import { FakeMetaServer } from '../support/dataserver/fake-metaserver';
import { tempDir } from '../support/dataserver/temp-dir';

const MAIN = path.resolve(__dirname, '../../src/cli/dataserver-main.js');

interface Listening {
  event: 'listening';
  id: string;
  address: string;
}

test('dataserver-main: listening line, heartbeats, a block written and read, SIGTERM exits 0', async (t) => {
  const meta = await FakeMetaServer.start();
  t.after(() => meta.stop());
  meta.role = 'leader';
  meta.believedLeader = meta.address;
  const dataDir = tempDir(t);
  const child = spawn(
    process.execPath,
    [
      MAIN,
      '--id',
      'dataServer-9',
      '--data',
      dataDir,
      '--meta',
      `127.0.0.1:1, ${meta.address}`,
      '--heartbeat-ms',
      '50',
      '--capacity-bytes',
      '1000000',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout });
  let listening: Listening | undefined;
  for await (const line of lines) {
    const parsed = JSON.parse(line) as Partial<Listening>;
    if (parsed.event === 'listening') {
      listening = parsed as Listening;
      break;
    }
  }
  assert.ok(listening, 'the process announced itself');
  assert.equal(listening.id, 'dataServer-9');
  assert.match(listening.address, /^127\.0\.0\.1:\d+$/);

  const client = new DataClient(listening.address);
  t.after(() => client.close());
  const bytes = patternBytes(100_000, 1);
  await client.writeBlock(42, [listening.address], bytes);
  assert.ok((await client.readBlock(42)).bytes.equals(bytes));
  const heartbeat = await meta.nextHeartbeat((h) => h.block_ids_report.includes('42'));
  assert.equal(heartbeat.dataServer_id, 'dataServer-9');
  assert.equal(heartbeat.dataServer_addr, listening.address);
  assert.equal(heartbeat.total_capacity, '1000000');

  child.kill('SIGTERM');
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, null);
  assert.equal(code, 0);
});

test('dataserver-main: a bad flag is refused with exit code 1', async (t) => {
  const child = spawn(process.execPath, [MAIN, '--id', 'x', '--data', tempDir(t), '--heartbeat-ms', 'soon'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 1);
});

test('dataserver-main: TLS files that cannot be used are refused, one line each, exit 1', async (t) => {
  const dir = tempDir(t);
  const tls = ['--meta-ca', path.join(dir, 'none.crt'), '--meta-key', path.join(dir, 'none.key')];
  const child = spawn(process.execPath, [MAIN, '--id', 'x', '--data', dir, '--meta', '127.0.0.1:1', ...tls], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 1);
  assert.equal(
    stderr,
    [
      `minfs-dataserver: --meta-ca ${path.join(dir, 'none.crt')} cannot be read (ENOENT)`,
      `minfs-dataserver: --meta-key ${path.join(dir, 'none.key')} cannot be read (ENOENT)`,
      'minfs-dataserver: --meta-key needs a certificate too: the one the key belongs to',
      '',
    ].join('\n'),
  );
});
