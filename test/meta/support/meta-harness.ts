/**
 * Helpers of the namespace FSM tests: temp dirs, log entries, command builders with defaults, a
 * replica that numbers its own entries, snapshot streams, and the "a refusal changes nothing"
 * check (the same entries on two FSMs, one with the refused command, one with a no-op at its
 * index: the digests must be equal).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogType, type FSMSnapshot, type LogEntry } from '../../../src/raft';
import {
  encodeCommand,
  type AllocateBlocksCommand,
  type CreateNodeCommand,
  type DeleteNodeCommand,
  type FinalizeWriteCommand,
  type MetaCommand,
  type PurgeTrashCommand,
  type RenameCommand,
} from '../../../src/meta/commands';
import { MetaFsm, type MetaFsmOptions } from '../../../src/meta/meta-fsm';
import { NamespaceReader, type NodeAt } from '../../../src/meta/namespace-reader';
import { DIRECTORY, FILE, blocksFor, type NodeType } from '../../../src/meta/node-types';
import type { MetaResult, RefusalKind } from '../../../src/meta/results';

/** The leader clock of commands that do not say otherwise (Unix ms). */
export const T0 = 1_700_000_000_000;
export const MiB = 1 << 20;

/** Runs `body` with a fresh temp dir, removed afterwards. */
export async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meta-fsm-'));
  try {
    await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export type Opener = (name: string, options?: MetaFsmOptions) => MetaFsm;

/** Opens FSMs in subdirectories of one temp dir and closes them all at the end. */
export async function withFsms(body: (open: Opener, dir: string) => Promise<void>): Promise<void> {
  await withDir(async (dir) => {
    const opened: MetaFsm[] = [];
    try {
      await body((name, options) => {
        const fsm = MetaFsm.open(path.join(dir, name), options);
        opened.push(fsm);
        return fsm;
      }, dir);
    } finally {
      await Promise.all(opened.map((fsm) => fsm.close()));
    }
  });
}

/** What an entry carries: a command, raw bytes (a Command entry), or a non-command entry type. */
export type Payload = MetaCommand | Uint8Array | LogType.Noop | LogType.Configuration;

export function entry(index: number, payload: Payload): LogEntry {
  if (payload === LogType.Noop || payload === LogType.Configuration) return { index, term: 1, type: payload, data: new Uint8Array(0) };
  const data = payload instanceof Uint8Array ? payload : encodeCommand(payload);
  return { index, term: 1, type: LogType.Command, data };
}

export function entries(first: number, payloads: readonly Payload[]): LogEntry[] {
  return payloads.map((p, i) => entry(first + i, p));
}

// ---- command builders ----

export function placementsFor(size: number, first = 1): string[][] {
  return Array.from({ length: blocksFor(size) }, (_, i) => [
    `10.0.0.${((first + i) % 3) + 1}:9000`,
    `10.0.1.${((first + i) % 3) + 1}:9000`,
  ]);
}

export function create(p: string, type: NodeType = FILE, more: Partial<CreateNodeCommand> = {}): CreateNodeCommand {
  return { op: 'create', path: p, type, parents: false, replication: 3, at: T0, ...more };
}
export function mkdir(p: string, more: Partial<CreateNodeCommand> = {}): CreateNodeCommand {
  return create(p, DIRECTORY, more);
}
export function remove(p: string, recursive = false, more: Partial<DeleteNodeCommand> = {}): DeleteNodeCommand {
  return { op: 'delete', path: p, recursive, at: T0, ...more };
}
export function purge(limit: number, more: Partial<PurgeTrashCommand> = {}): PurgeTrashCommand {
  return { op: 'purge', limit, at: T0, ...more };
}
export function allocate(p: string, size: number, more: Partial<AllocateBlocksCommand> = {}): AllocateBlocksCommand {
  return { op: 'allocate', path: p, size, placements: placementsFor(size), create: false, replication: 3, at: T0, ...more };
}
export function finalize(p: string, inode: number, size: number, more: Partial<FinalizeWriteCommand> = {}): FinalizeWriteCommand {
  return { op: 'finalize', path: p, inode, size, md5: 'd41d8cd98f00b204e9800998ecf8427e', at: T0, ...more };
}
export function rename(from: string, to: string, more: Partial<RenameCommand> = {}): RenameCommand {
  return { op: 'rename', from, to, at: T0, ...more };
}

// ---- a replica that numbers its own entries ----

export class Replica {
  readonly reader: NamespaceReader;

  constructor(readonly fsm: MetaFsm) {
    this.reader = new NamespaceReader(fsm.state);
  }

  /** A fresh FSM with the root made by a Configuration entry at index 1. */
  static async bootstrap(fsm: MetaFsm): Promise<Replica> {
    await fsm.applyBatch([entry(1, LogType.Configuration)]);
    await fsm.settled();
    return new Replica(fsm);
  }

  /** Applies `payloads` as one batch continuing the applied index. */
  async batch(payloads: readonly Payload[]): Promise<MetaResult[]> {
    const results = await this.fsm.applyBatch(entries(this.fsm.appliedIndex() + 1, payloads));
    // Results come before the commit (pipelined applies); the next index and any read need it committed.
    await this.fsm.settled();
    return results;
  }

  async run(payload: Payload): Promise<MetaResult> {
    return (await this.batch([payload]))[0]!;
  }

  /** Applies `command`, which must succeed; returns its result. */
  async ok(command: MetaCommand): Promise<MetaResult> {
    const result = await this.run(command);
    assert.ok(result.ok, `${command.op} should succeed: ${JSON.stringify(result)}`);
    return result;
  }

  /** The inode of `command`'s result (a create or an allocate that must succeed). */
  async inode(command: CreateNodeCommand | AllocateBlocksCommand): Promise<number> {
    const result = await this.ok(command);
    assert.ok('inode' in result);
    return result.inode;
  }

  stat(p: string): NodeAt {
    const node = this.reader.stat(p);
    assert.ok(!('kind' in node), `stat ${p}: ${JSON.stringify(node)}`);
    return node;
  }

  exists(p: string): boolean {
    return !('kind' in this.reader.stat(p));
  }

  size(p: string): number {
    return this.stat(p).record.s;
  }

  /** The names in directory `p`, read page by page. */
  names(p: string, pageSize = 100): string[] {
    const dir = this.stat(p);
    const out: string[] = [];
    let after: string | undefined;
    do {
      const page = this.reader.list(dir, after, pageSize);
      out.push(...page.entries.map((e) => e.record.n));
      after = page.next;
    } while (after !== undefined);
    return out;
  }

  /** Every key of one database, in order. */
  keys<K>(db: 'inodes' | 'dirents' | 'blocks' | 'trash' | 'gc' | 'requests' | 'expiry'): K[] {
    return [...(this.fsm.state.env[db] as { getKeys(): Iterable<unknown> }).getKeys()] as K[];
  }
}

// ---- results ----

/** `result` (of a command, or of a reader's stat) is a refusal of `kind` whose message contains `message`. */
export function assertRefused(result: MetaResult | NodeAt, kind: RefusalKind, message: string): void {
  assert.ok('kind' in result, `expected a refusal (${kind}), got ${JSON.stringify(result)}`);
  assert.equal(result.ok, false);
  assert.equal(result.kind, kind, `kind of ${JSON.stringify(result)}`);
  assert.ok(result.message.includes(message), `message ${JSON.stringify(result.message)} should contain ${JSON.stringify(message)}`);
}

/**
 * Applies `setup` to two fresh FSMs, then `command` to one and a no-op at the same index to the
 * other; `check` looks at the command's result, and both FSMs must end with the same digest (the
 * command changed nothing).
 */
export async function assertNoEffect(setup: readonly Payload[], command: Payload, check: (result: MetaResult) => void): Promise<void> {
  await withFsms(async (open) => {
    const applied = await Replica.bootstrap(open('applied'));
    const untouched = await Replica.bootstrap(open('untouched'));
    const setupResults = await applied.batch(setup);
    await untouched.batch(setup);
    for (const [i, r] of setupResults.entries()) assert.ok(r.ok, `setup command ${i} should succeed: ${JSON.stringify(r)}`);
    check(await applied.run(command));
    await untouched.run(LogType.Noop);
    assert.deepEqual(await applied.fsm.digest(), await untouched.fsm.digest(), 'the command must change nothing');
  });
}

/** `command`, after `setup`, is refused with `kind` (message containing `message`) and changes nothing. */
export function assertRefusalChangesNothing(
  setup: readonly Payload[],
  command: Payload,
  kind: RefusalKind,
  message: string,
): Promise<void> {
  return assertNoEffect(setup, command, (result) => assertRefused(result, kind, message));
}

// ---- snapshots ----

/** Persists `view` (released afterwards) into a list of chunks; `between` runs after each chunk. */
export async function persistView(view: FSMSnapshot, between?: () => Promise<void>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  try {
    await view.persist(async (chunk) => {
      chunks.push(Buffer.from(chunk));
      await between?.();
    });
  } finally {
    view.release();
  }
  return chunks;
}

export async function persistToChunks(fsm: MetaFsm, between?: () => Promise<void>): Promise<Buffer[]> {
  return persistView(await fsm.snapshot(), between);
}

export { stream } from '../../support/chunk-stream';
