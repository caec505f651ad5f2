/** Shared fixtures for the TCP transport tests: transports on loopback, inboxes and loggers to await. */
import * as net from 'node:net';
import type { LogFields, Logger } from '../../../src/raft/environment';
import { LogType } from '../../../src/raft/log';
import type { AppendEntries, RaftMessage, RequestVote } from '../../../src/raft/messages';
import { TcpTransport, type TcpTransportOptions } from '../../../src/raft/tcp';

/** Rejects after `ms` so that a broken test fails instead of hanging; the timer never delays success. */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface Received {
  readonly message: RaftMessage;
  readonly from: string;
}

/** A handler that records messages and lets a test await the n-th one. */
export class Inbox {
  readonly received: Received[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  readonly handler = (message: RaftMessage, from: string): void => {
    this.received.push({ message, from });
    this.waiters = this.waiters.filter((w) => {
      if (this.received.length < w.count) return true;
      w.resolve();
      return false;
    });
  };

  /** Resolves once `count` messages in total have arrived. */
  waitFor(count: number, ms?: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => this.waiters.push({ count, resolve })), `${count} messages`, ms);
  }
}

export interface LogRecord {
  readonly level: keyof Logger;
  readonly message: string;
  readonly fields: LogFields;
}

/** A Logger that records, and lets a test await a given message. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  private waiters: { match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];

  debug(message: string, fields: LogFields = {}): void {
    this.record({ level: 'debug', message, fields });
  }
  info(message: string, fields: LogFields = {}): void {
    this.record({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.record({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.record({ level: 'error', message, fields });
  }

  /** Resolves with the first record (already logged or to come) whose message contains `text`. */
  waitFor(text: string, ms?: number): Promise<LogRecord> {
    const match = (r: LogRecord): boolean => r.message.includes(text);
    const found = this.records.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return withTimeout(new Promise<LogRecord>((resolve) => this.waiters.push({ match, resolve })), `log "${text}"`, ms);
  }

  count(text: string): number {
    return this.records.filter((r) => r.message.includes(text)).length;
  }

  private record(r: LogRecord): void {
    this.records.push(r);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(r)) return true;
      w.resolve(r);
      return false;
    });
  }
}

/** A transport on a free loopback port, with fast reconnects. */
export function listen(localId: string, options: Partial<TcpTransportOptions> = {}): Promise<TcpTransport> {
  return TcpTransport.listen({
    bindAddress: '127.0.0.1:0',
    clusterId: 'test-cluster',
    localId,
    backoff: { initialMs: 5, maxMs: 40 },
    ...options,
  });
}

/** A port that was free a moment ago (nothing listens on it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A plain TCP client (a misbehaving peer); `closed` resolves when the other side closes it. */
export async function rawConnect(address: string): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  const colon = address.lastIndexOf(':');
  const socket = net.connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
  socket.on('error', () => {}); // a reset by the transport is what these tests provoke
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await withTimeout(new Promise<void>((resolve) => socket.once('connect', resolve)), 'raw connect');
  return { socket, closed };
}

/** A RequestVote numbered `n` (in lastLogIndex), so that order can be checked. */
export function numbered(from: string, to: string, n: number): RequestVote {
  return { type: 'RequestVote', from, to, term: 1, lastLogIndex: n, lastLogTerm: 0, preVote: false, leadershipTransfer: false };
}

/** An AppendEntries with `count` entries of `size` bytes each; `seq` numbers it. */
export function appendEntries(from: string, to: string, seq: number, count: number, size: number): AppendEntries {
  const entries = Array.from({ length: count }, (_, i) => ({
    index: seq * count + i + 1,
    term: 3,
    type: LogType.Command,
    data: new Uint8Array(size).fill((seq + i) & 0xff),
  }));
  return { type: 'AppendEntries', from, to, term: 3, prevLogIndex: seq * count, prevLogTerm: 3, entries, leaderCommit: seq, seq };
}

/** One message of every type (and every LogType), with values that exercise the codec's edges. */
export function oneOfEach(from: string, to: string): RaftMessage[] {
  const envelope = { from, to, term: 2 ** 40 + 7 };
  return [
    {
      type: 'AppendEntries',
      ...envelope,
      prevLogIndex: 10,
      prevLogTerm: 4,
      leaderCommit: 9,
      seq: 77,
      entries: [
        { index: 11, term: 5, type: LogType.Command, data: Uint8Array.of(1, 2, 3) },
        { index: 12, term: 5, type: LogType.Noop, data: new Uint8Array(0) },
        { index: 13, term: 5, type: LogType.Configuration, data: new Uint8Array(300).fill(9) },
        { index: 14, term: 5, type: LogType.Barrier, data: new Uint8Array(0) },
      ],
    },
    { type: 'AppendEntries', ...envelope, prevLogIndex: 14, prevLogTerm: 5, leaderCommit: 14, seq: 78, entries: [] },
    {
      type: 'AppendEntriesResponse',
      ...envelope,
      success: false,
      seq: 78,
      matchIndex: 14,
      lastLogIndex: 12,
      conflictTerm: 4,
      conflictIndex: 8,
    },
    { type: 'RequestVote', ...envelope, lastLogIndex: Number.MAX_SAFE_INTEGER, lastLogTerm: 5, preVote: true, leadershipTransfer: true },
    { type: 'RequestVoteResponse', ...envelope, granted: true, preVote: false },
    { type: 'TimeoutNow', ...envelope },
    {
      type: 'InstallSnapshot',
      ...envelope,
      snapshotId: 'snap-ü',
      lastIndex: 14,
      lastTerm: 5,
      configuration: {
        servers: [
          { id: from, address: '127.0.0.1:1', suffrage: 'voter' },
          { id: to, address: '127.0.0.1:2', suffrage: 'nonvoter' },
        ],
      },
      configurationIndex: 13,
      offset: 2 ** 33,
      data: new Uint8Array(300).fill(7),
      size: 2 ** 33 + 300,
      crc32: 0xffffffff,
      done: true,
      seq: 79,
    },
    {
      type: 'InstallSnapshotResponse',
      ...envelope,
      snapshotId: 'snap-ü',
      nextOffset: 2 ** 33 + 300,
      installed: true,
      lastIndex: 14,
      seq: 79,
    },
  ];
}
