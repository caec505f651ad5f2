/**
 * A metaServer process (src/cli/meta-server.ts, built into dist) as an operator starts it, for
 * tests and benchmarks: its stdout lines parsed (JSON log lines and the "serving" line; anything
 * else as {text}), stderr kept, and a promise of its exit. runProgram does the same for another
 * of the built programs (the DataServer's dataserver-main.js prints JSON lines too).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { freePorts } from './free-ports';
import { MetaClient } from './meta-cluster/meta-client';

const MAIN = path.resolve(__dirname, '../../src/cli/meta-server.js');

export type Line = Record<string, unknown>;

export interface MetaServerProcess {
  readonly child: ChildProcess;
  readonly lines: Line[];
  /** Its exit; a test that reads this expects the exit (see reportUnexpectedExit). */
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Whether the test has read `exited`. */
  readonly exitAwaited: () => boolean;
  readonly stderr: () => string;
  /** Resolves with the first stdout line that `match` accepts (rejects if the process exits first). */
  line(match: (l: Line) => boolean): Promise<Line>;
  /** SIGKILL unless it has exited. */
  kill(): void;
}

/** `env`: variables added to this process's environment for the child. */
export function runMetaServer(args: readonly string[], env: Readonly<Record<string, string>> = {}): MetaServerProcess {
  return runProgram(MAIN, args, env);
}

/** runMetaServer, killed (if still running) when the test ends. */
export function runMetaServerFor(t: TestContext, args: readonly string[]): MetaServerProcess {
  const running = runMetaServer(args);
  t.after(async () => {
    const expected = running.exitAwaited();
    running.kill();
    const [code, signal] = await running.exited;
    if (!expected && code !== 0 && signal !== 'SIGKILL') reportUnexpectedExit(running, args, code, signal);
  });
  return running;
}

/**
 * A node that ended on its own with a failure, while the test neither killed it nor waited for its
 * exit, is named on stderr with its last words: a test failing with "Connection dropped" is
 * otherwise a puzzle in CI's output (that is how an upkeep tick throwing during a restore was
 * found). Its exit is often seen only after the test ended, so this runs after the kill. It never
 * fails a test by itself.
 */
function reportUnexpectedExit(
  running: MetaServerProcess,
  args: readonly string[],
  code: number | null,
  signal: NodeJS.Signals | null,
): void {
  const how = code !== null ? `with code ${code}` : `on ${signal}`;
  const tail = running.lines.slice(-15).map(textOf).join('\n');
  process.stderr.write(
    `metaServer ${args.join(' ')} exited ${how} on its own\n--- stderr:\n${running.stderr()}\n--- last stdout lines:\n${tail}\n`,
  );
}

