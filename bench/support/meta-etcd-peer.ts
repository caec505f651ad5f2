/**
 * The etcd peer of the MetaServer benchmark (shared/peers/etcd, beside this repository): a
 * 3-member etcd cluster on loopback started once per run (cluster.sh, which installs Debian's
 * etcd-server if missing), and its closed-loop load generator load.js, one process per
 * measurement, with our node_modules for its etcd3 client. `txn-create` is a namespace create's
 * shape (create-if-absent with a parent check in one transaction), `get` a linearizable read.
 * bench/e2e also runs our own range load (support/etcd-range-load.ts, since load.js has none) the
 * same way, in its own process.
 */
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/** From dist/bench/support: the repository's root is three levels up, shared/ beside it. */
export const DEFAULT_ETCD_PEER_DIR = resolve(__dirname, '../../../../shared/peers/etcd');
const NODE_MODULES = resolve(__dirname, '../../../node_modules');
/** Compiled beside this file. */
const RANGE_LOAD = resolve(__dirname, 'etcd-range-load.js');
/** cluster.sh may install etcd first. */
const START_TIMEOUT_MS = 300_000;

export type EtcdOp = 'txn-create' | 'get';

export interface EtcdResult {
  readonly ops_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
}

function parseLoadLine(line: string): EtcdResult {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`etcd load printed ${line}`);
  const field = (name: keyof EtcdResult): number => {
    const v: unknown = (parsed as Record<string, unknown>)[name];
    if (typeof v !== 'number') throw new Error(`etcd load line lacks numeric ${name}: ${line}`);
    return v;
  };
  return { ops_per_s: field('ops_per_s'), p50_ms: field('p50_ms'), p99_ms: field('p99_ms') };
}

/** Create it, register it for closing (an interrupt during start must stop the members too), then start(). */
export class EtcdPeer {
  private closing: Promise<void> | undefined;
  private endpoints = '';

  constructor(
    private readonly peerDir: string,
    /** The members' data (cluster.sh start creates it, stop removes it). */
    private readonly dataDir: string,
  ) {}

  /** Starts 3 members on loopback. */
  async start(): Promise<void> {
    const { stdout } = await promisify(execFile)('bash', [`${this.peerDir}/cluster.sh`, 'start', '3', this.dataDir], {
      timeout: START_TIMEOUT_MS,
    });
    const endpoints = stdout.trim().split('\n').pop() ?? '';
    if (!/^[\d.:,]+$/.test(endpoints)) throw new Error(`cluster.sh start printed no endpoints: ${stdout.trim()}`);
    this.endpoints = endpoints;
  }

  /** One closed-loop run of load.js; resolves with its figures. */
  run(op: EtcdOp, concurrency: number, seconds: number): Promise<EtcdResult> {
    return this.runLoad(`load.js ${op}`, `${this.peerDir}/load.js`, [op, String(concurrency), String(seconds)], seconds);
  }

  /**
   * One closed-loop run of our range load (support/etcd-range-load.ts): each call reads the `keys`
   * keys under one prefix, after `warmupSeconds` of unmeasured calls.
   */
  runRange(keys: number, concurrency: number, seconds: number, warmupSeconds: number): Promise<EtcdResult> {
    const args = [String(concurrency), String(seconds), String(warmupSeconds), String(keys)];
    return this.runLoad(`range load (${keys} keys)`, RANGE_LOAD, args, warmupSeconds + seconds);
  }

  /** Runs `script ENDPOINTS ...args` in its own process (its CPU is not ours) and parses its last stdout line. */
  private async runLoad(what: string, script: string, args: readonly string[], seconds: number): Promise<EtcdResult> {
    if (this.endpoints === '') throw new Error('etcd peer not started');
    const child = spawn(process.execPath, [script, this.endpoints, ...args], {
      env: { ...process.env, NODE_PATH: NODE_MODULES },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
    const code = await new Promise<number | string>((done, fail) => {
      child.once('error', fail);
      child.once('close', (c, signal) => done(c ?? signal ?? 'unknown'));
    }).finally(() => clearTimeout(killer));
    if (code !== 0) throw new Error(`etcd ${what} exited with ${code}; stdout: ${stdout.trim()}`);
    return parseLoadLine(stdout.trim().split('\n').pop() ?? '');
  }

  /** Stops the members and removes their data. Idempotent. */
  close(): Promise<void> {
    this.closing ??= promisify(execFile)('bash', [`${this.peerDir}/cluster.sh`, 'stop', this.dataDir], { timeout: 30_000 }).then(
      () => undefined,
    );
    return this.closing;
  }
}
