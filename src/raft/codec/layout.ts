/**
 * The layout of each message type: the order and kind of its fields after the common header.
 *
 *   byte    format version (1)
 *   byte    message type tag (see TYPE_TAGS)
 *   string  from, to           (varint byte length + UTF-8)
 *   uint    term               (LEB128 varint, minimal length, at most 2^53 - 1)
 *   ...     the type's fields, in the order of `writeMessage`; booleans are one byte, 0 or 1;
 *           entries are a varint count then (uint index, uint term, byte type, varint length + data);
 *           a configuration is a varint server count then (string id, string address, byte
 *           suffrage: 0 voter, 1 nonvoter); a uint32 is four bytes, little-endian
 *   uint32  CRC-32 (IEEE) of everything before it, little-endian
 *
 * An InstallSnapshot's `data` comes last, so that the bulk of a chunk is one contiguous copy.
 */
import type { Configuration, Server } from '../configuration';
import type { LogEntry } from '../log';
import type { RaftMessage, RaftMessageType } from '../messages';
import type { Reader } from './reader';
import type { StringLimits } from './primitives';
import type { Sink } from './writer';

export const FORMAT_VERSION = 1;

export const TYPE_TAGS: Readonly<Record<RaftMessageType, number>> = {
  AppendEntries: 1,
  AppendEntriesResponse: 2,
  RequestVote: 3,
  RequestVoteResponse: 4,
  TimeoutNow: 5,
  InstallSnapshot: 6,
  InstallSnapshotResponse: 7,
};

/** Longest snapshot id, in bytes of UTF-8. */
export const MAX_SNAPSHOT_ID_BYTES = 256;
/** Most servers in a configuration carried by InstallSnapshot. */
export const MAX_CONFIGURATION_SERVERS = 1024;

const SNAPSHOT_ID: StringLimits = { minBytes: 1, maxBytes: MAX_SNAPSHOT_ID_BYTES };
const NON_EMPTY: StringLimits = { minBytes: 1, maxBytes: Number.MAX_SAFE_INTEGER };
/** index, term, type and data length take a byte each at least; bounds a hostile entry count. */
const MIN_ENTRY_BYTES = 4;
/** A non-empty id and address take two bytes each at least, the suffrage one. */
const MIN_SERVER_BYTES = 5;

export function writeMessage(sink: Sink, m: RaftMessage): void {
  if (!Object.hasOwn(TYPE_TAGS, m.type)) throw new TypeError(`encodeMessage: unknown message type ${String(m.type)}`);
  sink.byte(FORMAT_VERSION);
  sink.byte(TYPE_TAGS[m.type]);
  sink.string(m.from, 'from');
  sink.string(m.to, 'to');
  sink.uint(m.term, 'term');
  switch (m.type) {
    case 'AppendEntries':
      sink.uint(m.prevLogIndex, 'prevLogIndex');
      sink.uint(m.prevLogTerm, 'prevLogTerm');
      sink.uint(m.leaderCommit, 'leaderCommit');
      sink.uint(m.seq, 'seq');
      sink.count(m.entries, 'entries');
      for (const e of m.entries) {
        sink.uint(e.index, 'entry.index');
        sink.uint(e.term, 'entry.term');
        sink.logType(e.type, 'entry.type');
        sink.bytes(e.data, 'entry.data');
      }
      return;
    case 'AppendEntriesResponse':
      sink.bool(m.success, 'success');
      sink.uint(m.seq, 'seq');
      sink.uint(m.matchIndex, 'matchIndex');
      sink.uint(m.lastLogIndex, 'lastLogIndex');
      sink.uint(m.conflictTerm, 'conflictTerm');
      sink.uint(m.conflictIndex, 'conflictIndex');
      return;
    case 'RequestVote':
      sink.uint(m.lastLogIndex, 'lastLogIndex');
      sink.uint(m.lastLogTerm, 'lastLogTerm');
      sink.bool(m.preVote, 'preVote');
      sink.bool(m.leadershipTransfer, 'leadershipTransfer');
      return;
    case 'RequestVoteResponse':
      sink.bool(m.granted, 'granted');
      sink.bool(m.preVote, 'preVote');
      return;
    case 'TimeoutNow':
      return;
    case 'InstallSnapshot':
      sink.string(m.snapshotId, 'snapshotId', SNAPSHOT_ID);
      sink.uint(m.lastIndex, 'lastIndex');
      sink.uint(m.lastTerm, 'lastTerm');
      writeConfiguration(sink, m.configuration);
      sink.uint(m.configurationIndex, 'configurationIndex');
      sink.uint(m.offset, 'offset');
      sink.uint(m.size, 'size');
      sink.uint32(m.crc32, 'crc32');
      sink.bool(m.done, 'done');
      sink.uint(m.seq, 'seq');
      sink.bytes(m.data, 'data');
      return;
    case 'InstallSnapshotResponse':
      sink.string(m.snapshotId, 'snapshotId', SNAPSHOT_ID);
      sink.uint(m.nextOffset, 'nextOffset');
      sink.bool(m.installed, 'installed');
      sink.uint(m.lastIndex, 'lastIndex');
      sink.uint(m.seq, 'seq');
      return;
  }
}

