/**
 * The hashicorp/raft peer (/work/shared/peers/hashicorp-raft): three voters in one Go process,
 * raft-boltdb stores, TCP on loopback (ports 17100-17102), N concurrent Apply calls. Run as
 * `BINARY DIR CONCURRENCY SECONDS PAYLOAD_BYTES`; it prints one JSON line.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PEER_BUILD_SCRIPT = '/work/shared/peers/hashicorp-raft/build.sh';

export interface PeerResult {
  readonly ops_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
}

/** Runs the (idempotent) build script and returns the binary's path, its last line of output. */
export function buildPeer(script = PEER_BUILD_SCRIPT): string {
  const out = execFileSync(script, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const binary = out.trim().split('\n').pop();
  if (binary === undefined || binary.length === 0) throw new Error(`${script} printed no binary path`);
  return binary;
}

function parsePeerLine(line: string): PeerResult {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`peer printed ${line}`);
  const field = (name: keyof PeerResult): number => {
    const v: unknown = (parsed as Record<string, unknown>)[name];
    if (typeof v !== 'number') throw new Error(`peer line lacks numeric ${name}: ${line}`);
    return v;
  };
  return { ops_per_s: field('ops_per_s'), p50_ms: field('p50_ms'), p99_ms: field('p99_ms') };
}

/**
 * One run of the peer in its own temp dir (removed afterwards, whatever happens). `seconds` is
 * rounded up to whole seconds (the peer takes an integer). Resolves with its line, verbatim.
 */
export async function runPeer(
  binary: string,
  concurrency: number,
  seconds: number,
  payloadBytes: number,
  baseDir: string | undefined,
): Promise<{ line: string; result: PeerResult }> {
  const dir = mkdtempSync(join(baseDir ?? tmpdir(), 'raft-peer-'));
  try {
    const args = [join(dir, 'data'), String(concurrency), String(Math.ceil(seconds)), String(payloadBytes)];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), (Math.ceil(seconds) + 60) * 1000);
    const code = await new Promise<number | string>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, signal) => resolve(c ?? signal ?? 'unknown'));
    }).finally(() => clearTimeout(killer));
    const line = stdout.trim().split('\n').pop() ?? '';
    if (code !== 0) throw new Error(`peer exited with ${code}; stdout: ${stdout.trim()}`);
    return { line, result: parsePeerLine(line) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
