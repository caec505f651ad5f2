/**
 * The minfs CLI: argument parsing and exit codes in-process (runMinfs with captured streams), every
 * command against a 3-node MetaServer cluster with fake DataServers, and the built dist/src/cli/minfs.js
 * run as a child process for a few commands (asynchronously: the cluster answers from this process).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runMinfs, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../../src/cli/minfs';
import { ClientFixture, MiB, md5Of } from './client-fixture';

const CLI = join(__dirname, '../../src/cli/minfs.js');

let f: ClientFixture;
let meta: string;
before(async () => {
  f = await ClientFixture.start();
  meta = f.metaAddresses.join(',');
});
after(async () => {
  await f.stop();
});

interface Run {
  code: number;
  out: string;
  err: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** runMinfs in this process, with MINFS_META pointing at the test cluster unless `env` says otherwise. */
async function minfs(
  args: string[],
  env: Record<string, string | undefined> = { MINFS_META: meta },
  stdin: Readable = Readable.from([]),
): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await runMinfs(args, env, { stdin, stdout, stderr, stderrIsTTY: false });
  return { code, out: out(), err: err() };
}

function child(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

test('usage errors exit 2 with one line on stderr', async () => {
  const cases: [string[], RegExp][] = [
    [['lss'], /^minfs: unknown command 'lss' \(Did you mean ls\?\)\n$/],
    [['put', 'only-one'], /^minfs: put: missing required argument 'remote'\n$/],
    [['ls', '--bogus'], /^minfs: ls: unknown option '--bogus'\n$/],
    [['mkdir', '/a', '/b'], /^minfs: mkdir: too many arguments/],
    [['--meta', 'no-port', 'ls'], /^minfs: ls: invalid MetaServer address 'no-port' \(expected host:port\)\n$/],
    [['--meta', ' , ', 'ls'], /^minfs: ls: no MetaServer address given/],
    [['--wait', 'soon', 'ls'], /^minfs: ls: invalid --wait 'soon'/],
  ];
  for (const [args, message] of cases) {
    const run = await minfs(args);
    assert.equal(run.code, EXIT_USAGE, args.join(' '));
    assert.match(run.err, message, args.join(' '));
    assert.equal(run.out, '');
  }
  const bare = await minfs([]);
  assert.equal(bare.code, EXIT_USAGE);
  assert.match(bare.err, /Usage: minfs \[options\] \[command\]/);
});

test('--help exits 0 and lists every command', async () => {
  const run = await minfs(['--help']);
  assert.equal(run.code, EXIT_OK);
  for (const command of ['put', 'get', 'ls', 'stat', 'mkdir', 'rm', 'mv', 'cluster', 'replication'])
    assert.match(run.out, new RegExp(`\\n  ${command} `));
  const put = await minfs(['put', '--help']);
  assert.match(put.out, /-f, --force/);
});

test('a refusal from the server exits 1 with "minfs: <command>: <message>"', async () => {
  const run = await minfs(['stat', '/does/not/exist']);
  assert.equal(run.code, EXIT_FAILED);
  assert.match(run.err, /^minfs: stat: .*\/does\/not\/exist.*\n$/);
  const relative = await minfs(['mkdir', 'relative']);
  assert.equal(relative.code, EXIT_FAILED);
  assert.match(relative.err, /^minfs: mkdir: .*absolute/);
  const down = await minfs(['--meta', '127.0.0.1:1', '--wait', '0', 'ls']);
  assert.equal(down.code, EXIT_FAILED);
  assert.match(down.err, /^minfs: ls: no MetaServer leader found/);
});

test('every command against the cluster, human and --json', async () => {
  assert.deepEqual(await minfs(['mkdir', '-p', '/cli/docs']), { code: 0, out: 'created directory /cli/docs\n', err: '' });
  const local = f.localFile('cli.in', 5 * MiB + 11);
  const put = await minfs(['put', local.path, '/cli/docs/']);
  assert.equal(put.code, EXIT_OK, put.err);
  assert.match(put.out, new RegExp(`-> /cli/docs/cli\\.in: 5\\.0 MiB in 2 blocks, md5 ${local.md5}\\n$`));

  const again = await minfs(['put', local.path, '/cli/docs/cli.in']);
  assert.equal(again.code, EXIT_FAILED);
  assert.match(again.err, /^minfs: put: already exists: \/cli\/docs\/cli\.in \(use --force to overwrite\)\n$/);
  const forced = await minfs(['put', '--force', '--json', local.path, '/cli/docs']);
  assert.equal(forced.code, EXIT_OK, forced.err);
  const result = JSON.parse(forced.out) as { inode: string };
  assert.match(result.inode, /^\d+$/);
  assert.deepEqual(result, { path: '/cli/docs/cli.in', size: 5 * MiB + 11, md5: local.md5, inode: result.inode, blocks: 2 });

  const fromStdin = await minfs(['put', '-', '/cli/stdin.txt'], { MINFS_META: meta }, Readable.from([Buffer.from('hello\n')]));
  assert.equal(fromStdin.code, EXIT_OK, fromStdin.err);

  assert.equal((await minfs(['ls', '/cli'])).out, 'docs/\nstdin.txt\n');
  const long = await minfs(['ls', '-l', '/cli/docs']);
  assert.match(long.out, new RegExp(`^- +${5 * MiB + 11}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  cli\\.in\\n$`));
  assert.equal((await minfs(['ls', '/cli/stdin.txt'])).out, 'stdin.txt\n', 'ls of a file shows the file');
  const listed = JSON.parse((await minfs(['ls', '--json', '/cli'])).out) as { path: string; type: string }[];
  assert.deepEqual(
    listed.map((e) => [e.path, e.type]),
    [
      ['/cli/docs', 'Directory'],
      ['/cli/stdin.txt', 'File'],
    ],
  );

  const stat = await minfs(['stat', '/cli/docs/cli.in']);
  assert.match(stat.out, new RegExp(`md5: +${local.md5}`));
  assert.match(stat.out, /blocks: +2\n/);
  const statJson = JSON.parse((await minfs(['stat', '--json', '/cli/docs/cli.in'])).out) as {
    size: number;
    replication: { blocks: unknown[] };
  };
  assert.equal(statJson.size, 5 * MiB + 11);
  assert.equal(statJson.replication.blocks.length, 2);

  mkdirSync(join(f.dir, 'down'));
  const got = await minfs(['get', '/cli/docs/cli.in', join(f.dir, 'down')]);
  assert.equal(got.code, EXIT_OK, got.err);
  assert.match(got.out, /\(verified\)\n$/);
  assert.equal(md5Of(readFileSync(join(f.dir, 'down', 'cli.in'))), local.md5);
  const cat = await minfs(['get', '/cli/stdin.txt', '-']);
  assert.deepEqual(cat, { code: 0, out: 'hello\n', err: '' });

  assert.equal((await minfs(['mv', '/cli/stdin.txt', '/cli/hello.txt'])).out, 'renamed /cli/stdin.txt -> /cli/hello.txt\n');
  const cluster = await minfs(['cluster']);
  assert.match(cluster.out, new RegExp(`${(await f.cluster.leader()).grpc.address}  leader`));
  assert.match(cluster.out, /DataServers: 3\n/);
  const clusterJson = JSON.parse((await minfs(['cluster', '--json'])).out) as { dataServers: unknown[] };
  assert.equal(clusterJson.dataServers.length, 3);
  await f.heartbeat();
  const replication = await minfs(['replication']);
  assert.match(replication.out, /healthy +3\/3 {2}\/cli\/docs\/cli\.in\n/);
  assert.match(replication.out, /\d+ files: \d+ healthy, 0 under-replicated, 0 over-replicated\n$/);
  const one = JSON.parse((await minfs(['replication', '--json', '/cli/hello.txt'])).out) as { totalFiles: number };
  assert.equal(one.totalFiles, 1);

  const notEmpty = await minfs(['rm', '/cli']);
  assert.equal(notEmpty.code, EXIT_FAILED);
  assert.match(notEmpty.err, /^minfs: rm: /);
  assert.deepEqual(await minfs(['rm', '-r', '/cli']), { code: 0, out: 'removed /cli\n', err: '' });
});

test('the built CLI as a child process: MINFS_META, --meta, exit codes', async () => {
  const made = await child(['mkdir', '-p', '/child/a'], { MINFS_META: meta });
  assert.deepEqual(made, { code: 0, out: 'created directory /child/a\n', err: '' });
  const listed = await child(['--meta', f.metaAddresses[2]!, 'ls', '--json', '/child']);
  assert.equal(listed.code, 0, listed.err);
  assert.deepEqual(
    (JSON.parse(listed.out) as { path: string }[]).map((e) => e.path),
    ['/child/a'],
  );
  const missing = await child(['--meta', meta, 'rm', '/child/nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^minfs: rm: .*\/child\/nope\n$/);
  const usage = await child(['mv', '/child/a']);
  assert.equal(usage.code, 2);
  assert.equal(usage.err, "minfs: mv: missing required argument 'to'\n");
});
