/**
 * build.sh's deployable tree as an operator uses it: `build.sh --assemble-only --out <temp>` (no
 * npm ci, no rebuild: the test runs after `npm run build`), then bin/start.sh, a file written with
 * the client shipped in it, bin/stop.sh, bin/start.sh again (the same cluster back from its data:
 * --bootstrap is ignored on a node with state), the file read back with the same md5, bin/stop.sh,
 * and every process start.sh started is gone, each stopped by SIGTERM. The cluster runs on free
 * ports (start.sh's MINFS_* variables and the config.yaml in the temp tree), beside anything else
 * on the original ones. With etcd installed start.sh runs it too; without, the cluster runs without.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { freePorts } from '../support/free-ports';

const ROOT = path.resolve(__dirname, '../../..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end; the output is kept for the assertions and their messages. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await run(command, args, env);
  assert.equal(result.code, 0, `${path.basename(command)} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Alive and not a zombie (where nothing reaps orphans, a stopped daemon stays a zombie). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Every pid file start.sh wrote, as name -> pid. */
function pidFiles(publish: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const dir of ['metaServer/pid', 'dataServer/pid']) {
    for (const file of readdirSync(path.join(publish, dir))) {
      pids.set(file.replace(/\.pid$/, ''), Number(readFileSync(path.join(publish, dir, file), 'utf8').trim()));
    }
  }
  return pids;
}

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

test(
  'workpublish: start.sh, write, stop.sh, start.sh brings the same cluster back with the file, stop.sh stops everything',
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'minfs-workpublish-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const publish = path.join(dir, 'workpublish');
    await ok('bash', [path.join(ROOT, 'build.sh'), '--assemble-only', '--out', publish]);

    const ports = await freePorts(12);
    const meta = ports.slice(0, 3);
    const raft = ports.slice(3, 6);
    const dataServers = ports.slice(6, 10);
    const [etcdPort, etcdPeerPort] = ports.slice(10);
    // The shipped config.yaml with this cluster's ports; everything else as shipped.
    const configFile = path.join(publish, 'metaServer', 'config.yaml');
    const config = parse(readFileSync(configFile, 'utf8')) as { raft: { peers: unknown[] }; etcd: { endpoints: string[] } };
    config.raft.peers = meta.map((port, i) => ({ id: `meta-${port}`, raft_addr: `127.0.0.1:${raft[i]}`, grpc_addr: `127.0.0.1:${port}` }));
    config.etcd.endpoints = [`127.0.0.1:${etcdPort}`];
    writeFileSync(configFile, stringify(config));
    const env = {
      ...process.env,
      MINFS_META_PORTS: meta.join(' '),
      MINFS_DATASERVER_PORTS: dataServers.join(' '),
      MINFS_ETCD_PORT: String(etcdPort),
      MINFS_ETCD_PEER_PORT: String(etcdPeerPort),
    };
    const start = path.join(publish, 'bin', 'start.sh');
    const stop = path.join(publish, 'bin', 'stop.sh');
    const started = new Set<number>();
    // Whatever happened above, no process outlives the test: stop.sh, then SIGKILL for any it missed.
    t.after(async () => {
      await run('bash', [stop], env);
      for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    });

    const client = path.join(publish, 'metaServer', 'lib', 'dist', 'src', 'cli', 'minfs.js');
    const metaAddresses = meta.map((port) => `127.0.0.1:${port}`).join(',');
    const minfs = (...args: string[]): Promise<string> => ok(process.execPath, [client, '--meta', metaAddresses, ...args]);

    const startCluster = async (): Promise<void> => {
      const out = await ok('bash', [start], env);
      t.diagnostic(/^ {2}etcd /m.test(out) ? 'start.sh ran etcd' : 'start.sh ran without etcd');
      assert.match(out, /^minfs is up:$/m);
      assert.match(out, /^ {2}127\.0\.0\.1:\d+ {2}leader$/m, out);
      assert.match(out, /^DataServers: 4$/m, out);
      const pids = pidFiles(publish);
      const expected = [...meta.map((p) => `meta-${p}`), 'dataServer-1', 'dataServer-2', 'dataServer-3', 'dataServer-4'];
      for (const name of expected) assert.ok(pids.has(name), `${name}.pid written (${[...pids.keys()].join(', ')})`);
      for (const [name, pid] of pids) {
        assert.ok(alive(pid), `${name} (pid ${pid}) runs`);
        started.add(pid);
      }
    };
    const stopCluster = async (): Promise<void> => {
      const out = await ok('bash', [stop], env);
      assert.doesNotMatch(out, /SIGKILL/, 'every process stopped on SIGTERM');
      assert.deepEqual([...pidFiles(publish).keys()], [], 'pid files removed');
      for (const pid of started) assert.equal(alive(pid), false, `pid ${pid} is gone`);
    };

    // Three blocks and a bit: the file spans DataServers.
    const data = randomBytes(3 * 4 * 1024 * 1024 + 12_345);
    const local = path.join(dir, 'in.bin');
    writeFileSync(local, data);

    await startCluster();
    await minfs('mkdir', '/kept');
    await minfs('put', '--no-progress', local, '/kept/file.bin');
    await stopCluster();

    await startCluster();
    const metaLogs = readdirSync(path.join(publish, 'metaServer', 'logs')).filter((f) => /^meta-\d+\.log$/.test(f));
    assert.equal(metaLogs.length, 3, metaLogs.join(', '));
    for (const name of metaLogs) {
      assert.match(
        readFileSync(path.join(publish, 'metaServer', 'logs', name), 'utf8'),
        /--bootstrap ignored/,
        `${name}: restarted from its state`,
      );
    }
    const back = path.join(dir, 'out.bin');
    await minfs('get', '--no-progress', '/kept/file.bin', back);
    assert.equal(md5(readFileSync(back)), md5(data));
    await stopCluster();
  },
);