function writeConfiguration(sink: Sink, configuration: Configuration): void {
  if (!isObject(configuration)) throw new TypeError('encodeMessage: configuration must be an object');
  sink.count(configuration.servers, 'configuration.servers', MAX_CONFIGURATION_SERVERS);
  for (const server of configuration.servers) {
    if (!isObject(server)) throw new TypeError('encodeMessage: configuration.servers must hold objects');
    sink.string(server.id, 'server.id', NON_EMPTY);
    sink.string(server.address, 'server.address', NON_EMPTY);
    sink.suffrage(server.suffrage, 'server.suffrage');
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Reads what follows the format version; the caller checks that nothing is left over. */
export function readBody(r: Reader): RaftMessage {
  const tag = r.byte();
  const from = r.string('from');
  const to = r.string('to');
  const term = r.uint('term');
  switch (tag) {
    case TYPE_TAGS.AppendEntries: {
      const prevLogIndex = r.uint('prevLogIndex');
      const prevLogTerm = r.uint('prevLogTerm');
      const leaderCommit = r.uint('leaderCommit');
      const seq = r.uint('seq');
      const count = r.uint('entries');
      if (count > (r.end - r.pos) / MIN_ENTRY_BYTES) r.fail(`entry count ${count} exceeds the message`);
      const entries: LogEntry[] = [];
      if (count > 0) r.copyRest();
      for (let i = 0; i < count; i++) {
        entries.push({
          index: r.uint('entry.index'),
          term: r.uint('entry.term'),
          type: r.logType('entry.type'),
          data: r.bytes('entry.data'),
        });
      }
      return { type: 'AppendEntries', from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, seq };
    }
    case TYPE_TAGS.AppendEntriesResponse: {
      const success = r.bool('success');
      const seq = r.uint('seq');
      const matchIndex = r.uint('matchIndex');
      const lastLogIndex = r.uint('lastLogIndex');
      const conflictTerm = r.uint('conflictTerm');
      const conflictIndex = r.uint('conflictIndex');
      return { type: 'AppendEntriesResponse', from, to, term, success, seq, matchIndex, lastLogIndex, conflictTerm, conflictIndex };
    }
    case TYPE_TAGS.RequestVote: {
      const lastLogIndex = r.uint('lastLogIndex');
      const lastLogTerm = r.uint('lastLogTerm');
      const preVote = r.bool('preVote');
      const leadershipTransfer = r.bool('leadershipTransfer');
      return { type: 'RequestVote', from, to, term, lastLogIndex, lastLogTerm, preVote, leadershipTransfer };
    }
    case TYPE_TAGS.RequestVoteResponse: {
      const granted = r.bool('granted');
      const preVote = r.bool('preVote');
      return { type: 'RequestVoteResponse', from, to, term, granted, preVote };
    }
    case TYPE_TAGS.TimeoutNow:
      return { type: 'TimeoutNow', from, to, term };
    case TYPE_TAGS.InstallSnapshot: {
      const snapshotId = r.string('snapshotId', SNAPSHOT_ID);
      const lastIndex = r.uint('lastIndex');
      const lastTerm = r.uint('lastTerm');
      const configuration = readConfiguration(r);
      const configurationIndex = r.uint('configurationIndex');
      const offset = r.uint('offset');
      const size = r.uint('size');
      const crc32 = r.uint32();
      const done = r.bool('done');
      const seq = r.uint('seq');
      const data = r.bytes('data'); // a fresh copy, or a view of bytes the caller handed over
      return {
        type: 'InstallSnapshot',
        from,
        to,
        term,
        snapshotId,
        lastIndex,
        lastTerm,
        configuration,
        configurationIndex,
        offset,
        data,
        size,
        crc32,
        done,
        seq,
      };
    }
    case TYPE_TAGS.InstallSnapshotResponse: {
      const snapshotId = r.string('snapshotId', SNAPSHOT_ID);
      const nextOffset = r.uint('nextOffset');
      const installed = r.bool('installed');
      const lastIndex = r.uint('lastIndex');
      const seq = r.uint('seq');
      return { type: 'InstallSnapshotResponse', from, to, term, snapshotId, nextOffset, installed, lastIndex, seq };
    }
    default:
      return r.fail(`unknown message type tag ${tag}`);
  }
}

function readConfiguration(r: Reader): Configuration {
  const count = r.count('configuration.servers', MAX_CONFIGURATION_SERVERS, MIN_SERVER_BYTES);
  const servers: Server[] = [];
  for (let i = 0; i < count; i++) {
    const id = r.string('server.id', NON_EMPTY);
    const address = r.string('server.address', NON_EMPTY);
    const suffrage = r.suffrage('server.suffrage');
    servers.push({ id, address, suffrage });
  }
  return { servers };
}
