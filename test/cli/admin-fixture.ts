/**
 * minfs-admin run in this process (runAdmin) with its output captured, and a config.yaml for a
 * fourth MetaServer that joins a cluster written by writeClusterConfig.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { parse, stringify } from 'yaml';
import { runAdmin } from '../../src/cli/minfs-admin';
import { freePorts } from '../support/free-ports';

/** `minfs-admin --json status`, the fields tests read. */
export interface StatusJson {
  nodes: { id: string; address: string; state: string; term: string; applied: string; commit: string; lag: string }[];
  unreachable: Record<string, string>;
}

/** `minfs-admin --json members`. */
export interface MembersJson {
  members: { id: string; suffrage: string; grpc_address: string; leader: boolean; promote: boolean }[];
}

export interface AdminRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

export async function admin(...argv: string[]): Promise<AdminRun> {
  const out = sink();
  const err = sink();
  const code = await runAdmin(argv, {}, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** `minfs-admin --json check`. */
export interface CheckJson {
  verdict: string;
  replicas: { id: string; index?: string; hash?: string; error?: string }[];
}

/** `minfs-admin check` on `servers` finds `replicas` replicas, all holding the same namespace; returns its report. */
export async function expectConsistent(servers: string, replicas: number): Promise<CheckJson> {
  const check = await adminJson<CheckJson>('--servers', servers, 'check');
  assert.equal(check.verdict, 'CONSISTENT', JSON.stringify(check));
  assert.equal(check.replicas.length, replicas, JSON.stringify(check));
  return check;
}

/** Runs minfs-admin with --json and parses its output (which must succeed). */
export async function adminJson<T>(...argv: string[]): Promise<T> {
  const run = await admin('--json', ...argv);
  if (run.code !== 0) throw new Error(`minfs-admin ${argv.join(' ')}: exit ${run.code}: ${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout) as T;
}

interface PeerEntry {
  id: string;
  raft_addr: string;
  grpc_addr: string;
}

/** A copy of `file` whose raft.peers also lists a fourth node on free ports; returns it and the node's ports. */
export async function configWithFourthPeer(file: string, dir: string): Promise<{ file: string; grpc: number; raft: number; id: string }> {
  const [grpc, raft] = await freePorts(2);
  const config = parse(readFileSync(file, 'utf8')) as { raft: { peers: PeerEntry[] } };
  const id = `meta-${grpc!}`;
  config.raft.peers.push({ id, raft_addr: `127.0.0.1:${raft!}`, grpc_addr: `127.0.0.1:${grpc!}` });
  const joined = path.join(dir, 'config-4.yaml');
  writeFileSync(joined, stringify(config));
  return { file: joined, grpc: grpc!, raft: raft!, id };
}