/** A built program (a dist/src/cli/*.js path) run with `args`, its output seen as runMetaServer's is. */
export function runProgram(main: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): MetaServerProcess {
  const name = path.basename(main, '.js');
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: Line[] = [];
  let stderr = '';
  const waiters: { match: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let parsed: Line;
    try {
      parsed = JSON.parse(text) as Line;
    } catch {
      parsed = { text };
    }
    if (typeof parsed !== 'object' || parsed === null) parsed = { text };
    lines.push(parsed);
    for (const w of [...waiters]) {
      if (!w.match(parsed)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(parsed);
    }
  });
  let exitAwaited = false;
  return {
    child,
    lines,
    get exited() {
      exitAwaited = true;
      return exited;
    },
    exitAwaited: () => exitAwaited,
    stderr: () => stderr,
    line: (match) =>
      new Promise((resolve, reject) => {
        const found = lines.find(match);
        if (found !== undefined) return resolve(found);
        waiters.push({ match, resolve });
        void exited.then(([code]) => reject(new Error(`${name} exited (${code}) first; stderr: ${stderr}`)));
      }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A stdout line as printed: plain text, or the JSON it parsed as. */
export const textOf = (line: Line): string => (typeof line['text'] === 'string' ? line['text'] : JSON.stringify(line));

export interface ClusterConfigFile {
  readonly file: string;
  /** gRPC ports of the three peers (node ids meta-<port>). */
  readonly grpc: readonly number[];
}

/**
 * Writes a config.yaml for three MetaServers on free loopback ports into `dir`; etcd at
 * `etcdEndpoint` (default: a port nobody listens on), Raft timings as given (default: config.yaml's),
 * `cluster` keys beside the id (e.g. default_replication) and a `tls` section when given.
 */
export async function writeClusterConfig(
  dir: string,
  options: {
    etcdEndpoint?: string;
    raft?: Record<string, unknown>;
    clusterId?: string;
    cluster?: Record<string, unknown>;
    tls?: Record<string, unknown>;
  } = {},
): Promise<ClusterConfigFile> {
  const ports = await freePorts(7);
  const grpc = ports.slice(0, 3);
  const config = {
    cluster: { id: options.clusterId ?? 'test', ...options.cluster },
    etcd: { endpoints: [options.etcdEndpoint ?? `127.0.0.1:${ports[6]}`], timeout: '500ms' },
    raft: {
      peers: grpc.map((port, i) => ({ id: `meta-${port}`, raft_addr: `127.0.0.1:${ports[3 + i]}`, grpc_addr: `127.0.0.1:${port}` })),
      ...options.raft,
    },
    logging: { level: 'info', file: path.join(dir, 'logs', '{id}.log') },
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return { file, grpc };
}

/** The operator's command line for node `meta-<port>` of a cluster written by writeClusterConfig. */
export function metaServerArgs(file: string, dir: string, port: number, extra: readonly string[] = []): string[] {
  return ['--config', file, '--port', String(port), '--data-dir', path.join(dir, `meta-${port}`), '--bootstrap', ...extra];
}

/**
 * The leader's gRPC address as GetLeader on `address` reports it, once there is one. Polls: the
 * answer lives in another process, which sends no event this one could wait on.
 */
export async function leaderOf(address: string): Promise<{ host: string; port: number }> {
  const client = new MetaClient(address);
  try {
    for (;;) {
      const leader = (await client.call('GetLeader', {}, undefined, 2_000).catch(() => undefined))?.leader;
      if (leader !== null && leader !== undefined && leader.port > 0) return { host: leader.host, port: leader.port };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    client.close();
  }
}

/**
 * Raft timings short enough for tests that wait on elections (the defaults are 1 s). The lease is
 * half a second: with 250 ms, a leader whose followers were starved of CPU that long (two test
 * files at once on CI's 2 cores, each running three nodes and the admin tool's processes) stepped
 * down mid-test, and a plain write failed "leadership lost" (seen in CI).
 */
export const FAST_RAFT = { heartbeat_timeout: '500ms', election_timeout: '500ms', leader_lease_timeout: '500ms' };

/** Three metaServer processes of a cluster written by writeClusterConfig, each serving. */
export interface StartedCluster {
  readonly file: string;
  /** gRPC ports of the three nodes (node ids meta-<port>). */
  readonly ports: readonly number[];
  /** All three gRPC addresses, comma-separated (minfs-admin --servers). */
  readonly servers: string;
  /** The operator's command line of node meta-<port>. */
  readonly args: (port: number) => string[];
  /** The running process of each node, by gRPC port; replace an entry when restarting one. */
  readonly nodes: Map<number, MetaServerProcess>;
}

/** Writes the config into `dir`, starts the three nodes with --bootstrap, and waits until each serves. */
export async function startClusterProcesses(
  t: TestContext,
  dir: string,
  options: Parameters<typeof writeClusterConfig>[1],
): Promise<StartedCluster> {
  const { file, grpc: ports } = await writeClusterConfig(dir, options);
  const args = (port: number): string[] => metaServerArgs(file, dir, port);
  const nodes = new Map(ports.map((port) => [port, runMetaServerFor(t, args(port))]));
  for (const node of nodes.values()) await node.line((l) => l['event'] === 'serving');
  return { file, ports, servers: ports.map((p) => `127.0.0.1:${p}`).join(','), args, nodes };
}
